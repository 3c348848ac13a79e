/*
 * Pools: physical memory with a quota. A pool's quota comes out of its
 * parent's (the system pool has all free memory at boot); every frame,
 * page table, handle table, kernel stack and kernel object a task needs
 * is charged to the pool it was bound to at creation. Exhaustion is
 * -ENOMEM.
 *
 * Kernel objects (tasks, threads, endpoints, notifications, frame and
 * pool descriptors) are paid for by the byte, at their allocation size;
 * a pool's object bytes count in used rounded up to whole pages. Reply
 * objects, interrupt and I/O-port objects come from the kernel's
 * reserve: replies are bounded by the callers' threads and the holders'
 * handle tables, both paid for, and the others exist once per device.
 */
#pragma once

#include <obj.h>

struct pool {
	struct kobj obj;
	struct pool *parent;	/* NULL for the system pool */
	uint64_t quota;		/* pages */
	uint64_t used;		/* pages charged here, children's quotas included */
	uint64_t object_bytes;	/* kernel objects paid for here (in used, as pages) */
};

extern const struct kobj_ops pool_ops;
extern struct pool system_pool;

/* The system pool: every frame free now, less a kernel reserve. */
void pool_init(void);

/* A child with quota pages out of parent's: 0 with *out, -ENOMEM. */
int pool_create(struct pool *parent, uint64_t quota, struct pool **out);

/* Charge or return pages (NULL: the kernel's own, never charged). */
int pool_charge(struct pool *p, uint64_t pages);
void pool_uncharge(struct pool *p, uint64_t pages);

/* A zeroed kernel object paid for by p (NULL: the kernel), or NULL: -ENOMEM. */
void *pool_kalloc(struct pool *p, size_t size);
void pool_kfree(struct pool *p, void *o, size_t size);

/* Allocate frames charged to p: 0 with *pa, -ENOMEM. */
int pool_frame_alloc(struct pool *p, size_t pages, size_t align, paddr_t *pa);
void pool_frame_free(struct pool *p, paddr_t pa, size_t pages);
