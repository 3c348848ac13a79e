/*
 * Frame objects: a physically contiguous run of pages a handle can name
 * and a mapping can show. References: one per handle and one per mapped
 * page; the memory goes back to its pool with the last. Fixed frames
 * (the bootfs, device memory) describe memory the allocator never had.
 */
#pragma once

#include <boot.h>
#include <memlayout.h>
#include <obj.h>
#include <pool.h>

struct frame {
	struct kobj obj;
	paddr_t pa;
	size_t pages;
	struct pool *pool;	/* pays for it; NULL for a fixed frame */
	bool device;		/* device memory: mapped uncached */
};

extern const struct kobj_ops frame_ops;

/* Zeroed frames from pool: 0 with *out, -ENOMEM. align in pages (power of two). */
int frame_create(struct pool *pool, size_t pages, size_t align, struct frame **out);

/* A frame over memory the allocator does not manage (bootfs, devices). */
int frame_create_fixed(paddr_t pa, size_t pages, bool device, struct frame **out);

/*
 * The frame a mapped physical page belongs to (kernel/mm/pageowner.c):
 * for RAM a look in the owner table, inline (map_copy and teardown ask
 * for every page); device memory outside RAM, page_owner_device.
 */
extern struct frame **page_owners;	/* one per page of RAM, from page_owners_base */
extern paddr_t page_owners_base;
extern size_t page_owners_pages;
struct frame *page_owner_device(paddr_t pa);

static inline struct frame *page_owner(paddr_t pa)
{
	size_t i = (pa - page_owners_base) >> PAGE_SHIFT;	/* below base: wraps, too big */

	return i < page_owners_pages ? page_owners[i] : page_owner_device(pa);
}
/*
 * Record (or with NULL, forget) the frame of [pa, pa + pages pages): 0, or
 * -ENOMEM when the short list of device frames outside RAM is full.
 */
int page_owner_set(paddr_t pa, size_t pages, struct frame *f);
/* Make the owner table, covering all RAM (after frame_init). */
int page_owner_init(const struct mem_range *ram, unsigned nram);
