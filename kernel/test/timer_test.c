/* Self-test of the periodic timer interrupt. */
#include <arch.h>
#include <kernel.h>
#include <ktest.h>

/* Wait until n more ticks have arrived or the counter says it took too long. */
static const char *ticking(void)
{
	const uint64_t limit = 2000000000ull;	/* instructions / cycles: seconds */
	uint64_t start = timer_ticks, t0 = arch_counter();
	unsigned long flags = arch_irq_save();

	arch_irq_enable();
	while (timer_ticks < start + 5 && arch_counter() - t0 < limit)
		arch_wait_for_interrupt();
	arch_irq_restore(flags);
	if (timer_ticks < start + 5)
		return ktest_fail("%lu ticks in %lu counter units",
				  (unsigned long)(timer_ticks - start),
				  (unsigned long)(arch_counter() - t0));
	return NULL;
}

static const char *counter_moves(void)
{
	uint64_t a = arch_counter(), b = arch_counter();

	return b > a ? NULL : ktest_fail("counter %lu then %lu", (unsigned long)a, (unsigned long)b);
}

const struct ktest timer_tests[] = {
	{ "timer: counter advances", counter_moves },
	{ "timer: periodic tick interrupts", ticking },
	{ NULL, NULL },
};
