/*
 * Synchronous IPC and notifications (docs/kernel.md). Everything runs
 * under the kernel lock, so the staging buffers below serve one transfer
 * at a time.
 *
 * A message is delivered whole or not at all: every check (buffers,
 * handles to carry, room in the receiver's handle table) happens before
 * anything changes.
 */
#include <errno.h>
#include <faultline/abi.h>
#include <handle.h>
#include <ipc.h>
#include <kernel.h>
#include <memlayout.h>
#include <mm/kalloc.h>
#include <pool.h>
#include <sched.h>
#include <stddef.h>
#include <task.h>
#include <uaccess.h>
#include <umap.h>

static uint64_t words[FL_MSG_BUF_WORDS];
static int32_t ids[FL_MSG_HANDLES_MAX];
static struct handle *carried[FL_MSG_HANDLES_MAX];

#define BUF_WORDS	offsetof(struct fl_ipc_buffer, words)
#define BUF_HANDLES	offsetof(struct fl_ipc_buffer, handles)

bool ipc_tag_ok(uint64_t tag)
{
	return !(tag & FL_TAG_RESERVED) && FL_TAG_REPLY(tag) < 0 &&
	       FL_TAG_WORDS(tag) <= FL_MSG_BUF_WORDS &&
	       FL_TAG_HANDLES(tag) <= FL_MSG_HANDLES_MAX;
}

/* Read and check the handles src wants to carry: 0, -EFAULT, -EBADF or -EPERM. */
static int gather_handles(struct thread *src, unsigned nh)
{
	int err = copy_from_user(src->task, ids, src->ipc_buffer + BUF_HANDLES, nh * sizeof(ids[0]));

	if (err)
		return err;
	for (unsigned i = 0; i < nh; i++) {
		int h = ids[i] & ~FL_HANDLE_MOVE;

		err = handle_lookup(src->task, h, NULL, FL_RIGHT_GRANT, &carried[i]);
		if (err)
			return err;
		/* the same handle twice, once moved: the second would be gone */
		for (unsigned j = 0; j < i; j++)
			if (carried[j] == carried[i] && ((ids[i] | ids[j]) & FL_HANDLE_MOVE))
				return -EBADF;
	}
	return 0;
}

/* Can src's message be read: its buffer words and the handles it carries? */
static int check_source(struct thread *src, const struct msg *m)
{
	unsigned nw = FL_TAG_WORDS(m->tag), nh = FL_TAG_HANDLES(m->tag);
	int err;

	if (!nw && !nh)
		return 0;
	if (!src->ipc_buffer)
		return -EFAULT;
	err = copy_from_user(src->task, words, src->ipc_buffer + BUF_WORDS, nw * 8);
	return err ? err : gather_handles(src, nh);
}

/*
 * Deliver m from src to dst: registers into dst->msg (with badge), buffer
 * words and handles from src's IPC buffer into dst's. reply_slots more
 * handle slots must stay free in dst. Returns 0, or an error with nothing
 * delivered; *dst_side says whether dst (no IPC buffer, a buffer not
 * mapped, a full handle table) or src is the cause.
 */
static int transfer(struct thread *src, struct thread *dst, const struct msg *m,
		    uint32_t badge, int reply_slots, bool *dst_side)
{
	unsigned nw = FL_TAG_WORDS(m->tag), nh = FL_TAG_HANDLES(m->tag);
	int err;

	*dst_side = false;
	if (!nw && !nh) {		/* registers only: the common case */
		if (reply_slots && (err = handle_reserve(dst->task, 1))) {
			*dst_side = true;
			return err;	/* -EMFILE or -ENOMEM */
		}
		dst->msg = *m;
		dst->msg.badge = badge;
		return 0;
	}
	err = check_source(src, m);
	if (err)
		return err;
	*dst_side = true;
	if (!dst->ipc_buffer)
		return -EFAULT;
	/* writing the words and blank handles first proves dst's buffer is there */
	err = copy_to_user(dst->task, dst->ipc_buffer + BUF_WORDS, words, nw * 8);
	if (!err && nh)
		err = copy_to_user(dst->task, dst->ipc_buffer + BUF_HANDLES, ids,
				   nh * sizeof(ids[0]));
	if (err)
		return err;
	/* the installs below cannot fail once the slots are there */
	err = handle_reserve(dst->task, nh + (unsigned)reply_slots);
	if (err)
		return err;	/* -EMFILE or -ENOMEM */
	*dst_side = false;

	for (unsigned i = 0; i < nh; i++) {
		struct handle *c = carried[i];
		int h = ids[i] & ~FL_HANDLE_MOVE;	/* the sender's number for it */
		bool moved = ids[i] & FL_HANDLE_MOVE;

		ids[i] = handle_install_badged(dst->task, c->obj, c->rights, c->badge);
		if (moved)
			handle_close(src->task, h);
	}
	if (nh)
		copy_to_user(dst->task, dst->ipc_buffer + BUF_HANDLES, ids, nh * sizeof(ids[0]));
	dst->msg = *m;
	dst->msg.badge = badge;
	return 0;
}

