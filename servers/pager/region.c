/* Region maps: an AVL tree of page ranges ordered by start (region.h). */
#include <faultline/abi.h>

#include "region.h"

static bool page_aligned(uintptr_t x)
{
	return (x & (REGION_PAGE - 1)) == 0;
}

void region_map_init(struct region_map *m, uintptr_t lo, uintptr_t hi)
{
	*m = (struct region_map){ .root = NULL, .count = 0, .lo = lo, .hi = hi };
}

/* ---- the tree ------------------------------------------------------------- */

static int height(const struct region *r)
{
	return r ? r->height : 0;
}

static void update(struct region *r)
{
	int l = height(r->left), h = height(r->right);

	r->height = (l > h ? l : h) + 1;
}

static struct region *rotate_right(struct region *r)
{
	struct region *l = r->left;

	r->left = l->right;
	l->right = r;
	update(r);
	update(l);
	return l;
}

static struct region *rotate_left(struct region *r)
{
	struct region *h = r->right;

	r->right = h->left;
	h->left = r;
	update(r);
	update(h);
	return h;
}

/* Restore the AVL invariant at r (its subtrees differ in height by at most 2). */
static struct region *balance(struct region *r)
{
	int b = height(r->left) - height(r->right);

	update(r);
	if (b > 1) {
		if (height(r->left->left) < height(r->left->right))
			r->left = rotate_left(r->left);
		return rotate_right(r);
	}
	if (b < -1) {
		if (height(r->right->right) < height(r->right->left))
			r->right = rotate_right(r->right);
		return rotate_left(r);
	}
	return r;
}

static struct region *insert(struct region *t, struct region *r)
{
	if (!t)
		return r;
	if (r->start < t->start)
		t->left = insert(t->left, r);
	else
		t->right = insert(t->right, r);
	return balance(t);
}

/* Unlink the lowest node of t into *min; the rest of t. */
static struct region *take_min(struct region *t, struct region **min)
{
	if (!t->left) {
		*min = t;
		return t->right;
	}
	t->left = take_min(t->left, min);
	return balance(t);
}

static struct region *unlink_node(struct region *t, struct region *r)
{
	struct region *next;

	if (t == r) {
		if (!r->right)
			return r->left;
		r->right = take_min(r->right, &next);
		next->left = r->left;
		next->right = r->right;
		return balance(next);
	}
	if (r->start < t->start)
		t->left = unlink_node(t->left, r);
	else
		t->right = unlink_node(t->right, r);
	return balance(t);
}

/* ---- lookups ---------------------------------------------------------------- */

struct region *region_next(const struct region_map *m, uintptr_t va)
{
	struct region *t = m->root, *best = NULL;

	while (t) {
		if (t->end > va) {
			best = t;	/* regions do not overlap: ends are ordered too */
			t = t->left;
		} else {
			t = t->right;
		}
	}
	return best;
}

struct region *region_find(const struct region_map *m, uintptr_t va)
{
	struct region *r = region_next(m, va);

	return r && r->start <= va ? r : NULL;
}

struct region *region_first(const struct region_map *m)
{
	struct region *t = m->root;

	while (t && t->left)
		t = t->left;
	return t;
}

/* Is [start, end) inside the map's bounds and clear of every region? */
static bool range_free(const struct region_map *m, uintptr_t start, uintptr_t end)
{
	struct region *r;

	if (start < m->lo || end > m->hi || end <= start)
		return false;
	r = region_next(m, start);
	return !r || r->start >= end;
}

/* ---- changes ---------------------------------------------------------------- */

int region_insert(struct region_map *m, struct region *r)
{
	if (r->end <= r->start || !page_aligned(r->start) || !page_aligned(r->end) ||
	    r->start < m->lo || r->end > m->hi)
		return -EINVAL;
	if (!range_free(m, r->start, r->end))
		return -EEXIST;
	r->left = r->right = NULL;
	r->height = 1;
	m->root = insert(m->root, r);
	m->count++;
	return 0;
}

void region_remove(struct region_map *m, struct region *r)
{
	m->root = unlink_node(m->root, r);
	m->count--;
}

int region_split(struct region_map *m, struct region *r, uintptr_t at, struct region *tail)
{
	if (!page_aligned(at) || at <= r->start || at >= r->end)
		return -EINVAL;
	*tail = *r;
	tail->start = at;
	tail->offset = r->offset + (at - r->start);
	r->end = at;		/* r's start, so its place in the tree, stays */
	tail->left = tail->right = NULL;
	tail->height = 1;
	m->root = insert(m->root, tail);
	m->count++;
	return 0;
}

struct region *region_merge(struct region_map *m, struct region *a, struct region *b)
{
	if (a->end != b->start || a->prot != b->prot || a->flags != b->flags ||
	    a->obj != b->obj || a->offset + (a->end - a->start) != b->offset)
		return NULL;
	region_remove(m, b);
	a->end = b->end;
	return b;
}

int region_find_hole(const struct region_map *m, size_t len, uintptr_t hint, uintptr_t *out)
{
	uintptr_t from[2];

	if (len == 0 || !page_aligned(len))
		return -EINVAL;
	hint = (hint + REGION_PAGE - 1) & ~(REGION_PAGE - 1);	/* 0 if it wrapped */
	if (hint && hint + len > hint && range_free(m, hint, hint + len)) {
		*out = hint;
		return 0;
	}
	from[0] = hint > m->lo ? hint : m->lo;
	from[1] = m->lo;
	for (int pass = 0; pass < 2; pass++) {
		uintptr_t at = from[pass];

		/* walk the gaps upward from at: each step passes one region */
		while (at < m->hi && m->hi - at >= len) {
			struct region *r = region_next(m, at);

			if (!r || (r->start > at && r->start - at >= len)) {
				*out = at;
				return 0;
			}
			at = r->end;
		}
	}
	return -ENOMEM;
}
