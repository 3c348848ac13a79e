/*
 * The cycle counter: PMCCNTR_EL0 (one tick per instruction under QEMU
 * icount); the kernel lets EL0 read it (PMUSERENR_EL0).
 */
#pragma once

#include <stdint.h>

static inline uint64_t fl_cycles(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, pmccntr_el0" : "=r"(v));
	return v;
}
