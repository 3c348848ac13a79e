/*
 * One-shot replies. A received call puts one in the receiver's handle
 * table; answering uses it up. Dropping it (closing the handle, or the
 * receiver's task ending) wakes the caller with -EPIPE.
 */
#include <errno.h>
#include <ipc.h>
#include <mm/kalloc.h>
#include <sched.h>

static void reply_release(struct kobj *o)
{
	struct reply *r = (struct reply *)o;

	if (r->caller) {
		r->caller->reply = NULL;
		sched_wake(r->caller, -EPIPE);
	}
	kfree(r, sizeof(*r));
}

const struct kobj_ops reply_ops = { "reply", reply_release };
