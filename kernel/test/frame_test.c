/* Self-tests of the frame allocator on the real memory map. */
#include <errno.h>
#include <ktest.h>
#include <memlayout.h>
#include <mm/frame.h>

static const char *single(void)
{
	size_t before = frame_count_free();
	paddr_t pa;
	int err = frame_alloc(1, 1, &pa);

	if (err)
		return ktest_fail("frame_alloc: %d", err);
	if (!IS_ALIGNED(pa, PAGE_SIZE) || frame_count_free() != before - 1)
		return ktest_fail("pa %#lx, free %zu -> %zu", (unsigned long)pa, before,
				  frame_count_free());
	frame_free(pa, 1);
	return frame_count_free() == before ? NULL : "free count not restored";
}

static const char *zeroed(void)
{
	paddr_t pa;
	uint64_t *p;

	if (frame_alloc(1, 1, &pa))
		return "frame_alloc failed";
	p = pa_to_kva(pa);
	p[7] = 0x5a5a;
	frame_free(pa, 1);
	if (frame_alloc(1, 1, &pa))
		return "second frame_alloc failed";
	p = pa_to_kva(pa);
	for (size_t i = 0; i < PAGE_SIZE / 8; i++)
		if (p[i])
			return ktest_fail("word %zu is %#lx", i, (unsigned long)p[i]);
	frame_free(pa, 1);
	return NULL;
}

static const char *aligned_run(void)
{
	const size_t n = LARGE_PAGE_SIZE / PAGE_SIZE;
	paddr_t pa;
	int err = frame_alloc(n, n, &pa);

	if (err)
		return ktest_fail("frame_alloc(512, 512): %d", err);
	if (!IS_ALIGNED(pa, LARGE_PAGE_SIZE))
		return ktest_fail("run at %#lx is not 2 MiB aligned", (unsigned long)pa);
	frame_free(pa, n);
	return NULL;
}

static const char *bad_args(void)
{
	paddr_t pa;

	if (frame_alloc(0, 1, &pa) != -EINVAL)
		return "zero pages not -EINVAL";
	if (frame_alloc(1, 3, &pa) != -EINVAL)
		return "alignment 3 not -EINVAL";
	if (frame_alloc(frame_count_total() + 1, 1, &pa) != -ENOMEM)
		return "more than all memory not -ENOMEM";
	return NULL;
}

/* Take every frame, check that the next request fails, give them back. */
static const char *exhaustion(void)
{
	size_t before = frame_count_free(), got = 0;
	paddr_t first = 0, pa;
	const char *why = NULL;

	/* chain the frames through their first word so no extra memory is needed */
	while (frame_alloc(1, 1, &pa) == 0) {
		*(paddr_t *)pa_to_kva(pa) = first;
		first = pa;
		got++;
	}
	if (got != before)
		why = ktest_fail("allocated %zu of %zu free frames", got, before);
	else if (frame_count_free() != 0)
		why = "free count not zero when exhausted";
	while (first) {
		paddr_t next = *(paddr_t *)pa_to_kva(first);

		frame_free(first, 1);
		first = next;
	}
	if (!why && frame_count_free() != before)
		why = "free count not restored";
	return why;
}

const struct ktest frame_tests[] = {
	{ "frame: single page", single },
	{ "frame: allocation is zeroed", zeroed },
	{ "frame: 2 MiB aligned run", aligned_run },
	{ "frame: bad arguments", bad_args },
	{ "frame: exhaustion is -ENOMEM", exhaustion },
	{ NULL, NULL },
};
