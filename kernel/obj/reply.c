/*
 * One-shot replies. A received call puts one in the receiver's handle
 * table; answering uses it up. Dropping it (closing the handle, or the
 * receiver's task ending) wakes the caller with -EPIPE.
 */
#include <errno.h>
#include <ipc.h>
#include <mm/kalloc.h>
#include <sched.h>

/*
 * Every call takes a reply object and every answer frees one, so a few
 * freed ones are kept for the next calls instead of going back to kalloc.
 */
#define SPARE_MAX	64

static struct reply *spare;	/* linked through next_spare */
static unsigned nspare;

static void reply_release(struct kobj *o)
{
	struct reply *r = (struct reply *)o;

	if (r->caller) {
		r->caller->reply = NULL;
		sched_wake(r->caller, -EPIPE);
	}
	reply_free(r);
}

const struct kobj_ops reply_ops = { "reply", reply_release };

struct reply *reply_new(void)
{
	struct reply *r = spare;

	if (r) {
		spare = r->next_spare;
		nspare--;
	} else if (!(r = kalloc(sizeof(*r)))) {
		return NULL;
	}
	kobj_init(&r->obj, &reply_ops);
	r->caller = NULL;
	return r;
}

void reply_free(struct reply *r)
{
	if (nspare == SPARE_MAX) {
		kfree(r, sizeof(*r));
		return;
	}
	r->next_spare = spare;
	spare = r;
	nspare++;
}
