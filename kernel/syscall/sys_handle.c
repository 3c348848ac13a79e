/* Handles: close and duplicate. */
#include <errno.h>
#include <faultline/abi.h>
#include <handle.h>
#include <sched.h>
#include <syscall.h>
#include <task.h>

long sys_handle_close(int handle)
{
	return handle_close(sched_current()->task, handle);
}

long sys_handle_dup(int handle, unsigned int rights)
{
	return handle_dup(sched_current()->task, handle, rights);
}

long sys_task_give_handle(int task, int handle, unsigned int rights)
{
	struct task *self = sched_current()->task, *t;
	struct handle *s;
	struct kobj *o;
	int err = handle_get(self, task, &task_ops, FL_RIGHT_MANAGE, &o);

	if (err)
		return err;
	t = to_task(o);
	err = handle_lookup(self, handle, NULL, FL_RIGHT_GRANT, &s);
	if (err)
		return err;
	if (rights & ~(unsigned)FL_RIGHTS_ALL)
		return -EINVAL;
	if (rights & ~s->rights)
		return -EPERM;
	if (t->dead)
		return -ESRCH;
	return handle_install_badged(t, s->obj, rights, s->badge);
}
