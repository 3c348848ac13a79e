/* The periodic tick. */
#include <arch.h>
#include <cpu.h>
#include <kernel.h>
#include <kstat.h>

volatile uint64_t timer_ticks;

void timer_tick(void)
{
	timer_ticks++;
	kstat.kernel_entries++;
	kstat.interrupts++;
	if (arch_this_cpu()->current)	/* the scheduler is up */
		sched_tick();
}