/*
 * The receiver dst got a call from caller: give dst the reply handle r
 * (a slot is free: transfer reserved it) and leave caller waiting for it.
 */
static void hand_over_reply(struct thread *dst, struct thread *caller, struct reply *r)
{
	int h = handle_install(dst->task, &r->obj, FL_RIGHT_WRITE);

	kobj_put(&r->obj);		/* the handle holds it now */
	r->caller = caller;
	caller->reply = r;
	caller->block = BLOCK_REPLY;
	caller->blocked_on = NULL;
	dst->msg.tag = FL_TAG_WITH_REPLY(dst->msg.tag, h);
}

long ipc_send(struct endpoint *ep, uint32_t badge, const struct msg *m, bool call, bool block)
{
	struct thread *cur = sched_current(), *dst;
	struct reply *r = NULL;
	bool dst_side;
	int err;

	/* a bad message fails now, not when a receiver comes (checked again then) */
	err = check_source(cur, m);
	if (err)
		return err;
	if (list_empty(&ep->receivers)) {
		if (!block)
			return -EAGAIN;
		cur->msg = *m;
		cur->msg.badge = badge;
		cur->block = call ? BLOCK_CALL : BLOCK_SEND;
		cur->blocked_on = ep;
		list_push_back(&ep->senders, &cur->sched_link);
		return sched_block();
	}
	dst = list_first(&ep->receivers, struct thread, sched_link);
	if (call && !(r = reply_new()))
		return -ENOMEM;
	err = transfer(cur, dst, m, badge, call, &dst_side);
	if (err) {
		if (r)
			reply_free(r);
		return err;
	}
	list_remove(&dst->sched_link);
	if (!call) {
		sched_wake(dst, FL_RECV_MESSAGE);
		return 0;
	}
	hand_over_reply(dst, cur, r);
	return sched_block_switch(dst, FL_RECV_MESSAGE);
}

/* The thread's bound notification has fired: hand over its bits. */
static long take_notification(struct thread *t, struct notification *n)
{
	t->msg = (struct msg){ .badge = n->bits };
	n->bits = 0;
	return FL_RECV_NOTIFICATION;
}

long ipc_recv(struct endpoint *ep, bool block)
{
	struct thread *cur = sched_current();

	if (cur->bound && cur->bound->bits)
		return take_notification(cur, cur->bound);
	while (!list_empty(&ep->senders)) {
		struct thread *src = list_first(&ep->senders, struct thread, sched_link);
		bool call = src->block == BLOCK_CALL, dst_side;
		struct reply *r = NULL;
		int err;

		if (call && !(r = reply_new()))
			return -ENOMEM;
		err = transfer(src, cur, &src->msg, (uint32_t)src->msg.badge, call, &dst_side);
		if (err && dst_side) {
			if (r)
				reply_free(r);
			return err;		/* ours to fix; the sender stays queued */
		}
		list_remove(&src->sched_link);
		if (err) {
			if (r)
				reply_free(r);
			sched_wake(src, err);	/* the sender's message was bad */
			continue;
		}
		if (call)
			hand_over_reply(cur, src, r);
		else
			sched_wake(src, 0);
		return FL_RECV_MESSAGE;
	}
	if (!block)
		return -EAGAIN;
	cur->block = BLOCK_RECV;
	cur->blocked_on = ep;
	list_push_back(&ep->receivers, &cur->sched_link);
	return sched_block();
}

/*
 * Map-and-resume: the fault handler's reply maps page w1 of its frame
 * handle h (w0) with protection w2 at the faulter's fault address
 * (replacing what was there), so the faulter resumes in the same kernel
 * entry. Inlined in both users: the plain one is the fault path's.
 */
