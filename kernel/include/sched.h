/*
 * The scheduler: fixed priorities, round robin within a priority, one run
 * queue per priority. The kernel is not preemptible: a switch happens when
 * a thread blocks or yields in a system call, or on the way back to user
 * mode when a tick or a wake-up asked for one.
 */
#pragma once

#include <thread.h>

#define SCHED_SLICE_TICKS	2	/* round-robin time slice */

#include <arch.h>
#include <cpu.h>

/* The thread running on this CPU. */
static inline struct thread *sched_current(void)
{
	return arch_this_cpu()->current;
}

/* Make this CPU's boot context its idle thread (call once, before any thread exists). */
void sched_init(void);

/* Become the idle loop and start scheduling; does not return. */
__noreturn void sched_start(void);

/* Queue a ready thread; asks for a switch if it outranks the running one. */
void sched_ready(struct thread *t);
/* Take a ready thread out of its queue (it is being suspended or destroyed). */
void sched_unready(struct thread *t);

/* Ask for a switch if a ready thread now outranks the running one. */
void sched_check_preempt(void);

/* Run the best ready thread (or idle). The caller has set its own state. */
void schedule(void);

/* Give the CPU to the next thread of the same priority, if any. */
void sched_yield(void);

/* Sleep at least ticks timer ticks (0: yield). */
void sched_sleep(uint64_t ticks);

/*
 * Block the current thread (its state, block reason and queue already set
 * by the caller) until sched_wake; returns the wake result.
 */
long sched_block(void);

/* End t's block with result: it becomes ready (and runs, unless suspended). */
void sched_wake(struct thread *t, long result);

/*
 * The current thread blocks (its block reason and queue set by the
 * caller) and next, a blocked thread its operation just ended the block
 * of, gets result; next runs at once unless something ready outranks it
 * (then this is sched_wake + sched_block). The IPC fast case.
 */
long sched_block_switch(struct thread *next, long next_result);

/*
 * The IPC fastpath (kernel/ipc/fastpath.c). May the current thread hand
 * the CPU straight to next, a thread blocked in a system call? Not when a
 * reschedule is due, next is suspended or something ready outranks it.
 */
bool sched_can_hand_to(struct thread *next);
/*
 * The current thread blocks (its state set up by the caller) and next,
 * its results already in its user frame, returns to user mode at once.
 * Returns the current thread's wake result when it runs again.
 */
long sched_hand_to_user(struct thread *next);

/* The running thread was destroyed: switch away for good. */
__noreturn void sched_exit_current(void);

/* Called by the arch before every return to user mode. */
void sched_exit_to_user(void);
