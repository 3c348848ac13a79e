/* Tasks: create, destroy, read counters. */
#include <errno.h>
#include <faultline/abi.h>
#include <faultline/task.h>
#include <handle.h>
#include <pool.h>
#include <sched.h>
#include <syscall.h>
#include <task.h>
#include <uaccess.h>

long sys_task_create(int pool)
{
	struct task *self = sched_current()->task, *t;
	struct kobj *p;
	int err = handle_get(self, pool, &pool_ops, FL_RIGHT_MANAGE, &p);
	int h;

	if (err)
		return err;
	err = task_create("task", (struct pool *)p, &t);
	if (err)
		return err;
	h = handle_install(self, &t->obj, FL_RIGHTS_ALL);
	kobj_put(&t->obj);	/* the handle holds it now, or nothing does */
	return h;
}

long sys_task_destroy(int task)
{
	struct kobj *o;
	int err = handle_get(sched_current()->task, task, &task_ops, FL_RIGHT_MANAGE, &o);

	if (err)
		return err;
	task_destroy(to_task(o));
	return 0;
}

long sys_task_info(int task, void *buf)
{
	struct task *self = sched_current()->task, *t;
	struct fl_task_info info = { 0 };
	struct kobj *o;
	struct list *pos;
	int err = handle_get(self, task, &task_ops, FL_RIGHT_READ, &o);

	if (err)
		return err;
	t = to_task(o);
	info.faults = t->faults;
	info.handles_max = t->handles_max;
	for (pos = t->threads.next; pos != &t->threads; pos = pos->next)
		info.threads++;
	if (!t->dead)
		info.handles = handle_count(t);
	return copy_to_user(self, (uintptr_t)buf, &info, sizeof(info));
}

long sys_task_handles_grow(int task, unsigned int max)
{
	struct kobj *o;
	int err = handle_get(sched_current()->task, task, &task_ops, FL_RIGHT_MANAGE, &o);

	if (err)
		return err;
	if (to_task(o)->dead)
		return -ESRCH;
	return handle_table_grow(to_task(o), max);
}