static inline __attribute__((always_inline)) int map_for_fault(struct thread *handler,
							       struct thread *faulter,
							       const struct msg *m, long h)
{
	struct handle *s;
	int err;

	if (m->w[2] > UINT32_MAX)
		return -EINVAL;
	err = handle_lookup(handler->task, h, &frame_ops, frame_rights((unsigned)m->w[2]), &s);
	if (err)
		return err;
	return umap_map(faulter->task, ALIGN_DOWN(faulter->fault_addr, PAGE_SIZE),
			(struct frame *)s->obj, m->w[1], 1, (unsigned)m->w[2],
			UMAP_REPLACE | umap_may_write(s->rights));
}

/*
 * Copy-on-write: copy the page mapped at the fault address into page w1
 * of frame handle h (w0, which needs write) and map that page there with
 * w2, as map-and-resume does.
 */
static int copy_for_fault(struct thread *handler, struct thread *faulter, const struct msg *m,
			  long h)
{
	struct handle *s;
	int err;

	if (m->w[2] > UINT32_MAX)
		return -EINVAL;
	err = handle_lookup(handler->task, h, &frame_ops,
			    frame_rights((unsigned)m->w[2]) | FL_RIGHT_WRITE, &s);
	if (err)
		return err;
	return umap_copy_in(faulter->task, faulter->fault_addr, (struct frame *)s->obj, m->w[1],
			    (unsigned)m->w[2], umap_may_write(s->rights));
}

/*
 * Either with FL_HANDLE_MOVE in w0: the handler gives its frame handle up
 * once the page is mapped (the mapping then holds the frame alone). Such
 * a reply must be registers only: then nothing after this can fail it, so
 * the handle is never closed for a reply that did not go through.
 */
static int moved_for_fault(struct thread *handler, struct thread *faulter, const struct msg *m,
			   bool copy)
{
	long h = (long)(m->w[0] & ~(uint64_t)FL_HANDLE_MOVE);
	int err;

	if (FL_TAG_WORDS(m->tag) || FL_TAG_HANDLES(m->tag))
		return -EINVAL;
	if (copy)
		err = copy_for_fault(handler, faulter, m, h);
	else
		err = map_for_fault(handler, faulter, m, h);
	if (!err)
		handle_close(handler->task, h);
	return err;
}

/*
 * The kernel's part of a fault reply, done before the faulter is woken:
 * map-and-resume, copy-on-write (FL_FAULT_COPY), or adding rights to the
 * page at the fault address (FL_FAULT_ALLOW, w0 the FL_MAP_* rights). 0
 * or -errno, with the faulter's mappings as they were.
 */
/*
 * A fresh zeroed page for a fault reply, charged to the handler's pool
 * handle w0 (FL_RIGHT_MANAGE), after w2 is checked as a protection.
 */
static int fresh_frame(struct thread *handler, const struct msg *m, struct frame **f)
{
	struct kobj *o;
	int err;

	if (m->w[2] > UINT32_MAX)
		return -EINVAL;
	if ((err = handle_get(handler->task, (long)m->w[0], &pool_ops, FL_RIGHT_MANAGE, &o)))
		return err;
	if ((err = umap_pg((unsigned)m->w[2], NULL)) < 0)
		return err;
	return frame_create((struct pool *)o, 1, 1, f);
}

/*
 * Demand-zero (FL_FAULT_ZERO) or copy-on-write (FL_FAULT_COW) in the
 * reply: a fresh page mapped at the fault address with w2, empty or a
 * copy of what is mapped there; the mapping holds the only reference (no
 * handle is made, none to close).
 */
static int fresh_for_fault(struct thread *handler, struct thread *faulter, const struct msg *m,
			   bool copy)
{
	vaddr_t va = faulter->fault_addr;
	struct frame *f;
	int err = fresh_frame(handler, m, &f);

	if (err)
		return err;
	if (copy)
		err = umap_copy_in(faulter->task, va, f, 0, (unsigned)m->w[2], UMAP_MAYWRITE);
	else
		err = umap_map(faulter->task, ALIGN_DOWN(va, PAGE_SIZE), f, 0, 1, (unsigned)m->w[2],
			       UMAP_REPLACE | UMAP_MAYWRITE);
	kobj_put(&f->obj);		/* the mapping holds it, or it goes */
	return err;
}

static int fault_reply(struct thread *handler, struct thread *faulter, const struct msg *m)
{
	switch (FL_TAG_LABEL(m->tag)) {
	case FL_FAULT_ZERO:
		return fresh_for_fault(handler, faulter, m, false);
	case FL_FAULT_COW:
		return fresh_for_fault(handler, faulter, m, true);
	case FL_FAULT_MAP:
		if (m->w[0] & FL_HANDLE_MOVE)
			return moved_for_fault(handler, faulter, m, false);
		return map_for_fault(handler, faulter, m, (long)m->w[0]);
	case FL_FAULT_COPY:
		if (m->w[0] & FL_HANDLE_MOVE)
			return moved_for_fault(handler, faulter, m, true);
		return copy_for_fault(handler, faulter, m, (long)m->w[0]);
	case FL_FAULT_ALLOW:
		return umap_allow(faulter->task, faulter->fault_addr, m->w[0]);
	default:
		return 0;
	}
}

