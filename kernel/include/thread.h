/* Threads: a register context in a task, scheduled by priority. */
#pragma once

#include <arch/thread.h>
#include <list.h>
#include <obj.h>

struct task;

enum thread_state {
	THREAD_INACTIVE,	/* created, not started */
	THREAD_READY,		/* may run (in a run queue unless suspended) */
	THREAD_RUNNING,		/* running on a CPU */
	THREAD_SLEEPING,	/* waiting for wake_tick */
	THREAD_DEAD,		/* destroyed; the object lives while handles remain */
};

struct thread {
	struct kobj obj;
	struct arch_thread arch;	/* saved context, FP/SIMD state, TLS base */
	struct task *task;		/* NULL for a CPU's idle thread */
	unsigned id;			/* for messages */
	enum thread_state state;
	bool suspended;			/* kept off the CPU until resumed */
	unsigned priority;		/* 0..FL_PRIORITY_MAX, higher runs first */
	unsigned slice;			/* ticks left in its time slice */
	uint64_t wake_tick;		/* THREAD_SLEEPING: when to wake */
	struct list sched_link;		/* run queue or sleep list */
	struct list task_link;		/* its task's threads */
	uintptr_t kstack_top;
};

extern const struct kobj_ops thread_ops;

static inline struct thread *to_thread(struct kobj *o)
{
	return (struct thread *)o;
}

/* A new inactive thread in task: 0 with *out, -EINVAL (priority), -ESRCH (task dead), -ENOMEM. */
int thread_create(struct task *task, unsigned priority, struct thread **out);

/* Start an inactive thread at pc with stack sp and argument arg: 0 or -EBUSY. */
int thread_start(struct thread *t, uintptr_t pc, uintptr_t sp, uintptr_t arg);

void thread_suspend(struct thread *t);
void thread_resume(struct thread *t);
int thread_set_priority(struct thread *t, unsigned priority);

/*
 * Destroy t wherever it is: running, ready, sleeping or suspended. Does
 * not return when t is the caller.
 */
void thread_destroy(struct thread *t);

/* Free a dead thread's stack and references; t must not be running. */
void thread_reap(struct thread *t);
