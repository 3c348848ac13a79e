/* IPC system calls: endpoints, notifications, messages, fault handlers. */
#include <arch.h>
#include <errno.h>
#include <faultline/abi.h>
#include <ipc.h>
#include <memlayout.h>
#include <sched.h>
#include <syscall.h>
#include <task.h>

static struct task *self(void)
{
	return sched_current()->task;
}

/* Install a new object's handle with every right, or drop the object. */
static long install_new(struct kobj *o)
{
	long h = handle_install(self(), o, FL_RIGHTS_ALL);

	kobj_put(o);	/* the handle holds it now, or nothing does */
	return h;
}

long sys_endpoint_create(void)
{
	struct endpoint *ep;
	int err = endpoint_create(self()->pool, &ep);

	return err ? err : install_new(&ep->obj);
}

long sys_notification_create(void)
{
	struct notification *n;
	int err = notification_create(self()->pool, &n);

	return err ? err : install_new(&n->obj);
}

long sys_handle_mint(int handle, unsigned int rights, unsigned int badge)
{
	struct handle *s;
	int err = handle_lookup(self(), handle, NULL, FL_RIGHT_GRANT, &s);

	if (err)
		return err;
	if (s->obj->ops != &endpoint_ops && s->obj->ops != &notification_ops)
		return -EINVAL;
	if (rights & ~(unsigned)FL_RIGHTS_ALL || badge == 0 || s->badge)
		return -EINVAL;
	if (rights & ~s->rights)
		return -EPERM;
	return handle_install_badged(self(), s->obj, rights, badge);
}

long sys_thread_set_ipc_buffer(int thread, uintptr_t addr)
{
	struct thread *t;
	int err = thread_get(self(), thread, FL_RIGHT_MANAGE, &t);

	if (err)
		return err;
	if (!IS_ALIGNED(addr, PAGE_SIZE))
		return -EINVAL;
	if (addr && !arch_user_addr_ok(addr, PAGE_SIZE))
		return -EFAULT;
	t->ipc_buffer = addr;
	return 0;
}

/* Hand the received message to user space: the extra result registers. */
static long deliver(long r)
{
	struct thread *cur = sched_current();

	if (r >= 0) {
		const struct msg *m = &cur->msg;
		unsigned long w[6] = { m->badge, m->tag, m->w[0], m->w[1], m->w[2], m->w[3] };

		arch_syscall_set_extra(cur, w);
	}
	return r;
}

static int get_endpoint(int h, uint32_t rights, struct endpoint **ep, uint32_t *badge)
{
	struct handle *s;
	int err = handle_lookup(self(), h, &endpoint_ops, rights, &s);

	if (err)
		return err;
	*ep = (struct endpoint *)s->obj;
	if (badge)
		*badge = s->badge;
	return 0;
}

static long send(int endpoint, uint64_t tag, uint64_t w0, uint64_t w1, uint64_t w2,
		 uint64_t w3, bool call, bool block)
{
	struct msg m = { 0, tag, { w0, w1, w2, w3 } };
	struct endpoint *ep;
	uint32_t badge;
	int err = get_endpoint(endpoint, FL_RIGHT_WRITE, &ep, &badge);

	if (err)
		return err;
	if (!ipc_tag_ok(tag))
		return -EINVAL;
	if ((FL_TAG_WORDS(tag) || FL_TAG_HANDLES(tag)) && !sched_current()->ipc_buffer)
		return -EFAULT;
	return ipc_send(ep, badge, &m, call, block);
}

long sys_send(int endpoint, uint64_t tag, uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3)
{
	return send(endpoint, tag, w0, w1, w2, w3, false, true);
}

long sys_nbsend(int endpoint, uint64_t tag, uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3)
{
	return send(endpoint, tag, w0, w1, w2, w3, false, false);
}

long sys_call(int endpoint, uint64_t tag, uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3)
{
	uint64_t w[4] = { w0, w1, w2, w3 };
	long r;

	/* back here only if the answer came the general way: deliver it */
	if (!ipc_call_fast(endpoint, tag, w, &r))
		r = send(endpoint, tag, w0, w1, w2, w3, true, true);
	return r == 0 ? deliver(r) : r;
}

static long recv(int endpoint, bool block)
{
	struct endpoint *ep;
	int err = get_endpoint(endpoint, FL_RIGHT_READ, &ep, NULL);

	if (err)
		return err;
	return deliver(ipc_recv(ep, block));
}

long sys_recv(int endpoint)
{
	return recv(endpoint, true);
}

long sys_nbrecv(int endpoint)
{
	return recv(endpoint, false);
}

long sys_reply(int reply, uint64_t tag, uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3)
{
	struct msg m = { 0, tag, { w0, w1, w2, w3 } };

	return ipc_reply(reply, &m);
}

long sys_reply_recv(int endpoint, uint64_t tag, uint64_t w0, uint64_t w1, uint64_t w2,
		    uint64_t w3)
{
	int reply = FL_TAG_REPLY(tag);
	struct msg m = { 0, FL_TAG_WITH_REPLY(tag, -1), { w0, w1, w2, w3 } };
	struct endpoint *ep;
	long r;
	int err;

	if (ipc_reply_recv_fast(endpoint, tag, m.w, &r))
		return deliver(r);	/* a message that came the general way */
	err = get_endpoint(endpoint, FL_RIGHT_READ, &ep, NULL);
	if (err)
		return err;
	if (reply < 0)
		return -EINVAL;
	return deliver(ipc_reply_recv(reply, &m, ep));
}

static int get_notification(int h, uint32_t rights, struct notification **n, uint32_t *badge)
{
	struct handle *s;
	int err = handle_lookup(self(), h, &notification_ops, rights, &s);

	if (err)
		return err;
	*n = (struct notification *)s->obj;
	if (badge)
		*badge = s->badge;
	return 0;
}

long sys_signal(int notification, uint64_t bits)
{
	struct notification *n;
	uint32_t badge;
	int err = get_notification(notification, FL_RIGHT_WRITE, &n, &badge);

	if (err)
		return err;
	if (!(bits | badge))
		return -EINVAL;
	return ipc_signal(n, bits | badge);
}

long sys_wait(int notification)
{
	struct notification *n;
	int err = get_notification(notification, FL_RIGHT_READ, &n, NULL);

	return err ? err : ipc_wait(n, true);
}

long sys_poll(int notification)
{
	struct notification *n;
	int err = get_notification(notification, FL_RIGHT_READ, &n, NULL);

	return err ? err : ipc_wait(n, false);
}

long sys_thread_bind_notification(int thread, int notification)
{
	struct notification *n = NULL;
	struct thread *t;
	int err = thread_get(self(), thread, FL_RIGHT_MANAGE, &t);

	if (err)
		return err;
	if (notification >= 0 && (err = get_notification(notification, FL_RIGHT_READ, &n, NULL)))
		return err;
	ipc_bind_notification(t, n);
	return 0;
}

long sys_thread_set_fault_handler(int thread, int endpoint)
{
	struct endpoint *ep = NULL;
	uint32_t badge = 0;
	struct thread *t;
	int err = thread_get(self(), thread, FL_RIGHT_MANAGE, &t);

	if (err)
		return err;
	if (endpoint >= 0 && (err = get_endpoint(endpoint, FL_RIGHT_WRITE, &ep, &badge)))
		return err;
	ipc_set_fault_handler(t, ep, badge);
	return 0;
}
