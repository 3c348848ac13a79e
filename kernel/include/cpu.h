/* Per-CPU data, reached through arch_this_cpu(). */
#pragma once

#include <arch.h>
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

/*
 * The one kernel lock: held whenever a CPU runs kernel code, except while
 * idle. A ticket lock; inline, since every kernel entry takes it. One
 * lock around all kernel code from the start keeps the kernel simple when
 * SMP arrives.
 */
struct kernel_lock {
	volatile unsigned next_ticket, now_serving;
	volatile int owner;		/* the holding CPU's id, -1 if none */
};

extern struct kernel_lock big_lock;

static inline void kernel_lock(void)
{
	unsigned me = __atomic_fetch_add(&big_lock.next_ticket, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&big_lock.now_serving, __ATOMIC_ACQUIRE) != me)
		;
	big_lock.owner = (int)arch_this_cpu()->id;
}

static inline void kernel_unlock(void)
{
	big_lock.owner = -1;
	__atomic_store_n(&big_lock.now_serving, big_lock.now_serving + 1, __ATOMIC_RELEASE);
}

static inline bool kernel_lock_held(void)
{
	return big_lock.owner == (int)arch_this_cpu()->id;
}
