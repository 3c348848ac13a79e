/* Yield and sleep. */
#include <kernel.h>
#include <sched.h>
#include <syscall.h>

#define NS_PER_TICK	(1000000000ull / TIMER_HZ)

long sys_yield(void)
{
	sched_yield();
	return 0;
}

long sys_sleep(uint64_t ns)
{
	/*
	 * Round up, and add one tick for the part of the current tick that
	 * has already gone, so a sleep is never shorter than asked.
	 */
	if (ns == 0) {
		sched_yield();
		return 0;
	}
	sched_sleep(ns / NS_PER_TICK + (ns % NS_PER_TICK != 0) + 1);
	return 0;
}

long sys_null(void)
{
	return 0;
}
