/* The self-test runner and the deliberate-failure boots. */
#include <arch.h>
#include <kernel.h>
#include <ktest.h>
#include <string.h>

static const struct ktest *const suites[] = {
	lib_tests, frame_tests, pt_tests, kmap_tests, timer_tests,
};

static char failbuf[160];

const char *ktest_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(failbuf, sizeof(failbuf), fmt, ap);
	va_end(ap);
	return failbuf;
}

static int count_tests(void)
{
	int n = 0;

	for (unsigned s = 0; s < ARRAY_SIZE(suites); s++)
		for (const struct ktest *t = suites[s]; t->name; t++)
			n++;
	return n;
}

static int run_selftests(void)
{
	int n = 0, failed = 0;

	kprintf("TAP version 13\n1..%d\n", count_tests());
	for (unsigned s = 0; s < ARRAY_SIZE(suites); s++) {
		for (const struct ktest *t = suites[s]; t->name; t++) {
			const char *why = t->fn();

			n++;
			if (why) {
				failed++;
				kprintf("not ok %d - %s # %s\n", n, t->name, why);
			} else {
				kprintf("ok %d - %s\n", n, t->name);
			}
		}
	}
	kprintf("# %d passed, %d failed\n", n - failed, failed);
	return failed ? STATUS_TEST_FAILED : STATUS_OK;
}

/* Touch an address nothing maps: the kernel must report it and power off. */
static void deliberate_fault(void)
{
	volatile uint64_t *bad = (volatile uint64_t *)0x00000000dead0000ul;

	kprintf("ktest: writing to %p\n", (void *)bad);
	*bad = 1;
}

/* Recurse until the stack runs into its guard page. */
static __attribute__((noinline)) uint64_t overflow(uint64_t depth)
{
	volatile uint8_t pad[512];

	if (depth > (1ul << 40))	/* never: a 16 KiB stack overflows long before */
		return 0;
	pad[0] = (uint8_t)depth;
	return overflow(depth + 1) + pad[0];
}

int ktest_run(const char *suite)
{
	if (strcmp(suite, "selftest") == 0)
		return run_selftests();
	if (strcmp(suite, "fault") == 0) {
		deliberate_fault();
		kprintf("ktest: the write to an unmapped address did not fault\n");
		return STATUS_TEST_FAILED;
	}
	if (strcmp(suite, "stackoverflow") == 0) {
		kprintf("ktest: recursing into the stack guard\n");
		overflow(0);
		return STATUS_TEST_FAILED;
	}
	kprintf("ktest: unknown suite \"%s\" (selftest, fault, stackoverflow)\n", suite);
	return STATUS_TEST_FAILED;
}
