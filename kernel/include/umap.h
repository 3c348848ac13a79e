/*
 * User mappings: frames shown in a task's address space. Every mapped
 * page holds a reference on its frame; page tables are charged to the
 * task's pool. Range operations do at most FL_RANGE_MAX bytes per call and
 * return how many they did, so a long one is restartable and the caller
 * can be preempted between calls.
 */
#pragma once

#include <arch.h>
#include <faultline/abi.h>
#include <frameobj.h>

struct task;

/* The rights a frame handle needs to be mapped with prot. */
static inline uint32_t frame_rights(unsigned prot)
{
	return FL_RIGHT_READ | (prot & FL_MAP_WRITE ? FL_RIGHT_WRITE : 0);
}

/* FL_MAP_* protections into PG_* bits for f (-EINVAL if not allowed). */
int umap_pg(unsigned prot, const struct frame *f);

/* How umap_map maps. UMAP_MAYWRITE is the leaf's PG_MAYWRITE itself (no branch to set it). */
#define UMAP_REPLACE	1u		/* take out whatever is mapped there first (map-and-resume) */
#define UMAP_MAYWRITE	PG_MAYWRITE	/* f was named with FL_RIGHT_WRITE: write may come back */

/*
 * Map pages [off, off + pages) of f at va in t, with UMAP_* how.
 * -EINVAL (alignment, range, protections), -EFAULT (not user space),
 * -EEXIST (something is mapped there), -ENOMEM (page tables): nothing
 * changes on failure.
 */
int umap_map(struct task *t, vaddr_t va, struct frame *f, size_t off, size_t pages,
	     unsigned prot, unsigned how);

/* UMAP_MAYWRITE if a frame handle's rights let its mappings be made writable. */
static inline unsigned umap_may_write(uint32_t rights)
{
	return (rights & FL_RIGHT_WRITE) ? UMAP_MAYWRITE : 0;
}

/*
 * Add the FL_MAP_* rights prot to the page mapped at va in t (a fault
 * reply, FL_FAULT_ALLOW), splitting a large page so only va's page
 * changes: 0, -EINVAL (bits that are no FL_MAP_* right, W^X without
 * FL_MAP_WX, exec on device memory), -EFAULT (not user space), -ENOENT
 * (nothing mapped), -EPERM (write on a leaf without PG_MAYWRITE),
 * -ENOMEM (the split): nothing changes on failure.
 */
int umap_allow(struct task *t, vaddr_t va, uint64_t prot);

/*
 * Copy the page mapped at va in t (any present leaf, also one protected
 * to no access; of a 2 MiB page, va's 4 KiB) into page `page` of f, then
 * map that page at va in its place with prot and how (a fault reply,
 * FL_FAULT_COPY). 0, -EINVAL (protections, page outside f, device memory
 * on either side), -EFAULT (not user space), -ENOENT (nothing mapped),
 * -ENOMEM (page tables): nothing changes on failure.
 */
int umap_copy_in(struct task *t, vaddr_t va, struct frame *f, size_t page, unsigned prot,
		 unsigned how);

/* Unmap, protect (remove rights only), copy: bytes done, or -errno. */
long umap_unmap(struct task *t, vaddr_t va, size_t len);
long umap_protect(struct task *t, vaddr_t va, size_t len, unsigned prot);
long umap_copy(struct task *dst, struct task *src, vaddr_t va, size_t len, unsigned mode);

/*
 * Copy the page mapped at va in t into page of f (frame_copy_from): 0,
 * -EINVAL (page outside f, device memory), -EFAULT (not user space),
 * -ENOENT (nothing mapped).
 */
int umap_read_page(struct task *t, vaddr_t va, struct frame *f, size_t page);

/* FL_QUERY_* bits of the page at va (0: nothing mapped), clearing A/D if clear. */
long umap_query(struct task *t, vaddr_t va, bool clear);

/*
 * Drop every mapping's frame reference of t (task teardown): the entries
 * stay for pt_destroy_user, which frees the tables right after.
 */
void umap_destroy(struct task *t);
