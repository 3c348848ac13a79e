/* Threads: a register context in a task, scheduled by priority. */
#pragma once

#include <arch/thread.h>
#include <list.h>
#include <obj.h>

struct task;
struct endpoint;
struct notification;
struct reply;

enum thread_state {
	THREAD_INACTIVE,	/* created, not started */
	THREAD_READY,		/* may run (in a run queue unless suspended) */
	THREAD_RUNNING,		/* running on a CPU */
	THREAD_SLEEPING,	/* waiting for wake_tick */
	THREAD_BLOCKED,		/* waiting in IPC: see block */
	THREAD_DEAD,		/* destroyed; the object lives while handles remain */
};

/* What a THREAD_BLOCKED thread waits for. */
enum thread_block {
	BLOCK_SEND,		/* in endpoint->senders, a send */
	BLOCK_CALL,		/* in endpoint->senders, a call */
	BLOCK_RECV,		/* in endpoint->receivers */
	BLOCK_REPLY,		/* its call was received: waits for reply */
	BLOCK_NOTIFY,		/* in notification->waiters */
};

/* A message in flight: what the registers carry. */
struct msg {
	uint64_t badge;
	uint64_t tag;
	uint64_t w[4];
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
	struct pool *pool;		/* pays for this struct (its task's pool) */

	/* IPC (kernel/ipc) */
	enum thread_block block;	/* THREAD_BLOCKED: on what */
	void *blocked_on;		/* the endpoint or notification it queues on */
	struct reply *reply;		/* BLOCK_REPLY: the reply object that will answer */
	long wake_result;		/* the blocking call's result when woken */
	struct msg msg;			/* staged outgoing, or delivered incoming */
	uintptr_t ipc_buffer;		/* user address of its struct fl_ipc_buffer, 0: none */
	struct notification *bound;	/* signals end its recv */

	/* faults (kernel/ipc/fault.c) */
	struct endpoint *fault_ep;	/* where its faults go (a weak reference) */
	uint32_t fault_badge;
	struct list fault_link;		/* in fault_ep->fault_users */
	uint64_t fault_seq;		/* faults so far */
	uintptr_t fault_addr;		/* while in_fault: where, for map-and-resume */
	bool in_fault;			/* waiting for its fault handler's reply */
	int exit_signal;		/* why it ended: a signal, 0 for none */
};

extern const struct kobj_ops thread_ops;

static inline struct thread *to_thread(struct kobj *o)
{
	return (struct thread *)o;
}

/*
 * The live thread behind handle h of task with rights: 0 with *out,
 * -EBADF / -EINVAL / -EPERM as handle_get, -ESRCH if it was destroyed.
 */
int thread_get(struct task *task, long h, uint32_t rights, struct thread **out);

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
