/* Self-tests of the page-table walker on the live kernel table. */
#include <errno.h>
#include <ktest.h>
#include <memlayout.h>
#include <mm/frame.h>
#include <mm/pt.h>

/* A kernel address nothing else uses: just above the stack area. */
#define TEST_VA	(KSTACK_AREA_BASE + KSTACK_AREA_SIZE + LARGE_PAGE_SIZE)

static const char *map_lookup_unmap(void)
{
	paddr_t pa, got;
	unsigned pg;
	volatile uint64_t *p = (volatile uint64_t *)TEST_VA;
	const char *why = NULL;
	int err;

	if (frame_alloc(1, 1, &pa))
		return "frame_alloc failed";
	err = pt_map(kernel_pt, TEST_VA, pa, PAGE_SIZE, PG_READ | PG_WRITE, NULL);
	if (err) {
		frame_free(pa, 1);
		return ktest_fail("pt_map: %d", err);
	}
	*p = 0x1234abcd;
	if (*(uint64_t *)pa_to_kva(pa) != 0x1234abcd)
		why = "write through the mapping not seen in the direct map";
	else if (pt_lookup(kernel_pt, TEST_VA + 8, &got, &pg) || got != pa + 8)
		why = "lookup gave the wrong address";
	else if ((pg & (PG_READ | PG_WRITE | PG_EXEC)) != (PG_READ | PG_WRITE))
		why = ktest_fail("lookup flags %#x", pg);
	else if (pt_map(kernel_pt, TEST_VA, pa, PAGE_SIZE, PG_READ, NULL) != -EEXIST)
		why = "mapping twice not -EEXIST";
	if ((err = pt_unmap(kernel_pt, TEST_VA, PAGE_SIZE)) && !why)
		why = ktest_fail("pt_unmap: %d", err);
	if (!why && pt_lookup(kernel_pt, TEST_VA, NULL, NULL) != -ENOENT)
		why = "still mapped after unmap";
	frame_free(pa, 1);
	return why;
}

static const char *large_block(void)
{
	const size_t n = LARGE_PAGE_SIZE / PAGE_SIZE;
	vaddr_t va = TEST_VA + LARGE_PAGE_SIZE;
	paddr_t pa, got;
	const char *why = NULL;

	if (frame_alloc(n, n, &pa))
		return "frame_alloc of 2 MiB failed";
	if (pt_map(kernel_pt, va, pa, LARGE_PAGE_SIZE, PG_READ, NULL)) {
		frame_free(pa, n);
		return "pt_map of a 2 MiB block failed";
	}
	if (pt_lookup(kernel_pt, va + 0x12345, &got, NULL) || got != pa + 0x12345)
		why = "lookup inside the block gave the wrong address";
	else if (pt_unmap(kernel_pt, va, PAGE_SIZE) != -EINVAL)
		why = "unmapping part of a block not -EINVAL";
	if (pt_unmap(kernel_pt, va, LARGE_PAGE_SIZE) && !why)
		why = "unmapping the block failed";
	frame_free(pa, n);
	return why;
}

static const char *bad_args(void)
{
	if (pt_map(kernel_pt, TEST_VA + 1, 0, PAGE_SIZE, PG_READ, NULL) != -EINVAL)
		return "unaligned va not -EINVAL";
	if (pt_map(kernel_pt, TEST_VA, 0x800, PAGE_SIZE, PG_READ, NULL) != -EINVAL)
		return "unaligned pa not -EINVAL";
	if (pt_map(kernel_pt, TEST_VA, 0, 100, PG_READ, NULL) != -EINVAL)
		return "unaligned size not -EINVAL";
	if (pt_lookup(kernel_pt, TEST_VA, NULL, NULL) != -ENOENT)
		return "unmapped address found";
	return NULL;
}

/*
 * Unmap must flush: map page A, use it (the TLB caches it), unmap, map
 * page B at the same address: reads must see B. (A wrong TLB-invalidate
 * operand for kernel-half addresses once let a kernel stack be written
 * through a stale entry into freed memory.)
 */
static const char *remap_flushes(void)
{
	volatile uint64_t *p = (volatile uint64_t *)TEST_VA;
	paddr_t a, b;
	const char *why = NULL;

	if (frame_alloc(1, 1, &a) || frame_alloc(1, 1, &b))
		return "frame_alloc failed";
	*(uint64_t *)pa_to_kva(a) = 0xaaaa;
	*(uint64_t *)pa_to_kva(b) = 0xbbbb;
	pt_map(kernel_pt, TEST_VA, a, PAGE_SIZE, PG_READ | PG_WRITE, NULL);
	if (*p != 0xaaaa)
		why = "the first mapping reads wrong";
	pt_unmap(kernel_pt, TEST_VA, PAGE_SIZE);
	pt_map(kernel_pt, TEST_VA, b, PAGE_SIZE, PG_READ | PG_WRITE, NULL);
	if (!why && *p != 0xbbbb)
		why = ktest_fail("after remapping, read %#lx (a stale TLB entry)", (unsigned long)*p);
	pt_unmap(kernel_pt, TEST_VA, PAGE_SIZE);
	frame_free(a, 1);
	frame_free(b, 1);
	return why;
}

const struct ktest pt_tests[] = {
	{ "pt: unmap flushes the TLB: a remapped address shows the new page", remap_flushes },
	{ "pt: map, write, lookup, unmap", map_lookup_unmap },
	{ "pt: 2 MiB block", large_block },
	{ "pt: bad arguments", bad_args },
	{ NULL, NULL },
};
