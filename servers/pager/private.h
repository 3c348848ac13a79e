/* Private frames shared copy-on-write after fork (private.c). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include "pagemap.h"

struct fault;
struct fault_answer;

/* Record a new private frame at page (the caller's answer maps it): 0 or -ENOMEM. */
int private_add(struct pagemap *m, uint64_t page);
bool private_has(const struct pagemap *m, uint64_t page);
/*
 * Resolve a fault on a page that has a private frame: 1 with *a (copy,
 * or rights back), 0 if it has none (the kind decides), or -errno.
 */
int private_fault(struct pagemap *m, const struct fault *f, uint64_t page,
		  struct fault_answer *a);
/*
 * child (empty) shares every private frame of parent, after map_copy made
 * them read-only on both sides: 0, or -ENOMEM with child empty again.
 */
int private_fork(struct pagemap *child, struct pagemap *parent);
/* Let go of the pages [first, first + n). */
void private_discard(struct pagemap *m, uint64_t first, uint64_t n);
void private_free(struct pagemap *m);
