/*
 * Regions: the pager's map of one address space. A region is a range of
 * whole pages [start, end) with its rights and flags, backed by a memory
 * object at an offset. The map keeps them in an AVL tree ordered by start,
 * so finding the region of a faulting address takes O(log n) however many
 * regions there are.
 *
 * The map never allocates: callers hand in the nodes (a split needs one
 * for the tail), so no operation can fail half-way for want of memory.
 * What a split or merge means for the memory object (its split op, its
 * references) is the caller's business; the map only moves boundaries.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REGION_PAGE	4096ul

struct memobj;

struct region {
	uintptr_t start, end;		/* page-aligned, start < end */
	unsigned prot;			/* FL_MAP_* rights the region allows */
	unsigned flags;			/* MAP_* flags (private, shared, stack...) */
	struct memobj *obj;		/* what backs it; NULL: nothing yet */
	uint64_t offset;		/* of start within obj, in bytes */
	void *owner;			/* whose address space (the pager: struct proc) */
	struct region *obj_next;	/* the next region using the same object */
	struct region *left, *right;	/* the tree, by start */
	int height;			/* of this subtree: a leaf is 1 */
};

struct region_map {
	struct region *root;
	size_t count;
	uintptr_t lo, hi;		/* the usable addresses: [lo, hi) */
};

/* An empty map for the addresses [lo, hi) (both page-aligned). */
void region_map_init(struct region_map *m, uintptr_t lo, uintptr_t hi);

/* The region containing va, or NULL. */
struct region *region_find(const struct region_map *m, uintptr_t va);

/* The first region ending above va (the one containing it, or the next), or NULL. */
struct region *region_next(const struct region_map *m, uintptr_t va);

/* The lowest region, or NULL. */
struct region *region_first(const struct region_map *m);

/*
 * Add r (start, end and the rest filled in). 0; -EINVAL when the range is
 * empty, unaligned or outside [lo, hi); -EEXIST when it overlaps a region.
 */
int region_insert(struct region_map *m, struct region *r);

/* Take r out of the map (it must be in it). */
void region_remove(struct region_map *m, struct region *r);

/*
 * Cut r at at: r keeps [start, at), tail (a spare node) becomes [at, end)
 * with the same rights, flags and object at the matching offset. 0, or
 * -EINVAL when at is unaligned or not strictly inside r.
 */
int region_split(struct region_map *m, struct region *r, uintptr_t at, struct region *tail);

/*
 * If b starts where a ends with the same rights, flags and object, at the
 * offset that continues a's, grow a over b, take b out and return it (for
 * the caller to free); otherwise NULL.
 */
struct region *region_merge(struct region_map *m, struct region *a, struct region *b);

/*
 * A free range of len bytes for a new mapping: at hint when [hint,
 * hint + len) is free and inside the map, else the lowest free range at
 * or above hint, else the lowest anywhere. 0 with *out; -EINVAL for an
 * empty or unaligned len; -ENOMEM when no hole is large enough.
 */
int region_find_hole(const struct region_map *m, size_t len, uintptr_t hint, uintptr_t *out);
