/* The frame allocator over a fake physical memory with holes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <errno.h>
#include <memlayout.h>
#include <mm/frame.h>
#include "stubs.h"

#define M (1024ul * 1024)
#define PHYS_SIZE (64 * M)

/* 1 MiB..8 MiB, 10 MiB..10 MiB+12 KiB, 16 MiB..64 MiB */
static const struct mem_range ranges[] = {
	{ 1 * M, 7 * M, "free" },
	{ 10 * M, 12 * 1024, "free" },
	{ 16 * M, 48 * M, "free" },
};

static int setup(void **state)
{
	(void)state;
	test_phys = malloc(PHYS_SIZE);
	memset(test_phys, 0xee, PHYS_SIZE);	/* garbage, to check zeroing */
	return frame_init(ranges, 3);
}

static int teardown(void **state)
{
	(void)state;
	free(test_phys);
	return 0;
}

static bool in_ranges(paddr_t pa, size_t n)
{
	for (int i = 0; i < 3; i++)
		if (pa >= ranges[i].base && pa + n * PAGE_SIZE <= ranges[i].base + ranges[i].size)
			return true;
	return false;
}

static void counts(void **state)
{
	size_t total = (7 * M + 12 * 1024 + 48 * M) / PAGE_SIZE;
	size_t bitmap = 1;	/* 63 MiB of frames: 2 KiB of bitmap, one page */

	(void)state;
	assert_int_equal(frame_count_total(), total - bitmap);
	assert_int_equal(frame_count_free(), total - bitmap);
}

static void zeroed_and_inside(void **state)
{
	paddr_t pa;

	(void)state;
	for (int i = 0; i < 100; i++) {
		assert_int_equal(frame_alloc(3, 1, &pa), 0);
		assert_true(in_ranges(pa, 3));
		for (size_t j = 0; j < 3 * PAGE_SIZE; j++)
			assert_int_equal(test_phys[pa + j], 0);
	}
}

static void aligned_runs(void **state)
{
	paddr_t pa;

	(void)state;
	assert_int_equal(frame_alloc(512, 512, &pa), 0);
	assert_true(pa % (2 * M) == 0);
	assert_true(in_ranges(pa, 512));
	assert_int_equal(frame_alloc(3, 4, &pa), 0);
	assert_true(pa % (4 * PAGE_SIZE) == 0);
	assert_int_equal(frame_alloc(1, 3, &pa), -EINVAL);
	assert_int_equal(frame_alloc(0, 1, &pa), -EINVAL);
}

static void runs_never_span_holes(void **state)
{
	size_t before = frame_count_free();
	paddr_t pa, small;

	(void)state;
	/* the 3-frame range at 10 MiB is the only place a run can't straddle */
	assert_int_equal(frame_alloc(7 * M / PAGE_SIZE, 1, &pa), 0);
	assert_true(in_ranges(pa, 7 * M / PAGE_SIZE));
	assert_int_equal(frame_alloc(48 * M / PAGE_SIZE + 1, 1, &small), -ENOMEM);
	frame_free(pa, 7 * M / PAGE_SIZE);
	assert_int_equal(frame_count_free(), before);
}

static void exhaust_and_refill(void **state)
{
	size_t free0 = frame_count_free(), got = 0;
	paddr_t *all = malloc(free0 * sizeof(*all)), pa;

	(void)state;
	while (frame_alloc(1, 1, &pa) == 0) {
		assert_true(in_ranges(pa, 1));
		all[got++] = pa;
	}
	assert_int_equal(got, free0);
	assert_int_equal(frame_count_free(), 0);
	assert_int_equal(frame_alloc(1, 1, &pa), -ENOMEM);
	for (size_t i = 0; i < got; i++)
		frame_free(all[got - 1 - i], 1);
	assert_int_equal(frame_count_free(), free0);
	free(all);
}

static void bad_frees_panic(void **state)
{
	paddr_t pa;

	(void)state;
	assert_int_equal(frame_alloc(1, 1, &pa), 0);
	frame_free(pa, 1);
	assert_true(PANICS(frame_free(pa, 1)));		/* double free */
	assert_true(PANICS(frame_free(0, 1)));		/* below managed memory */
	assert_true(PANICS(frame_free(64 * M, 1)));	/* above it */
	assert_true(PANICS(frame_free(pa + 1, 1)));	/* unaligned */
}

static void no_room_for_bitmap(void **state)
{
	const struct mem_range tiny[] = { { 1 * M, 4096, "free" }, { 60 * M, 4096, "free" } };

	(void)state;
	assert_int_equal(frame_init(tiny, 2), -ENOMEM);
	assert_int_equal(frame_init(NULL, 0), -ENOMEM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(counts, setup, teardown),
		cmocka_unit_test_setup_teardown(zeroed_and_inside, setup, teardown),
		cmocka_unit_test_setup_teardown(aligned_runs, setup, teardown),
		cmocka_unit_test_setup_teardown(runs_never_span_holes, setup, teardown),
		cmocka_unit_test_setup_teardown(exhaust_and_refill, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_frees_panic, setup, teardown),
		cmocka_unit_test_setup_teardown(no_room_for_bitmap, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
