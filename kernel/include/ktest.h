/*
 * In-kernel self-tests. A test returns NULL on success or a message saying
 * what failed. Results are printed TAP-style, the format every Faultline
 * test suite uses:
 *
 *   1..N
 *   ok 1 - frame: single page
 *   not ok 2 - pt: map and lookup # lookup returned -ENOENT
 *
 * The plan line comes first so the runner can tell a crash from a pass.
 */
#pragma once

struct ktest {
	const char *name;
	const char *(*fn)(void);
};

/* Run the suite selected by test= on the command line; returns a STATUS_*. */
int ktest_run(const char *suite);

/* Formats a failure message into a static buffer (tests run one at a time). */
const char *ktest_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Each test file exports its table. */
extern const struct ktest frame_tests[], pt_tests[], kmap_tests[], timer_tests[],
	lib_tests[];
