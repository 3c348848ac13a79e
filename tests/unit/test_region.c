/* The pager's region map: lookups, overlaps, split and merge, holes, balance. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include <errno.h>
#include "region.h"

#define P	REGION_PAGE
#define LO	(16 * P)
#define HI	(1ul << 40)

static struct region_map map;

static struct region *node(uintptr_t start, uintptr_t end)
{
	struct region *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	r->start = start;
	r->end = end;
	r->prot = FL_MAP_READ | FL_MAP_WRITE;
	r->offset = start;
	return r;
}

static struct region *add(uintptr_t start, uintptr_t end)
{
	struct region *r = node(start, end);

	assert_int_equal(region_insert(&map, r), 0);
	return r;
}

static void free_all(void)
{
	struct region *r;

	while ((r = region_first(&map))) {
		region_remove(&map, r);
		free(r);
	}
	assert_int_equal(map.count, 0);
}

/* Order, no overlap, AVL balance and heights: the subtree's node count. */
static size_t check(const struct region *t, uintptr_t lo, uintptr_t hi)
{
	int l, r;

	if (!t)
		return 0;
	assert_true(t->start >= lo && t->end <= hi && t->start < t->end);
	l = t->left ? t->left->height : 0;
	r = t->right ? t->right->height : 0;
	assert_int_equal(t->height, (l > r ? l : r) + 1);
	assert_true(l - r <= 1 && r - l <= 1);
	return 1 + check(t->left, lo, t->start) + check(t->right, t->end, hi);
}

static void check_map(void)
{
	assert_int_equal(check(map.root, map.lo, map.hi), map.count);
}

static int setup(void **state)
{
	(void)state;
	region_map_init(&map, LO, HI);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free_all();
	return 0;
}

static void finds_by_address(void **state)
{
	struct region *a = add(LO, LO + 4 * P), *b = add(LO + 8 * P, LO + 9 * P);

	(void)state;
	assert_ptr_equal(region_find(&map, LO), a);
	assert_ptr_equal(region_find(&map, LO + 4 * P - 1), a);
	assert_null(region_find(&map, LO + 4 * P));		/* the end is outside */
	assert_null(region_find(&map, LO + 7 * P));
	assert_ptr_equal(region_find(&map, LO + 8 * P), b);
	assert_null(region_find(&map, LO + 9 * P));
	assert_null(region_find(&map, 0));
	assert_ptr_equal(region_next(&map, LO + 5 * P), b);
	assert_ptr_equal(region_next(&map, LO + 2 * P), a);
	assert_null(region_next(&map, LO + 9 * P));
	assert_ptr_equal(region_first(&map), a);
	check_map();
}

static void rejects_bad_ranges(void **state)
{
	struct region *r = node(0, 0);

	(void)state;
	add(LO + 4 * P, LO + 8 * P);
	struct {
		uintptr_t start, end;
		int err;
	} cases[] = {
		{ LO + 20 * P, LO + 20 * P, -EINVAL },		/* empty */
		{ LO + 21 * P, LO + 20 * P, -EINVAL },		/* backwards */
		{ LO + 20 * P + 1, LO + 21 * P, -EINVAL },	/* unaligned start */
		{ LO + 20 * P, LO + 21 * P - 8, -EINVAL },	/* unaligned end */
		{ LO - P, LO + P, -EINVAL },			/* below the map */
		{ HI - P, HI + P, -EINVAL },			/* above it */
		{ LO + 2 * P, LO + 5 * P, -EEXIST },		/* overlaps the start */
		{ LO + 7 * P, LO + 9 * P, -EEXIST },		/* overlaps the end */
		{ LO + 5 * P, LO + 6 * P, -EEXIST },		/* inside */
		{ LO + 3 * P, LO + 9 * P, -EEXIST },		/* around */
		{ LO + 4 * P, LO + 8 * P, -EEXIST },		/* the same */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r->start = cases[i].start;
		r->end = cases[i].end;
		assert_int_equal(region_insert(&map, r), cases[i].err);
	}
	assert_int_equal(map.count, 1);
	/* touching on either side is fine */
	r->start = LO + 8 * P;
	r->end = LO + 9 * P;
	assert_int_equal(region_insert(&map, r), 0);
	add(LO + 3 * P, LO + 4 * P);
	check_map();
}

