/* What the kernel library calls that a host test provides. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "stubs.h"

uint8_t *test_phys;
int panic_expected;
jmp_buf panic_jump;

void kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (panic_expected)
		longjmp(panic_jump, 1);
	fail_msg("unexpected panic");
	abort();
}

/* The arch's page zeroing, as plain C on the host (kernel/include/arch.h). */
void arch_zero_page(void *kva)
{
	memset(kva, 0, 4096);
}
