/* Threads. */
#include <arch.h>
#include <handle.h>
#include <ipc.h>
#include <errno.h>
#include <faultline/abi.h>
#include <kernel.h>
#include <mm/kalloc.h>
#include <memlayout.h>
#include <mm/kmap.h>
#include <pool.h>
#include <sched.h>
#include <task.h>
#include <thread.h>

static void thread_release(struct kobj *o)
{
	struct thread *t = to_thread(o);
	struct pool *pool = t->pool;

	assert(t->state == THREAD_DEAD);
	pool_kfree(pool, t, sizeof(*t));
	kobj_put(&pool->obj);
}

const struct kobj_ops thread_ops = { "thread", thread_release };

static unsigned next_id;

int thread_get(struct task *task, long h, uint32_t rights, struct thread **out)
{
	struct kobj *o;
	int err = handle_get(task, h, &thread_ops, rights, &o);

	if (err)
		return err;
	*out = to_thread(o);
	return (*out)->state == THREAD_DEAD ? -ESRCH : 0;
}

int thread_create(struct task *task, unsigned priority, struct thread **out)
{
	struct thread *t;
	int err;

	if (priority > FL_PRIORITY_MAX)
		return -EINVAL;
	if (task->dead)
		return -ESRCH;
	if (pool_charge(task->pool, KSTACK_SIZE / PAGE_SIZE))
		return -ENOMEM;
	t = pool_kalloc(task->pool, sizeof(*t));
	if (!t) {
		pool_uncharge(task->pool, KSTACK_SIZE / PAGE_SIZE);
		return -ENOMEM;
	}
	err = kstack_alloc(&t->kstack_top);
	if (err) {
		pool_uncharge(task->pool, KSTACK_SIZE / PAGE_SIZE);
		pool_kfree(task->pool, t, sizeof(*t));
		return err;
	}
	kobj_init(&t->obj, &thread_ops);
	t->pool = task->pool;	/* the thread outlives its task's reference */
	kobj_get(&t->pool->obj);
	t->id = ++next_id;
	t->task = task;
	kobj_get(&task->obj);
	t->state = THREAD_INACTIVE;
	t->priority = priority;
	list_init(&t->sched_link);
	list_init(&t->fault_link);
	list_push_back(&task->threads, &t->task_link);
	*out = t;
	return 0;
}

int thread_start(struct thread *t, uintptr_t pc, uintptr_t sp, uintptr_t arg)
{
	if (t->state != THREAD_INACTIVE)
		return -EBUSY;
	arch_thread_init(t, t->kstack_top, pc, sp, arg);
	t->state = THREAD_READY;
	sched_ready(t);
	return 0;
}

void thread_suspend(struct thread *t)
{
	if (t->suspended)
		return;
	t->suspended = true;
	if (t->state == THREAD_READY)
		sched_unready(t);
	else if (t->state == THREAD_RUNNING)
		schedule();
}

void thread_resume(struct thread *t)
{
	if (!t->suspended)
		return;
	t->suspended = false;
	if (t->state == THREAD_READY)
		sched_ready(t);
}

int thread_set_priority(struct thread *t, unsigned priority)
{
	if (priority > FL_PRIORITY_MAX)
		return -EINVAL;
	if (t->state == THREAD_READY && !t->suspended) {
		sched_unready(t);
		t->priority = priority;
		sched_ready(t);
	} else {
		t->priority = priority;
		if (t->state == THREAD_RUNNING)
			sched_check_preempt();
	}
	return 0;
}

void thread_destroy(struct thread *t)
{
	enum thread_state was = t->state;

	if (was == THREAD_DEAD)
		return;
	if (was == THREAD_READY && !t->suspended)
		sched_unready(t);
	else if (was == THREAD_SLEEPING)
		list_remove(&t->sched_link);
	else if (was == THREAD_BLOCKED)
		ipc_cancel(t);
	ipc_thread_gone(t);
	t->state = THREAD_DEAD;
	list_remove(&t->task_link);
	if (t->task == root_task && list_empty(&root_task->threads)) {
		kprintf("faultline: the root task has no threads left\n");
		poweroff(STATUS_ROOT_TASK_DIED);
	}
	if (was == THREAD_RUNNING)
		sched_exit_current();	/* thread_reap runs once off its stack */
	thread_reap(t);
}

void thread_reap(struct thread *t)
{
	kstack_free(t->kstack_top);
	pool_uncharge(t->task->pool, KSTACK_SIZE / PAGE_SIZE);
	kobj_put(&t->task->obj);
	t->task = NULL;
	kobj_put(&t->obj);	/* the reference a live thread holds on itself */
}
