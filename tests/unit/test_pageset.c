/* The pager's sparse page sets: membership across leaves, ranges, huge offsets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "pageset.h"

#define LEAF	(4096ull * 8)		/* pages per leaf */

static void empty_set_has_nothing(void **state)
{
	struct pageset s = { 0 };

	(void)state;
	assert_false(pageset_has(&s, 0));
	assert_false(pageset_has(&s, 1ull << 40));
	pageset_remove(&s, 0, 1ull << 40);	/* nothing to do, no crash */
	pageset_free(&s);
}

static void add_and_find_across_leaves(void **state)
{
	struct pageset s = { 0 };
	const uint64_t pages[] = { 0, 1, 63, 64, LEAF - 1, LEAF, 5 * LEAF + 17, 1ull << 35 };

	(void)state;
	for (unsigned i = sizeof(pages) / sizeof(pages[0]); i-- > 0;)
		assert_int_equal(pageset_add(&s, pages[i]), 0);	/* out of order */
	for (unsigned i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		assert_true(pageset_has(&s, pages[i]));
		assert_false(pageset_has(&s, pages[i] + 2));
	}
	assert_int_equal(s.count, 4);		/* leaves 0, 1, 5 and 2^35 / LEAF */
	assert_int_equal(pageset_add(&s, 1), 0);	/* twice is fine */
	assert_true(pageset_has(&s, 1));
	pageset_free(&s);
	assert_int_equal(s.count, 0);
}

static void remove_ranges_and_free_empty_leaves(void **state)
{
	struct pageset s = { 0 };

	(void)state;
	for (uint64_t p = LEAF - 10; p < LEAF + 10; p++)
		assert_int_equal(pageset_add(&s, p), 0);
	assert_int_equal(pageset_add(&s, 3 * LEAF), 0);
	assert_int_equal(s.count, 3);
	pageset_remove(&s, LEAF - 5, 8);		/* across the boundary */
	assert_true(pageset_has(&s, LEAF - 6));
	assert_false(pageset_has(&s, LEAF - 5));
	assert_false(pageset_has(&s, LEAF + 2));
	assert_true(pageset_has(&s, LEAF + 3));
	assert_int_equal(s.count, 3);
	pageset_remove(&s, LEAF, LEAF);			/* empties leaf 1 */
	assert_int_equal(s.count, 2);
	assert_true(pageset_has(&s, 3 * LEAF));
	pageset_remove(&s, 0, 4 * LEAF);
	assert_int_equal(s.count, 0);
	assert_false(pageset_has(&s, 3 * LEAF));
	pageset_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_set_has_nothing),
		cmocka_unit_test(add_and_find_across_leaves),
		cmocka_unit_test(remove_ranges_and_free_empty_leaves),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
