/* Host tests: kernel/include/arch.h's per-CPU hook, for code that includes arch.h. */
#pragma once

struct cpu;

static inline struct cpu *arch_this_cpu(void)
{
	return (struct cpu *)0;
}
