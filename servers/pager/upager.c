/*
 * Custom pagers (docs/writing-a-pager.md): a process hands a region of its
 * memory to another process, whose faults the system pager then forwards
 * to it. The system pager never waits for a custom pager: a fault is
 * parked with the faulter's reply handle, the custom pager fetches it
 * with FL_PAGER_FAULT_WAIT (a call to the system pager, answered at once
 * or parked in turn) and answers with FL_PAGER_FAULT_RESOLVE: a zeroed
 * page, a copy of one of its staging pages (its own MAP_SHARED anonymous
 * memory), or SIGBUS. It can touch nothing but the faulting page: the
 * answer maps at the fault address, once. If the faulter dies first the
 * fault is gone (ESRCH); if the custom pager dies, every fault it held
 * ends its faulter with SIGBUS, and so does every later one.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <faultline/abi.h>
#include <faultline/ipc.h>
#include <faultline/pager.h>
#include <faultline/syscalls.gen.h>
#include "memobj.h"
#include "pager.h"
#include "upager.h"

struct pending {
	struct pending *next;
	long token;			/* names it to the custom pager */
	bool delivered;			/* the custom pager has seen it */
	int reply;			/* the faulter's */
	int pid;			/* the faulter */
	uintptr_t va;
	unsigned access;
	uint64_t offset;		/* of the page in obj */
	struct memobj *obj;		/* (a reference: it outlives an munmap) */
	uint64_t msg[4];		/* the fault message, for a kill line */
};

static long next_token = 1;

static struct proc *live(int pid)
{
	struct proc *p = proc_find(pid);

	return p && !p->zombie ? p : NULL;
}

static void pending_free(struct pending *pd)
{
	memobj_put(pd->obj);
	free(pd);
}

/*
 * The page at va of process pid, in a region c pages and holding a page c
 * gave: 0 with the process, its region and the page's offset in the
 * object; -ESRCH, -EACCES (not a region c pages) or -ENOENT (no page).
 */
static int given_page(struct proc *c, int pid, uintptr_t va, struct proc **t,
		      struct region **r, uint64_t *offset)
{
	if (!(*t = live(pid)))
		return -ESRCH;
	*r = va >= USER_LO && va < USER_HI ? region_find(&(*t)->map, va) : NULL;
	if (!*r || !delegated_by((*r)->obj, c->pid))
		return -EACCES;
	*offset = (*r)->offset + (va & ~(PAGE - 1)) - (*r)->start;
	return delegated_present((*r)->obj, *offset) ? 0 : -ENOENT;
}

/* The custom pager's parked wait gets pd now. */
static void deliver(struct proc *c, struct pending *pd)
{
	fl_reply(c->upager_reply, FL_TAG(0, 0, 0), (uint64_t)pd->token, pd->va,
		 (uint64_t)pd->pid, pd->access);
	c->upager_reply = -1;
	pd->delivered = true;
}

int upager_park(int pager_pid, struct memobj *o, const struct fault *f)
{
	struct proc *c = live(pager_pid);
	struct pending *pd, **tail;

	if (!c)
		return -EPIPE;
	if (!(pd = malloc(sizeof(*pd))))
		return -ENOMEM;
	*pd = (struct pending){ .token = next_token++, .reply = f->reply, .pid = f->proc->pid,
				.va = f->va, .access = f->access, .offset = f->offset,
				.obj = memobj_get(o) };
	for (int i = 0; i < 4; i++)
		pd->msg[i] = f->msg[i];
	for (tail = &c->pending; *tail; tail = &(*tail)->next)
		;
	*tail = pd;
	if (c->upager_reply >= 0)
		deliver(c, pd);
	return FAULT_PARKED;
}

/*
 * Nothing left for c to page (no fault waits, no live process has a region
 * it pages, no live child could make one): its parked wait ends with 0.
 */
void upager_check_done(struct proc *c)
{
	if (c && c->upager_reply >= 0 && !c->pending && !c->delegations &&
	    !proc_has_live_children(c)) {
		fl_reply(c->upager_reply, FL_TAG(0, 0, 0), 0, 0, 0, 0);
		c->upager_reply = -1;
	}
}

void upager_held(int pager_pid)
{
	struct proc *c = live(pager_pid);

	if (c)
		c->delegations++;
}