/* Answer reply_handle with m; the caller it woke (not yet running) in *woken. */
static long reply_take(int reply_handle, const struct msg *m, struct thread **woken)
{
	struct thread *cur = sched_current(), *caller;
	struct reply *r;
	struct kobj *o;
	bool dst_side;
	int err = handle_get(cur->task, reply_handle, &reply_ops, FL_RIGHT_WRITE, &o);

	if (err)
		return err;
	if (!ipc_tag_ok(m->tag))
		return -EINVAL;		/* the reply handle stays */
	r = (struct reply *)o;
	caller = r->caller;
	if (!caller) {
		handle_close(cur->task, reply_handle);
		return -ESRCH;
	}
	if (caller->in_fault && (err = fault_reply(cur, caller, m)))
		return err;		/* the reply handle stays: answer again */
	err = transfer(cur, caller, m, 0, 0, &dst_side);
	if (err)
		return err;		/* the reply handle stays: answer again */
	r->caller = NULL;
	caller->reply = NULL;
	handle_close(cur->task, reply_handle);
	*woken = caller;
	return 0;
}

long ipc_reply(int reply_handle, const struct msg *m)
{
	struct thread *caller;
	long err = reply_take(reply_handle, m, &caller);

	if (!err)
		sched_wake(caller, 0);
	return err;
}

long ipc_reply_recv(int reply_handle, const struct msg *m, struct endpoint *ep)
{
	struct thread *cur = sched_current(), *caller = NULL;
	long err = reply_take(reply_handle, m, &caller);

	/* the caller may be gone (-ESRCH): the server still wants its next message */
	if (err && err != -ESRCH)
		return err;
	if (!caller || (cur->bound && cur->bound->bits) || !list_empty(&ep->senders)) {
		if (caller)
			sched_wake(caller, 0);
		return ipc_recv(ep, true);
	}
	/* nothing to receive yet: wait, and let the caller run in our place */
	cur->block = BLOCK_RECV;
	cur->blocked_on = ep;
	list_push_back(&ep->receivers, &cur->sched_link);
	return sched_block_switch(caller, 0);
}

long ipc_signal(struct notification *n, uint64_t bits)
{
	struct thread *t = n->bound;

	n->bits |= bits;
	if (!list_empty(&n->waiters)) {
		t = list_first(&n->waiters, struct thread, sched_link);
		list_remove(&t->sched_link);
		sched_wake(t, (long)n->bits);
		n->bits = 0;
	} else if (t && t->state == THREAD_BLOCKED && t->block == BLOCK_RECV) {
		list_remove(&t->sched_link);
		sched_wake(t, take_notification(t, n));
	}
	return 0;
}

long ipc_wait(struct notification *n, bool block)
{
	struct thread *cur = sched_current();
	uint64_t bits = n->bits;

	if (bits || !block) {
		n->bits = 0;
		return (long)bits;
	}
	cur->block = BLOCK_NOTIFY;
	cur->blocked_on = n;
	list_push_back(&n->waiters, &cur->sched_link);
	return sched_block();
}

void ipc_cancel(struct thread *t)
{
	if (t->block == BLOCK_REPLY) {
		if (t->reply)
			t->reply->caller = NULL;	/* the server's reply gets -ESRCH */
		t->reply = NULL;
	} else {
		list_remove(&t->sched_link);
	}
	t->blocked_on = NULL;
}

void ipc_bind_notification(struct thread *t, struct notification *n)
{
	if (t->bound)
		t->bound->bound = NULL;
	t->bound = NULL;
	if (n) {
		if (n->bound)
			n->bound->bound = NULL;
		n->bound = t;
		t->bound = n;
	}
}

void ipc_set_fault_handler(struct thread *t, struct endpoint *ep, uint32_t badge)
{
	if (t->fault_ep)
		list_remove(&t->fault_link);
	t->fault_ep = ep;
	t->fault_badge = badge;
	if (ep)
		list_push_back(&ep->fault_users, &t->fault_link);
}

void ipc_thread_gone(struct thread *t)
{
	ipc_bind_notification(t, NULL);
	ipc_set_fault_handler(t, NULL, 0);
}
