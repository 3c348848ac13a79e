/*
 * Memory-map arithmetic. The firmware's ranges may overlap, be unsorted or
 * unaligned; the result is sorted, disjoint and page-aligned.
 */
#include <errno.h>
#include <memlayout.h>
#include <mm/memmap.h>

static void sort_ranges(struct mem_range *r, unsigned n)
{
	for (unsigned i = 1; i < n; i++) {
		struct mem_range x = r[i];
		unsigned j = i;

		for (; j > 0 && r[j - 1].base > x.base; j--)
			r[j] = r[j - 1];
		r[j] = x;
	}
}

/* Append [base, end) to out, merging with the last range when they touch. */
static int emit(struct mem_range *out, unsigned *n, unsigned max,
		paddr_t base, paddr_t end)
{
	if (base >= end)
		return 0;
	if (*n > 0 && out[*n - 1].base + out[*n - 1].size >= base) {
		paddr_t last_end = out[*n - 1].base + out[*n - 1].size;

		if (end > last_end)
			out[*n - 1].size = end - out[*n - 1].base;
		return 0;
	}
	if (*n >= max)
		return -ERANGE;
	out[*n].base = base;
	out[*n].size = end - base;
	out[*n].what = "free";
	(*n)++;
	return 0;
}

int memmap_usable(const struct mem_range *ram, unsigned nram,
		  const struct mem_range *reserved, unsigned nreserved,
		  struct mem_range *out, unsigned max)
{
	struct mem_range res[BOOT_RANGES_MAX];
	struct mem_range rams[BOOT_RANGES_MAX];
	unsigned n = 0;

	if (nram > BOOT_RANGES_MAX || nreserved > BOOT_RANGES_MAX)
		return -ERANGE;
	for (unsigned i = 0; i < nram; i++)
		rams[i] = ram[i];
	for (unsigned i = 0; i < nreserved; i++)
		res[i] = reserved[i];
	sort_ranges(rams, nram);
	sort_ranges(res, nreserved);

	for (unsigned i = 0; i < nram; i++) {
		paddr_t base = ALIGN_UP(rams[i].base, PAGE_SIZE);
		paddr_t end = ALIGN_DOWN(rams[i].base + rams[i].size, PAGE_SIZE);

		/* cut every reserved range out of [base, end), left to right */
		for (unsigned j = 0; j < nreserved && base < end; j++) {
			paddr_t rb = ALIGN_DOWN(res[j].base, PAGE_SIZE);
			paddr_t re = ALIGN_UP(res[j].base + res[j].size, PAGE_SIZE);

			if (re <= base || rb >= end)
				continue;
			if (rb > base && emit(out, &n, max, base, rb) < 0)
				return -ERANGE;
			if (re > base)
				base = re;
		}
		if (emit(out, &n, max, base, end) < 0)
			return -ERANGE;
	}
	return (int)n;
}

uint64_t memmap_total(const struct mem_range *r, unsigned n)
{
	uint64_t sum = 0;

	for (unsigned i = 0; i < n; i++)
		sum += r[i].size;
	return sum;
}
