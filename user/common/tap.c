/* TAP output for the newlib test programs (tap.h). */
#include <stdarg.h>
#include <stdio.h>
#include "tap.h"

static int ncase, nfail;

void check(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	ncase++;
	if (ok) {
		printf("ok %d - %s\n", ncase, name);
		return;
	}
	nfail++;
	printf("not ok %d - %s # ", ncase, name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

int tap_count(void)
{
	return ncase;
}

int tap_done(void)
{
	printf("# %d of %d failed\n", nfail, ncase);
	return nfail < 31 ? nfail : 31;		/* (1 on AArch64 is also QEMU's own error) */
}
