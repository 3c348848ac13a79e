/*
 * A sparse map from page numbers to pointers: which pages of a memory
 * object have a private frame, and its record (struct page). Entries live
 * in leaves of 64 pages (256 KiB of object each), kept in a sorted
 * array found by binary search, so a huge mapping costs nothing until it
 * is touched.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct pagemap_leaf;

struct pagemap {
	struct pagemap_leaf **leaves;	/* sorted by index */
	unsigned count, cap;
};

/* The entry for page, or NULL. */
void *pagemap_get(const struct pagemap *m, uint64_t page);
/* Set page's entry (v not NULL): 0, or -ENOMEM (nothing changed). */
int pagemap_set(struct pagemap *m, uint64_t page, void *v);
/* Clear page's entry. */
void pagemap_clear(struct pagemap *m, uint64_t page);
/*
 * Call fn(page, entry, arg) for each entry in [first, first + n), in
 * order; the entry is cleared when fn returns true.
 */
void pagemap_each(struct pagemap *m, uint64_t first, uint64_t n,
		  bool (*fn)(uint64_t page, void *entry, void *arg), void *arg);
/*
 * Fill the empty map dst with src's entries, a leaf at a time: each entry
 * is copied once fn(page, entry, arg) said 0. 0, or the first error (fn's,
 * -ENOMEM; -EINVAL if dst is not empty): dst then holds what was copied.
 */
int pagemap_copy(struct pagemap *dst, const struct pagemap *src,
		 int (*fn)(uint64_t page, void *entry, void *arg), void *arg);

/* Free the map (not what the entries point to). */
void pagemap_free(struct pagemap *m);
