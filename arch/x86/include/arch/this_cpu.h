/* arch_this_cpu() for x86_64: the per-CPU block's first word, at GS base. */
#pragma once

struct cpu;

static inline struct cpu *arch_this_cpu(void)
{
	struct cpu *cpu;

	__asm__ volatile("movq %%gs:0, %0" : "=r"(cpu));
	return cpu;
}
