/* Threads: create, start, suspend, resume, destroy, priority, registers. */
#include <arch.h>
#include <errno.h>
#include <faultline/abi.h>
#include <faultline/regs.h>
#include <sched.h>
#include <syscall.h>
#include <task.h>
#include <thread.h>
#include <uaccess.h>

static int get_thread(int h, uint32_t rights, struct thread **out)
{
	return thread_get(sched_current()->task, h, rights, out);
}

long sys_thread_create(int task, unsigned int priority)
{
	struct task *self = sched_current()->task;
	struct thread *t;
	struct kobj *o;
	int err, h;

	err = handle_get(self, task, &task_ops, FL_RIGHT_MANAGE, &o);
	if (err)
		return err;
	err = thread_create(to_task(o), priority, &t);
	if (err)
		return err;
	h = handle_install(self, &t->obj, FL_RIGHTS_ALL);
	if (h < 0)
		thread_destroy(t);
	return h;
}

long sys_thread_start(int thread, uintptr_t pc, uintptr_t sp, uintptr_t arg)
{
	struct thread *t;
	int err = get_thread(thread, FL_RIGHT_MANAGE, &t);

	if (err)
		return err;
	if (!arch_user_addr_ok(pc, 1) || !arch_user_addr_ok(sp, 0))
		return -EFAULT;
	return thread_start(t, pc, sp, arg);
}

/* Apply op to the live thread behind h, which needs FL_RIGHT_MANAGE. */
static long manage(int h, void (*op)(struct thread *t))
{
	struct thread *t;
	int err = get_thread(h, FL_RIGHT_MANAGE, &t);

	if (err)
		return err;
	op(t);
	return 0;
}

long sys_thread_suspend(int thread)
{
	return manage(thread, thread_suspend);
}

long sys_thread_resume(int thread)
{
	return manage(thread, thread_resume);
}

long sys_thread_destroy(int thread)
{
	return manage(thread, thread_destroy);
}

long sys_thread_set_priority(int thread, unsigned int priority)
{
	struct thread *t;
	int err = get_thread(thread, FL_RIGHT_MANAGE, &t);

	if (err)
		return err;
	return thread_set_priority(t, priority);
}

/* Register sets move through this buffer: the largest set fits. */
static union {
	struct fl_regs_general general;
	struct fl_regs_fp fp;
	uint64_t tls;
} regs_buf;

static int regs_size(unsigned set)
{
	switch (set) {
	case FL_REGS_GENERAL: return sizeof(struct fl_regs_general);
	case FL_REGS_FP: return sizeof(struct fl_regs_fp);
	case FL_REGS_TLS: return sizeof(uint64_t);
	default: return -EINVAL;
	}
}

long sys_thread_read_regs(int thread, unsigned int set, void *buf, size_t len)
{
	struct thread *t;
	int err = get_thread(thread, FL_RIGHT_READ, &t), size;

	if (err)
		return err;
	if (t == sched_current())
		return -EBUSY;
	size = regs_size(set);
	if (size < 0 || len != (size_t)size)
		return -EINVAL;
	err = arch_regs_get(t, set, &regs_buf, len);
	if (err)
		return err;
	return copy_to_user(sched_current()->task, (uintptr_t)buf, &regs_buf, len);
}

long sys_thread_write_regs(int thread, unsigned int set, const void *buf, size_t len)
{
	struct thread *t;
	int err = get_thread(thread, FL_RIGHT_WRITE, &t), size;

	if (err)
		return err;
	if (t == sched_current())
		return -EBUSY;
	size = regs_size(set);
	if (size < 0 || len != (size_t)size)
		return -EINVAL;
	err = copy_from_user(sched_current()->task, &regs_buf, (uintptr_t)buf, len);
	if (err)
		return err;
	return arch_regs_set(t, set, &regs_buf, len);
}

long sys_thread_exit(void)
{
	thread_destroy(sched_current());
	return 0;	/* not reached */
}
