/* The periodic tick. */
#include <kernel.h>

volatile uint64_t timer_ticks;

void timer_tick(void)
{
	timer_ticks++;
}
