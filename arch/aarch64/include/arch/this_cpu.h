/* arch_this_cpu() for AArch64: the per-CPU block is in TPIDR_EL1. */
#pragma once

struct cpu;

static inline struct cpu *arch_this_cpu(void)
{
	struct cpu *cpu;

	__asm__ volatile("mrs %0, tpidr_el1" : "=r"(cpu));
	return cpu;
}