void upager_released(int pager_pid)
{
	struct proc *c = live(pager_pid);

	if (c && c->delegations > 0)
		c->delegations--;
	upager_check_done(c);
}

long upager_delegate(struct proc *p, uintptr_t hint, uint64_t len, unsigned prot, int pager_pid)
{
	struct memobj *o;
	uintptr_t at;
	int err;

	if (!len || (prot & ~(unsigned)(PROT_READ | PROT_WRITE | PROT_EXEC)) || len > USER_HI)
		return -EINVAL;
	if (pager_pid == p->pid)
		return -EINVAL;		/* its one thread would wait for itself */
	if (!live(pager_pid))
		return -ESRCH;
	len = (len + PAGE - 1) & ~(PAGE - 1);
	hint = hint && hint % PAGE == 0 ? hint : MMAP_BASE;
	if ((err = region_find_hole(&p->map, len, hint, &at)))
		return err;
	if (!(o = delegated_create(len, pager_pid)))
		return -ENOMEM;
	if ((err = vm_map_object(p, at, at + len, prot, MAP_PRIVATE, o, 0))) {
		memobj_put(o);
		return err;
	}
	return (long)at;
}

void upager_wait(struct proc *c, int reply)
{
	for (struct pending *pd = c->pending; pd; pd = pd->next) {
		if (!pd->delivered) {
			pd->delivered = true;
			pager_reply(reply, 0, (uint64_t)pd->token, pd->va, (uint64_t)pd->pid);
			pager_reply_word3(pd->access);
			return;
		}
	}
	if (c->upager_reply >= 0)
		return pager_reply(reply, 0, (uint64_t)-EBUSY, 0, 0);
	if (!c->pending && !c->delegations && !proc_has_live_children(c))
		return pager_reply(reply, 0, 0, 0, 0);	/* nothing left to page */
	c->upager_reply = reply;
}

/* Take the fault named token out of c's list: it, or NULL. */
static struct pending *take(struct proc *c, long token)
{
	for (struct pending **at = &c->pending; *at; at = &(*at)->next) {
		struct pending *pd = *at;

		if (pd->token == token) {
			*at = pd->next;
			return pd;
		}
	}
	return NULL;
}

/* A fresh frame for the faulter: zeroed, or a copy of c's staging page at src. */
static long answer_frame(struct proc *c, struct proc *f, uint64_t action, uintptr_t src)
{
	struct region *r = action == FL_RESOLVE_COPY ? region_find(&c->map, src) : NULL;
	uint64_t page = 0;
	int from = -1;
	long h, err = 0;

	if (action == FL_RESOLVE_COPY) {
		if (!r || !r->obj->ops->frame ||
		    r->obj->ops->frame(r->obj, r->offset + (src & ~(PAGE - 1)) - r->start, &from,
				       &page))
			return -EFAULT;
	}
	(void)f;
	if ((h = fl_frame_alloc(c->pool, 1)) < 0)	/* the custom pager pays */
		return h;
	if (from >= 0 && (err = fl_frame_copy((int)h, 0, from, page, 1))) {
		fl_handle_close((int)h);
		return err;
	}
	return h;
}

/* Answer pd with FL_FAULT_ALLOW: the faulter's page gets prot (0: read and write) back. */
static void pager_allow(struct pending *pd, unsigned prot)
{
	struct proc *f = live(pd->pid);

	prot = fault_map_prot(prot ? prot : PROT_READ | PROT_WRITE);
	if (fl_reply(pd->reply, FL_TAG(FL_FAULT_ALLOW, 0, 0), prot, 0, 0, 0)) {
		if (f)
			kill_for_fault(f, pd->reply, SIGKILL, access_name(pd->access), pd->msg,
				       "its pager's answer could not be given");
		else
			fl_handle_close(pd->reply);
	}
	pending_free(pd);
}

/*
 * Protect: a page of a region c pages loses rights (keep: PROT_* it keeps,
 * 0 for none); its next fault goes to c, who may give them back
 * (FL_RESOLVE_ALLOW): how a pager tracks writes. 0, -ESRCH, -EACCES,
 * -ENOENT (the page is not there), -EINVAL.
 */
