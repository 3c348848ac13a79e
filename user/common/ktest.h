/*
 * What the in-guest test programs share: TAP output, helper threads on
 * static stacks, sleeping, and checking whether a thread has died.
 */
#pragma once

#include <faultline/sys.h>

#define MAIN_PRIORITY	32	/* the root task's first thread */
#define KT_STACKS	8
#define KT_STACK_SIZE	16384
#define MS		1000000ull

extern const struct fl_bootinfo *boot;
extern char kt_stacks[KT_STACKS][KT_STACK_SIZE];
extern struct fl_thread_start kt_starts[KT_STACKS];
extern unsigned kt_next_stack;

/* One TAP line for test case name: why is NULL for "ok". */
void report(const char *name, const char *why);
extern int case_no, failures;

/* A failure message in a static buffer. */
const char *kt_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define FAIL(...) kt_fail(__VA_ARGS__)

/* Spawn fn(arg) at priority on the next static stack: the handle. */
long spawn(unsigned priority, void (*fn)(void *), void *arg);

void sleep_ms(unsigned ms);

/* Has the thread been destroyed? (resuming a dead thread is -ESRCH) */
bool dead(long thread);

/* Destroy a thread and close its handle. */
void finish(long thread);

/* A table of test cases. */
struct kt_case {
	const char *name;
	const char *(*fn)(void);
};

/* Print the plan (extra cases + the table's) and run the table. */
void kt_plan(int extra, int ncases);
void kt_run(const struct kt_case *cases, int ncases);

/* The status to power off with: 0 if every case passed, 2 otherwise. */
int kt_finish(void);
