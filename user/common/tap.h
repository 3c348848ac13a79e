/* TAP output for the newlib test programs: one line per case. */
#pragma once

/* Report a case: "ok N - name", or "not ok N - name # why" (printf format). */
void check(int ok, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The cases reported so far (for a plan printed last: "1..N"). */
int tap_count(void);

/* The closing "# F of N failed" line; the exit status: failures, at most 31. */
int tap_done(void);
