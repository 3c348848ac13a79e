/* Per-CPU data, reached through arch_this_cpu(). */
#pragma once

#include <types.h>

struct thread;

struct cpu {
	struct cpu *self;	/* first: the arch may load it with one instruction */
	unsigned id;
	uintptr_t kstack_top;	/* kernel stack this CPU runs on */
	struct thread *current;	/* running thread; NULL until Kernel I */
};

extern struct cpu cpus[];
#define CPUS_MAX 8

/* The one kernel lock: held whenever a CPU runs kernel code, except while idle. */
void kernel_lock(void);
void kernel_unlock(void);
bool kernel_lock_held(void);
