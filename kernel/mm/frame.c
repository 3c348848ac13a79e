/*
 * Frame allocator: a bitmap over [base, base + nframes * PAGE_SIZE), bit set
 * = frame free. Holes between free ranges stay clear forever. Allocation is
 * next-fit from a hint, so consecutive allocations are cheap; a run of n
 * frames is found by scanning for n set bits in a row.
 */
#include <arch.h>
#include <errno.h>
#include <kernel.h>
#include <memlayout.h>
#include <mm/frame.h>
#include <string.h>

static uint64_t *bitmap;
static paddr_t base;
static size_t nframes;
static size_t nfree;
static size_t total;
static size_t hint;

uint64_t frame_zeroed;

static bool bit_test(size_t i)
{
	return bitmap[i / 64] >> (i % 64) & 1;
}

static void bit_set(size_t i)
{
	bitmap[i / 64] |= 1ull << (i % 64);
}

static void bit_clear(size_t i)
{
	bitmap[i / 64] &= ~(1ull << (i % 64));
}

static void mark_free(paddr_t start, paddr_t end)
{
	for (paddr_t pa = start; pa < end; pa += PAGE_SIZE) {
		bit_set((pa - base) >> PAGE_SHIFT);
		nfree++;
		total++;
	}
}

int frame_init(const struct mem_range *free, unsigned n)
{
	size_t map_bytes;
	int host = -1;

	bitmap = NULL;
	nfree = total = hint = 0;
	if (n == 0)
		return -ENOMEM;
	base = free[0].base;
	nframes = (free[n - 1].base + free[n - 1].size - base) >> PAGE_SHIFT;
	map_bytes = ALIGN_UP(ALIGN_UP(nframes, 64) / 8, PAGE_SIZE);

	for (unsigned i = 0; i < n && host < 0; i++)
		if (free[i].size > map_bytes)
			host = (int)i;
	if (host < 0)
		return -ENOMEM;

	bitmap = pa_to_kva(free[host].base);
	memset(bitmap, 0, map_bytes);
	for (unsigned i = 0; i < n; i++) {
		paddr_t start = free[i].base, end = start + free[i].size;

		if ((int)i == host)
			start += map_bytes;	/* the bitmap's own frames stay used */
		mark_free(start, end);
	}
	return 0;
}

/* Is [i, i + n) free? On failure *skip is where the next try may start. */
static bool run_free(size_t i, size_t n, size_t *skip)
{
	for (size_t j = 0; j < n; j++) {
		if (!bit_test(i + j)) {
			*skip = i + j + 1;
			return false;
		}
	}
	return true;
}

/* The first index at or after i whose frame number is a multiple of align. */
static size_t align_index(size_t i, size_t align)
{
	paddr_t pfn0 = base >> PAGE_SHIFT;

	return ALIGN_UP(pfn0 + i, align) - pfn0;
}

static bool find_run(size_t from, size_t to, size_t n, size_t align, size_t *out)
{
	size_t i = align_index(from, align), skip;

	while (i + n <= to) {
		if (run_free(i, n, &skip)) {
			*out = i;
			return true;
		}
		i = align_index(skip, align);
	}
	return false;
}

int frame_alloc(size_t npages, size_t align, paddr_t *pa)
{
	size_t i;

	if (npages == 0 || align == 0 || (align & (align - 1)))
		return -EINVAL;
	if (npages > nfree)
		return -ENOMEM;
	if (!find_run(hint, nframes, npages, align, &i) &&
	    !find_run(0, MIN(hint + npages, nframes), npages, align, &i))
		return -ENOMEM;
	for (size_t j = 0; j < npages; j++)
		bit_clear(i + j);
	nfree -= npages;
	hint = i + npages;
	*pa = base + ((paddr_t)i << PAGE_SHIFT);
	for (size_t j = 0; j < npages; j++)
		arch_zero_page(pa_to_kva(*pa + j * PAGE_SIZE));
	frame_zeroed += npages;
	return 0;
}

void frame_free(paddr_t pa, size_t npages)
{
	size_t i = (pa - base) >> PAGE_SHIFT;

	if (pa < base || !IS_ALIGNED(pa, PAGE_SIZE) || i + npages > nframes)
		panic("frame_free: %#lx+%zu pages is not managed memory", (unsigned long)pa, npages);
	for (size_t j = 0; j < npages; j++) {
		if (bit_test(i + j))
			panic("frame_free: frame %#lx is already free",
			      (unsigned long)(pa + j * PAGE_SIZE));
		bit_set(i + j);
	}
	nfree += npages;
	if (i < hint)
		hint = i;
}

size_t frame_count_free(void)
{
	return nfree;
}

size_t frame_count_total(void)
{
	return total;
}
