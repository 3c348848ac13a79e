/*
 * Memory paged by a custom pager: a region whose faults the system pager
 * forwards to another process (userfault-style; docs/writing-a-pager.md).
 * A page the custom pager has resolved is a private frame like anonymous
 * memory's (copy-on-write after fork, rights given back by allow); a page
 * it has not is parked: the faulter waits, its reply handle kept, until
 * the custom pager answers (upager.c).
 */
#include <errno.h>
#include <stdlib.h>
#include "memobj.h"
#include "pager.h"
#include "private.h"
#include "upager.h"

struct delegated {
	struct memobj obj;
	struct private private;		/* pages the custom pager has resolved */
	struct pagemap held;		/* pages whose next fault is the custom pager's */
	int pager_pid;			/* 0: its pager is gone */
};

static int delegated_fault(struct memobj *o, const struct fault *f, struct fault_answer *a)
{
	struct delegated *d = (struct delegated *)o;
	uint64_t page = f->offset / PAGE;
	int err;

	if (pagemap_get(&d->held, page)) {	/* protected by its pager: its call */
		pagemap_clear(&d->held, page);
		return upager_park(d->pager_pid, o, f);
	}
	if ((err = private_fault(&d->private, f, page, a)))
		return err < 0 ? err : 0;
	return upager_park(d->pager_pid, o, f);
}

static struct memobj *delegated_fork(struct memobj *o)
{
	struct delegated *d = (struct delegated *)o;
	struct delegated *child = (struct delegated *)delegated_create(o->size, d->pager_pid);

	if (!child)
		return NULL;
	if (private_fork(&child->private, &d->private)) {
		memobj_put(&child->obj);
		return NULL;
	}
	return &child->obj;
}

static unsigned delegated_mappings(struct memobj *o, uint64_t offset, mapping_fn fn, void *arg)
{
	return private_mappings(&((struct delegated *)o)->private, offset / PAGE, fn, arg);
}

static int delegated_adopt(struct memobj *o, uint64_t offset, uint64_t len)
{
	int err = 0;

	for (uint64_t at = offset; !err && at < offset + len; at += PAGE)
		err = delegated_resolved(o, at);
	return err;
}

static bool unhold(uint64_t page, void *entry, void *arg)
{
	(void)page;
	(void)entry;
	(void)arg;
	return true;
}

static void delegated_discard(struct memobj *o, uint64_t offset, uint64_t len)
{
	struct delegated *d = (struct delegated *)o;

	private_discard(&d->private, offset / PAGE, len / PAGE);
	pagemap_each(&d->held, offset / PAGE, len / PAGE, unhold, NULL);
}

static void delegated_release(struct memobj *o)
{
	struct delegated *d = (struct delegated *)o;

	upager_released(d->pager_pid);
	private_free(&d->private);
	pagemap_free(&d->held);
	free(d);
}

static const struct memobj_ops delegated_ops = {
	.kind = "delegated",
	.fault = delegated_fault,
	.split = memobj_share,
	.fork = delegated_fork,
	.adopt = delegated_adopt,
	.mappings = delegated_mappings,
	.discard = delegated_discard,
	.release = delegated_release,
};

struct memobj *delegated_create(uint64_t size, int pager_pid)
{
	struct delegated *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->obj = (struct memobj){ .ops = &delegated_ops, .refs = 1, .size = size };
	d->private.owner = &d->obj;
	d->pager_pid = pager_pid;
	upager_held(pager_pid);
	return &d->obj;
}

/* The custom pager's answer: page offset of o is now a private frame. */
int delegated_resolved(struct memobj *o, uint64_t offset)
{
	return private_add(&((struct delegated *)o)->private, offset / PAGE);
}

/* Whether o is a delegated object paged by pager_pid. */
bool delegated_by(struct memobj *o, int pager_pid)
{
	return o->ops == &delegated_ops && ((struct delegated *)o)->pager_pid == pager_pid;
}

/* Whether page offset of o has a frame of its own (resolved, not evicted). */
bool delegated_present(struct memobj *o, uint64_t offset)
{
	return private_has(&((struct delegated *)o)->private, offset / PAGE);
}

/*
 * Restore: live's pages become snapshot's again (live shares its frames'
 * records, copy-on-write), whatever live had is let go of.
 */
int delegated_restore(struct memobj *live, struct memobj *snapshot)
{
	struct delegated *l = (struct delegated *)live;

	private_discard(&l->private, 0, UINT64_MAX);
	return private_fork(&l->private, &((struct delegated *)snapshot)->private);
}

/* o is a snapshot's, never mapped: its pager no longer counts it as work. */
void delegated_detach(struct memobj *o)
{
	struct delegated *d = (struct delegated *)o;

	upager_released(d->pager_pid);
	d->pager_pid = 0;
}

/* Page offset of o was protected by its pager: its next fault goes to the pager. */
int delegated_hold(struct memobj *o, uint64_t offset)
{
	return pagemap_set(&((struct delegated *)o)->held, offset / PAGE, o);
}