long upager_protect(struct proc *c, int pid, uintptr_t va, unsigned keep)
{
	struct region *r;
	struct proc *t;
	uint64_t offset;
	long err;

	if (keep & ~(unsigned)(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	if ((err = given_page(c, pid, va, &t, &r, &offset)) ||
	    (err = delegated_hold(r->obj, offset)))
		return err;
	err = fl_protect(t->task, va & ~(PAGE - 1), PAGE,
			 keep ? fault_map_prot(keep) & ~FL_MAP_WX : 0);
	return err < 0 ? err : 0;
}

long upager_resolve(struct proc *c, const uint64_t w[4])
{
	uint64_t action = w[1];
	unsigned prot = (unsigned)w[3];
	struct pending *pd;
	struct proc *f;
	long h, err;

	if (action < FL_RESOLVE_ZERO || action > FL_RESOLVE_ALLOW ||
	    (prot & ~(unsigned)(PROT_READ | PROT_WRITE | PROT_EXEC)))
		return -EINVAL;
	if (!(pd = take(c, (long)w[0])))
		return -ESRCH;		/* answered already, or its faulter is gone */
	if (!(f = live(pd->pid))) {	/* (its faults leave with it: not reached) */
		fl_handle_close(pd->reply);
		pending_free(pd);
		return -ESRCH;
	}
	if (action == FL_RESOLVE_FAIL) {
		kill_for_fault(f, pd->reply, SIGBUS, access_name(pd->access), pd->msg,
			       "its pager failed the fault");
		pending_free(pd);
		return 0;
	}
	if (action == FL_RESOLVE_ALLOW) {	/* rights back to the page it has */
		if (!delegated_present(pd->obj, pd->offset)) {
			pd->next = c->pending;
			c->pending = pd;
			return -EINVAL;
		}
		pager_allow(pd, prot);
		return 0;
	}
	if ((h = answer_frame(c, f, action, (uintptr_t)w[2])) < 0) {
		pd->next = c->pending;	/* not answered: it stays, for another try */
		c->pending = pd;
		return h;
	}
	prot = fault_map_prot(prot ? prot : PROT_READ | PROT_WRITE);
	pd->obj->ops->discard(pd->obj, pd->offset, PAGE);	/* a page it had: replaced */
	if ((err = delegated_resolved(pd->obj, pd->offset)) ||
	    (err = fl_reply(pd->reply, FL_TAG(FL_FAULT_MAP, 0, 0), (uint64_t)h | FL_HANDLE_MOVE,
			    0, prot, 0))) {
		fl_handle_close((int)h);
		kill_for_fault(f, pd->reply, SIGKILL, access_name(pd->access), pd->msg,
			       "its pager's answer could not be mapped");
	}
	pending_free(pd);
	return err;
}

/*
 * Evict: c saves the faulter's page at va (in a region c pages) into its
 * staging page at dst, and the page leaves the faulter: its next access
 * is a fault for c again. 0, or -ESRCH (no such process), -EACCES (not a
 * region c pages), -ENOENT (the page is not there), -EFAULT (dst is not
 * a staging page).
 */
long upager_evict(struct proc *c, int pid, uintptr_t va, uintptr_t dst)
{
	struct region *s = dst >= USER_LO && dst < USER_HI ? region_find(&c->map, dst) : NULL;
	uint64_t offset, page;
	struct region *r;
	struct proc *t;
	int frame;
	long err;

	if ((err = given_page(c, pid, va, &t, &r, &offset)))
		return err;
	va &= ~(PAGE - 1);
	if (!s || !s->obj->ops->frame ||
	    s->obj->ops->frame(s->obj, s->offset + (dst & ~(PAGE - 1)) - s->start, &frame, &page))
		return -EFAULT;
	if ((err = fl_frame_copy_from(frame, page, t->task, va)))
		return err;
	if ((err = fl_unmap(t->task, va, PAGE)) < 0)
		return err;
	r->obj->ops->discard(r->obj, offset, PAGE);
	return 0;
}

/*
 * Snapshots: a custom pager keeps a region it pages as it is now, copy-on-
 * write, to restore later. The frames are held by a hidden task's
 * mappings (map_copy, as fork does: both sides read-only), their records
 * by a fork of the region's object, so a write after the snapshot copies
 * and the snapshot keeps the old frame.
 */
#define SNAPSHOTS_MAX	32

static struct snapshot {
	int id;				/* 0: a free slot */
	int owner, target;		/* pids: the custom pager, the process */
	uintptr_t start, end;
	int task;			/* the hidden task holding the frames */
	struct memobj *obj;		/* the records */
} snapshots[SNAPSHOTS_MAX];
static int next_snapshot = 1;

static long copy_range(int dst, int src, uintptr_t start, uintptr_t end)
{
	while (start < end) {
		long done = fl_map_copy(dst, src, start, end - start, FL_COPY_COW);

		if (done <= 0)
			return done ? done : -EIO;
		start += (uintptr_t)done;
	}
	return 0;
}

static void snapshot_free(struct snapshot *s)
{
	fl_task_destroy(s->task);
	fl_handle_close(s->task);
	memobj_put(s->obj);
	s->id = 0;
}

long upager_snapshot(struct proc *c, int pid, uintptr_t va)
{
	struct proc *t = live(pid);
	struct region *r = t && va >= USER_LO && va < USER_HI ? region_find(&t->map, va) : NULL;
	struct snapshot *s = NULL;
	long task, err = -ENOMEM;

	if (!t)
		return -ESRCH;
	if (!r || !delegated_by(r->obj, c->pid))
		return -EACCES;
	for (int i = 0; i < SNAPSHOTS_MAX && !s; i++)
		if (!snapshots[i].id)
			s = &snapshots[i];
	if (!s)
		return -EAGAIN;
	if ((task = fl_task_create(c->pool)) < 0)
		return task;
	*s = (struct snapshot){ 0, c->pid, pid, r->start, r->end, (int)task,
				r->obj->ops->fork(r->obj) };
	if (!s->obj || (err = copy_range(s->task, t->task, s->start, s->end))) {
		if (s->obj)
			memobj_put(s->obj);
		fl_task_destroy(s->task);
		fl_handle_close(s->task);
		return err;
	}
	delegated_detach(s->obj);
	return s->id = next_snapshot++;
}

long upager_restore(struct proc *c, int id)
{
	struct snapshot *s = NULL;
	struct region *r;
	struct proc *t;
	long err;

	for (int i = 0; i < SNAPSHOTS_MAX && !s; i++)
		if (snapshots[i].id == id && id > 0 && snapshots[i].owner == c->pid)
			s = &snapshots[i];
	if (!s)
		return -ESRCH;
	if (!(t = live(s->target)))
		return -ESRCH;
	r = region_find(&t->map, s->start);
	if (!r || r->start != s->start || r->end != s->end || !delegated_by(r->obj, c->pid))
		return -EACCES;		/* the region is not what was snapshot */
	for (uintptr_t at = s->start; at < s->end;) {
		long done = fl_unmap(t->task, at, s->end - at);

		if (done <= 0)
			return done ? done : -EIO;
		at += (uintptr_t)done;
	}
	if ((err = delegated_restore(r->obj, s->obj)))
		return err;
	return copy_range(t->task, s->task, s->start, s->end);
}

/* Faults p made, waiting in any custom pager's list: gone with it. */
static void drop_faults_of(struct proc *p)
{
	for (struct proc *c = proc_next(NULL); c; c = proc_next(c)) {
		for (struct pending **at = &c->pending; *at;) {
			struct pending *pd = *at;

			if (pd->pid != p->pid) {
				at = &pd->next;
				continue;
			}
			*at = pd->next;
			fl_handle_close(pd->reply);
			pending_free(pd);
		}
	}
}

void upager_gone(struct proc *p)
{
	struct pending *list = p->pending;

	drop_faults_of(p);
	/* as a pager: whoever waits for it ends with SIGBUS */
	p->pending = NULL;
	while (list) {
		struct pending *pd = list;
		struct proc *f = live(pd->pid);

		list = pd->next;
		if (f) {
			char why[48];

			snprintf(why, sizeof(why), "its pager pid %d is gone", p->pid);
			kill_for_fault(f, pd->reply, SIGBUS, access_name(pd->access), pd->msg, why);
		} else {
			fl_handle_close(pd->reply);
		}
		pending_free(pd);
	}
	if (p->upager_reply >= 0) {
		fl_handle_close(p->upager_reply);
		p->upager_reply = -1;
	}
	p->delegations = 0;
	for (int i = 0; i < SNAPSHOTS_MAX; i++)	/* its snapshots go with it */
		if (snapshots[i].id && snapshots[i].owner == p->pid)
			snapshot_free(&snapshots[i]);
}
