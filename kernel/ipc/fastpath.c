/*
 * The IPC fastpath: the two halves of a register-only round trip.
 *
 *   call: the endpoint has a receiver waiting in recv (also a fault's
 *   message to its handler, which is a call);
 *   reply_recv: the reply's caller waits for it (a call, not a fault), and
 *   the endpoint has no sender queued and no notification is pending.
 *
 * Each goes from one user thread to the other in one step: the message
 * is written straight into the other thread's saved user registers, and
 * that thread returns to user mode from its trap frame; its kernel stack,
 * parked in a receive or a call, is simply dropped (sched_hand_to_user).
 * The current thread blocks exactly as the general path would leave it,
 * so either path can wake it later.
 *
 * Anything else (buffer words or handles, nobody waiting, a fault reply,
 * no free slot in the receiver's allocated chunks: a full table or one
 * that needs a new chunk, a thread that ought not to run now) returns false
 * before changing anything, and the general path (ipc.c) does the same
 * thing more slowly.
 */
#include <faultline/abi.h>
#include <handle.h>
#include <ipc.h>
#include <kernel.h>
#include <sched.h>
#include <task.h>

/* A message that is only a tag and four registers, sent with no reply field. */
static bool registers_only(uint64_t tag)
{
	return !(tag & FL_TAG_RESERVED) && FL_TAG_REPLY(tag) < 0 && FL_TAG_WORDS(tag) == 0 &&
	       FL_TAG_HANDLES(tag) == 0;
}

/* The object of handle h in t if it is of kind ops with rights, else NULL. */
static struct kobj *lookup(struct task *t, int h, const struct kobj_ops *ops, uint32_t rights,
			   uint32_t *badge)
{
	struct handle *s;

	if (handle_lookup(t, h, ops, rights, &s))
		return NULL;
	if (badge)
		*badge = s->badge;
	return s->obj;
}

/* The call half once the endpoint is known; inlined in both users (the hot path). */
static inline __attribute__((always_inline)) bool call_fast(struct endpoint *ep, uint32_t badge,
							     uint64_t tag, const uint64_t w[4],
							     long *result)
{
	struct thread *cur = sched_current(), *dst;
	struct reply *r;
	int h;

	if (list_empty(&ep->receivers))
		return false;
	dst = list_first(&ep->receivers, struct thread, sched_link);
	if (!dst->task->handles_free || !sched_can_hand_to(dst) || !(r = reply_new()))
		return false;

	/* the receiver gets the reply handle (reply_new's reference: a slot is free); we wait on it */
	h = handle_install_moved(dst->task, &r->obj, FL_RIGHT_WRITE);
	r->caller = cur;
	cur->reply = r;
	cur->block = BLOCK_REPLY;
	cur->blocked_on = NULL;
	list_remove(&dst->sched_link);
	arch_syscall_set_message(dst, FL_RECV_MESSAGE, badge, FL_TAG_WITH_REPLY(tag, h), w);
	*result = sched_hand_to_user(dst);
	return true;
}

bool ipc_call_fast(int endpoint, uint64_t tag, const uint64_t w[4], long *result)
{
	struct endpoint *ep;
	uint32_t badge;

	if (!registers_only(tag))
		return false;
	ep = (struct endpoint *)lookup(sched_current()->task, endpoint, &endpoint_ops,
				       FL_RIGHT_WRITE, &badge);
	return ep && call_fast(ep, badge, tag, w, result);
}

bool ipc_send_call_fast(struct endpoint *ep, uint32_t badge, uint64_t tag, const uint64_t w[4],
			long *result)
{
	return call_fast(ep, badge, tag, w, result);
}

bool ipc_reply_recv_fast(int endpoint, uint64_t tag, const uint64_t w[4], long *result)
{
	struct thread *cur = sched_current(), *caller;
	int reply = FL_TAG_REPLY(tag);
	struct endpoint *ep;
	struct reply *r;

	tag = FL_TAG_WITH_REPLY(tag, -1);
	if (reply < 0 || !registers_only(tag) || (cur->bound && cur->bound->bits))
		return false;
	/* a fault's answer is not a call's: its frame holds no system call */
	r = (struct reply *)lookup(cur->task, reply, &reply_ops, FL_RIGHT_WRITE, NULL);
	if (!r || !(caller = r->caller) || caller->in_fault || !sched_can_hand_to(caller))
		return false;
	ep = (struct endpoint *)lookup(cur->task, endpoint, &endpoint_ops, FL_RIGHT_READ, NULL);
	if (!ep || !list_empty(&ep->senders))
		return false;

	/* answer the caller and use the reply up */
	r->caller = NULL;
	caller->reply = NULL;
	handle_close(cur->task, reply);
	arch_syscall_set_message(caller, 0, 0, tag, w);
	/* and wait for the next message */
	cur->block = BLOCK_RECV;
	cur->blocked_on = ep;
	list_push_back(&ep->receivers, &cur->sched_link);
	*result = sched_hand_to_user(caller);
	return true;
}
