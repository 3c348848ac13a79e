/*
 * Private frames of a memory object (anonymous memory, written pages of a
 * private file mapping), shared copy-on-write after fork. Each has a
 * record counting the objects whose page it is (MINIX's VM server keeps
 * the same count): a write to a page with other sharers gets a copy
 * (FL_FAULT_COPY: the kernel copies the frame it finds mapped, in the
 * same kernel entry); the last sharer gets its page back writable without
 * a copy (FL_FAULT_ALLOW). The pager holds no handle to these frames: the
 * mappings do.
 */
#include <errno.h>
#include <stdlib.h>
#include <faultline/abi.h>
#include <faultline/ipc.h>
#include <faultline/syscalls.gen.h>
#include "memobj.h"
#include "pager.h"
#include "private.h"

struct page {
	unsigned refs;		/* objects whose page it is */
};

static struct page *page_new(void)
{
	struct page *pg = malloc(sizeof(*pg));

	if (pg) {
		pg->refs = 1;
		pager.pages++;
	}
	return pg;
}

static void page_put(struct page *pg)
{
	if (--pg->refs == 0) {
		free(pg);
		pager.pages--;
	}
}

int private_add(struct pagemap *m, uint64_t page)
{
	struct page *pg = page_new();
	int err;

	if (!pg)
		return -ENOMEM;
	if ((err = pagemap_set(m, page, pg)))
		page_put(pg);
	return err;
}

bool private_has(const struct pagemap *m, uint64_t page)
{
	return pagemap_get(m, page) != NULL;
}

/* A write to a page others share: a copy of it in a fresh frame, mapped here alone. */
static int copy(struct pagemap *m, const struct fault *f, uint64_t page, struct page *old,
		struct fault_answer *a)
{
	struct page *pg = page_new();
	long h;
	int err;

	if (!pg)
		return -ENOMEM;
	if ((h = fl_frame_alloc(f->proc->pool, 1)) < 0) {
		page_put(pg);
		return (int)h;
	}
	if ((err = pagemap_set(m, page, pg))) {
		fl_handle_close((int)h);
		page_put(pg);
		return err;
	}
	page_put(old);
	*a = (struct fault_answer){
		FL_FAULT_COPY, { (uint64_t)h | FL_HANDLE_MOVE, 0, fault_map_prot(f->prot) } };
	pager.cow_copies++;
	f->proc->cow_copies++;
	return 0;
}

int private_fault(struct pagemap *m, const struct fault *f, uint64_t page,
		  struct fault_answer *a)
{
	struct page *pg = pagemap_get(m, page);
	int err;

	if (!pg)
		return 0;
	if ((f->access & FL_ACCESS_WRITE) && pg->refs > 1)
		return (err = copy(m, f, page, pg, a)) ? err : 1;
	if (pg->refs > 1) {		/* a read of a shared page: never writable */
		*a = (struct fault_answer){ FL_FAULT_ALLOW,
			{ fault_map_prot(f->prot & ~FL_MAP_WRITE) } };
		return 1;
	}
	if ((f->access & FL_ACCESS_WRITE) && (f->access & FL_ACCESS_PRESENT)) {
		pager.cow_reuses++;	/* the last sharer, or rights given back */
		f->proc->cow_reuses++;
	}
	fault_allow(f, a);
	return 1;
}

struct fork_walk {
	struct pagemap *child;
	int err;
};

static bool share(uint64_t page, void *entry, void *arg)
{
	struct fork_walk *w = arg;
	struct page *pg = entry;

	if (!w->err && !(w->err = pagemap_set(w->child, page, pg)))
		pg->refs++;
	return false;
}

int private_fork(struct pagemap *child, struct pagemap *parent)
{
	struct fork_walk w = { child, 0 };

	pagemap_each(parent, 0, UINT64_MAX, share, &w);
	if (w.err)
		private_free(child);
	return w.err;
}

static bool drop(uint64_t page, void *entry, void *arg)
{
	(void)page;
	(void)arg;
	page_put(entry);
	return true;
}

void private_discard(struct pagemap *m, uint64_t first, uint64_t n)
{
	pagemap_each(m, first, n, drop, NULL);
}

void private_free(struct pagemap *m)
{
	private_discard(m, 0, UINT64_MAX);
	pagemap_free(m);
}
