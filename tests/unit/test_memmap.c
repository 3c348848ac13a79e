/* Memory-map arithmetic: alignment, reservations, overlaps, order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <mm/memmap.h>

#define K 1024ul
#define M (1024ul * K)

static struct mem_range out[BOOT_RANGES_MAX];

static int usable(const struct mem_range *ram, unsigned nram,
		  const struct mem_range *res, unsigned nres)
{
	return memmap_usable(ram, nram, res, nres, out, BOOT_RANGES_MAX);
}

static void expect(unsigned i, paddr_t base, uint64_t size)
{
	assert_int_equal(out[i].base, base);
	assert_int_equal(out[i].size, size);
}

static void shrinks_ram_to_pages(void **state)
{
	struct mem_range ram[] = { { 0x100, 0x9fc00 - 0x100, "ram" } };

	(void)state;
	assert_int_equal(usable(ram, 1, NULL, 0), 1);
	expect(0, 0x1000, 0x9f000 - 0x1000);
}

static void grows_reservations_to_pages(void **state)
{
	struct mem_range ram[] = { { 0, 16 * M, "ram" } };
	struct mem_range res[] = { { 1 * M + 10, 100, "kernel" } };

	(void)state;
	assert_int_equal(usable(ram, 1, res, 1), 2);
	expect(0, 0, 1 * M);
	expect(1, 1 * M + 4 * K, 15 * M - 4 * K);
}

static void reservations_at_edges_and_outside(void **state)
{
	struct mem_range ram[] = { { 1 * M, 4 * M, "ram" } };
	struct mem_range res[] = {
		{ 0, 2 * M, "low" },		/* covers the start */
		{ 4 * M, 2 * M, "high" },	/* covers the end */
		{ 64 * M, 1 * M, "away" },	/* outside RAM */
		{ 3 * M, 4 * K, "mid" },
	};

	(void)state;
	assert_int_equal(usable(ram, 1, res, 4), 2);
	expect(0, 2 * M, 1 * M);
	expect(1, 3 * M + 4 * K, 1 * M - 4 * K);
}

static void unsorted_and_overlapping(void **state)
{
	struct mem_range ram[] = {
		{ 32 * M, 8 * M, "ram" },
		{ 0, 8 * M, "ram" },
		{ 4 * M, 8 * M, "ram" },	/* overlaps the one before */
	};
	struct mem_range res[] = { { 36 * M, 1 * M, "b" }, { 2 * M, 1 * M, "a" } };

	(void)state;
	assert_int_equal(usable(ram, 3, res, 2), 4);
	expect(0, 0, 2 * M);
	expect(1, 3 * M, 9 * M);
	expect(2, 32 * M, 4 * M);
	expect(3, 37 * M, 3 * M);
	assert_int_equal(memmap_total(out, 4), 18 * M);
}

static void everything_reserved(void **state)
{
	struct mem_range ram[] = { { 0, 1 * M, "ram" } };
	struct mem_range res[] = { { 0, 2 * M, "all" } };

	(void)state;
	assert_int_equal(usable(ram, 1, res, 1), 0);
}

static void too_many_ranges(void **state)
{
	struct mem_range ram[] = { { 0, 64 * M, "ram" } };
	struct mem_range res[8];
	struct mem_range small[4];

	(void)state;
	for (int i = 0; i < 8; i++)
		res[i] = (struct mem_range){ (paddr_t)(2 * i + 1) * M, 4 * K, "hole" };
	assert_int_equal(memmap_usable(ram, 1, res, 8, small, 4), -ERANGE);
	assert_int_equal(memmap_usable(ram, 1, res, 8, out, BOOT_RANGES_MAX), 9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shrinks_ram_to_pages),
		cmocka_unit_test(grows_reservations_to_pages),
		cmocka_unit_test(reservations_at_edges_and_outside),
		cmocka_unit_test(unsorted_and_overlapping),
		cmocka_unit_test(everything_reserved),
		cmocka_unit_test(too_many_ranges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