static void splits_and_merges(void **state)
{
	struct region *a = add(LO, LO + 10 * P), *tail = node(0, 0), *other;

	(void)state;
	assert_int_equal(region_split(&map, a, LO, tail), -EINVAL);
	assert_int_equal(region_split(&map, a, LO + 10 * P, tail), -EINVAL);
	assert_int_equal(region_split(&map, a, LO + 3 * P + 8, tail), -EINVAL);
	assert_int_equal(region_split(&map, a, LO + 20 * P, tail), -EINVAL);
	assert_int_equal(map.count, 1);

	assert_int_equal(region_split(&map, a, LO + 3 * P, tail), 0);
	assert_int_equal(a->end, LO + 3 * P);
	assert_int_equal(tail->start, LO + 3 * P);
	assert_int_equal(tail->end, LO + 10 * P);
	assert_int_equal(tail->offset, a->offset + 3 * P);
	assert_int_equal(tail->prot, a->prot);
	assert_ptr_equal(region_find(&map, LO + 5 * P), tail);
	assert_ptr_equal(region_find(&map, LO + 2 * P), a);
	check_map();

	/* different rights, then a gap in the offsets: no merge */
	tail->prot = FL_MAP_READ;
	assert_null(region_merge(&map, a, tail));
	tail->prot = a->prot;
	tail->offset += P;
	assert_null(region_merge(&map, a, tail));
	tail->offset -= P;
	/* not adjacent */
	other = add(LO + 12 * P, LO + 13 * P);
	other->offset = tail->offset + 7 * P + 2 * P;
	assert_null(region_merge(&map, tail, other));

	assert_ptr_equal(region_merge(&map, a, tail), tail);
	free(tail);
	assert_int_equal(a->end, LO + 10 * P);
	assert_ptr_equal(region_find(&map, LO + 9 * P), a);
	assert_int_equal(map.count, 2);
	check_map();
}

static void finds_holes(void **state)
{
	uintptr_t at = 0;

	(void)state;
	assert_int_equal(region_find_hole(&map, 0, 0, &at), -EINVAL);
	assert_int_equal(region_find_hole(&map, P + 1, 0, &at), -EINVAL);
	/* an empty map: the hint, or the bottom */
	assert_int_equal(region_find_hole(&map, 2 * P, LO + 100 * P, &at), 0);
	assert_int_equal(at, LO + 100 * P);
	assert_int_equal(region_find_hole(&map, 2 * P, 0, &at), 0);
	assert_int_equal(at, LO);
	assert_int_equal(region_find_hole(&map, 2 * P, LO + 100 * P + 5, &at), 0);
	assert_int_equal(at, LO + 101 * P);		/* an unaligned hint rounds up */

	add(LO, LO + 10 * P);
	add(LO + 11 * P, LO + 20 * P);			/* a one-page hole at 10 */
	add(LO + 22 * P, LO + 30 * P);			/* a two-page hole at 20 */
	assert_int_equal(region_find_hole(&map, P, 0, &at), 0);
	assert_int_equal(at, LO + 10 * P);
	assert_int_equal(region_find_hole(&map, 2 * P, 0, &at), 0);
	assert_int_equal(at, LO + 20 * P);
	assert_int_equal(region_find_hole(&map, 3 * P, 0, &at), 0);
	assert_int_equal(at, LO + 30 * P);
	/* a taken hint: the first hole above it that fits */
	assert_int_equal(region_find_hole(&map, 2 * P, LO + 5 * P, &at), 0);
	assert_int_equal(at, LO + 20 * P);
	/* a hint above the map's end: wrap to the bottom */
	assert_int_equal(region_find_hole(&map, P, HI, &at), 0);
	assert_int_equal(at, LO + 10 * P);
	/* too big for what is left */
	assert_int_equal(region_find_hole(&map, HI - LO, 0, &at), -ENOMEM);
	add(LO + 30 * P, HI);
	assert_int_equal(region_find_hole(&map, 3 * P, 0, &at), -ENOMEM);
	assert_int_equal(region_find_hole(&map, 2 * P, LO + 25 * P, &at), 0);
	assert_int_equal(at, LO + 20 * P);
	check_map();
}

/* 10,000 regions inserted out of order: balanced, every page found. */
static void stays_balanced(void **state)
{
	enum { N = 10000 };
	static struct region *r[N];
	unsigned seed = 12345;

	(void)state;
	for (unsigned i = 0; i < N; i++) {
		unsigned j;

		r[i] = node(LO + 2 * i * P, LO + (2 * i + 1) * P);
		seed = seed * 1103515245 + 12345;
		j = (seed >> 8) % (i + 1);
		if (j != i) {		/* shuffle as we go */
			struct region *t = r[j];

			r[j] = r[i];
			r[i] = t;
		}
	}
	for (unsigned i = 0; i < N; i++)
		assert_int_equal(region_insert(&map, r[i]), 0);
	check_map();
	assert_true(map.root->height <= 19);	/* 1.44 log2(10001) */
	for (unsigned i = 0; i < N; i++) {
		struct region *f = region_find(&map, LO + 2 * i * P + 8);

		assert_non_null(f);
		assert_int_equal(f->start, LO + 2 * i * P);
		assert_null(region_find(&map, LO + (2 * i + 1) * P));
	}
	for (unsigned i = 0; i < N; i += 2) {
		region_remove(&map, r[i]);
		free(r[i]);
	}
	check_map();
	assert_int_equal(map.count, N / 2);
	for (unsigned i = 1; i < N; i += 2)
		assert_ptr_equal(region_find(&map, r[i]->start), r[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(finds_by_address, setup, teardown),
		cmocka_unit_test_setup_teardown(rejects_bad_ranges, setup, teardown),
		cmocka_unit_test_setup_teardown(splits_and_merges, setup, teardown),
		cmocka_unit_test_setup_teardown(finds_holes, setup, teardown),
		cmocka_unit_test_setup_teardown(stays_balanced, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
