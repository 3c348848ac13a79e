/* kprintf: formatted output to the serial console. */
#include <arch.h>
#include <kernel.h>

static volatile int console_busy;	/* keeps output from different CPUs apart */

static void console_putc(int c)
{
	if (c == '\n')
		arch_console_putc('\r');
	arch_console_putc(c);
}

void kvprintf(const char *fmt, va_list ap)
{
	unsigned long flags = arch_irq_save();

	while (__atomic_exchange_n(&console_busy, 1, __ATOMIC_ACQUIRE))
		;
	kvformat(console_putc, fmt, ap);
	__atomic_store_n(&console_busy, 0, __ATOMIC_RELEASE);
	arch_irq_restore(flags);
}

void kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}
