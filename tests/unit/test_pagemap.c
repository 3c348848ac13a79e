/* The pager's sparse page maps: entries across leaves, walks that clear, huge offsets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "pagemap.h"

#define LEAF	64ull		/* pages per leaf */

static int tokens[8];		/* entries point at these */

static void empty_map_has_nothing(void **state)
{
	struct pagemap m = { 0 };

	(void)state;
	assert_null(pagemap_get(&m, 0));
	assert_null(pagemap_get(&m, 1ull << 40));
	pagemap_clear(&m, 5);			/* nothing to do, no crash */
	pagemap_free(&m);
}

static void set_and_get_across_leaves(void **state)
{
	struct pagemap m = { 0 };
	const uint64_t pages[] = { 0, 1, LEAF - 1, LEAF, 5 * LEAF + 17, 1ull << 35 };
	const unsigned n = sizeof(pages) / sizeof(pages[0]);

	(void)state;
	for (unsigned i = n; i-- > 0;)		/* out of order */
		assert_int_equal(pagemap_set(&m, pages[i], &tokens[i]), 0);
	for (unsigned i = 0; i < n; i++) {
		assert_ptr_equal(pagemap_get(&m, pages[i]), &tokens[i]);
		assert_null(pagemap_get(&m, pages[i] + 2));
	}
	assert_int_equal(m.count, 4);		/* leaves 0, 1, 5 and 2^35 / LEAF */
	assert_int_equal(pagemap_set(&m, 1, &tokens[7]), 0);	/* replace */
	assert_ptr_equal(pagemap_get(&m, 1), &tokens[7]);
	pagemap_clear(&m, LEAF);		/* leaf 1 empties and goes */
	assert_int_equal(m.count, 3);
	assert_null(pagemap_get(&m, LEAF));
	pagemap_free(&m);
	assert_int_equal(m.count, 0);
}

struct walk {
	uint64_t seen[16];
	unsigned n;
	uint64_t clear_below;
};

static bool visit(uint64_t page, void *entry, void *arg)
{
	struct walk *w = arg;

	(void)entry;
	w->seen[w->n++] = page;
	return page < w->clear_below;
}

static void walks_in_order_and_clear(void **state)
{
	struct pagemap m = { 0 };
	struct walk w = { .n = 0, .clear_below = 2 * LEAF };

	(void)state;
	for (uint64_t p = LEAF - 2; p < LEAF + 2; p++)
		assert_int_equal(pagemap_set(&m, p, &tokens[0]), 0);
	assert_int_equal(pagemap_set(&m, 3 * LEAF, &tokens[1]), 0);
	pagemap_each(&m, LEAF - 1, 3 * LEAF, visit, &w);	/* a range inside */
	assert_int_equal(w.n, 4);
	assert_int_equal(w.seen[0], LEAF - 1);
	assert_int_equal(w.seen[3], 3 * LEAF);
	/* cleared: those below 2 * LEAF in the range; leaf 1 empties and goes */
	assert_non_null(pagemap_get(&m, LEAF - 2));
	assert_null(pagemap_get(&m, LEAF - 1));
	assert_null(pagemap_get(&m, LEAF + 1));
	assert_non_null(pagemap_get(&m, 3 * LEAF));
	assert_int_equal(m.count, 2);
	w = (struct walk){ .n = 0, .clear_below = UINT64_MAX };
	pagemap_each(&m, 0, UINT64_MAX, visit, &w);		/* everything */
	assert_int_equal(w.n, 2);
	assert_int_equal(m.count, 0);
	pagemap_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_map_has_nothing),
		cmocka_unit_test(set_and_get_across_leaves),
		cmocka_unit_test(walks_in_order_and_clear),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
