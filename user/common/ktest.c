/* Shared pieces of the in-guest test programs (ktest.h). */
#include "ktest.h"

const struct fl_bootinfo *boot;
char kt_stacks[KT_STACKS][KT_STACK_SIZE] __attribute__((aligned(16)));
struct fl_thread_start kt_starts[KT_STACKS];
unsigned kt_next_stack;
int case_no, failures;

static char whybuf[160];

const char *kt_fail(const char *fmt, ...)
{
	va_list ap;
	int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

	va_start(ap, fmt);
	kvsnprintf(whybuf, sizeof(whybuf), fmt, ap);
	va_end(ap);
	return whybuf;
}

void report(const char *name, const char *why)
{
	case_no++;
	if (why) {
		failures++;
		fl_printf("not ok %d - %s # %s\n", case_no, name, why);
	} else {
		fl_printf("ok %d - %s\n", case_no, name);
	}
}

long spawn(unsigned priority, void (*fn)(void *), void *arg)
{
	unsigned i = kt_next_stack++ % KT_STACKS;

	kt_starts[i] = (struct fl_thread_start){ fn, arg };
	return fl_thread_spawn(boot->self_task, priority, &kt_starts[i], kt_stacks[i],
			       KT_STACK_SIZE);
}

void sleep_ms(unsigned ms)
{
	fl_sleep(ms * MS);
}

bool dead(long t)
{
	return fl_thread_resume((int)t) == -ESRCH;
}

void finish(long t)
{
	fl_thread_destroy((int)t);
	fl_handle_close((int)t);
}

void kt_plan(int extra, int ncases)
{
	fl_printf("TAP version 13\n1..%d\n", extra + ncases);
}

void kt_run(const struct kt_case *cases, int ncases)
{
	for (int i = 0; i < ncases; i++)
		report(cases[i].name, cases[i].fn());
}

int kt_finish(void)
{
	fl_printf("# %d passed, %d failed\n", case_no - failures, failures);
	return failures ? 2 : 0;
}
