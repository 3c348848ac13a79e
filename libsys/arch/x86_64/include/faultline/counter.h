/* The cycle counter: rdtsc (one tick per instruction under QEMU icount). */
#pragma once

#include <stdint.h>

static inline uint64_t fl_cycles(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}
