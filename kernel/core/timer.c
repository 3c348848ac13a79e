/* The periodic tick. */
#include <arch.h>
#include <cpu.h>
#include <kernel.h>

volatile uint64_t timer_ticks;

void timer_tick(void)
{
	timer_ticks++;
	if (arch_this_cpu()->current)	/* the scheduler is up */
		sched_tick();
}
