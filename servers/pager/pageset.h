/*
 * A set of page numbers, sparse: which pages of a memory object have a
 * private frame. Bits live in 4 KiB leaves (128 MiB of object each), kept
 * in a sorted array found by binary search, so a huge mapping costs
 * nothing until it is touched.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct pageset_leaf;

struct pageset {
	struct pageset_leaf **leaves;	/* sorted by index */
	unsigned count, cap;
};

bool pageset_has(const struct pageset *s, uint64_t page);
/* Add page: 0, or -ENOMEM (nothing changed). */
int pageset_add(struct pageset *s, uint64_t page);
/* Remove the pages [first, first + n). */
void pageset_remove(struct pageset *s, uint64_t first, uint64_t n);
void pageset_free(struct pageset *s);
