/* Private frames shared copy-on-write after fork, with their reverse map (private.c). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include "pagemap.h"

struct fault;
struct fault_answer;
struct memobj;
struct proc;

/* The private frames of one memory object. */
struct private {
	struct pagemap map;		/* page -> struct page */
	struct memobj *owner;		/* the object they belong to */
};

/* Whether page has a private frame. */
bool private_has(const struct private *p, uint64_t page);
/* Record a new private frame at page (the caller's answer maps it): 0 or -ENOMEM. */
int private_add(struct private *p, uint64_t page);
/*
 * Resolve a fault on a page that has a private frame: 1 with *a (copy,
 * or rights back), 0 if it has none (the kind decides), or -errno.
 */
int private_fault(struct private *p, const struct fault *f, uint64_t page,
		  struct fault_answer *a);
/*
 * child (empty) shares every private frame of parent, after map_copy made
 * them read-only on both sides: 0, or -ENOMEM with child empty again.
 */
int private_fork(struct private *child, struct private *parent);
/* Let go of the pages [first, first + n). */
void private_discard(struct private *p, uint64_t first, uint64_t n);
void private_free(struct private *p);
/*
 * The reverse map of the private frame at page: fn(process, address, arg)
 * for every mapping of it, in every object that holds it; how many (0: the
 * page has no private frame).
 */
unsigned private_mappings(struct private *p, uint64_t page,
			  void (*fn)(struct proc *proc, uintptr_t va, void *arg), void *arg);
