/*
 * Private frames of a memory object (anonymous memory, written pages of a
 * private file mapping), shared copy-on-write after fork. Each has a
 * record listing the objects whose page it is (MINIX's VM server counts
 * the same way): a write to a page with other holders gets a copy
 * (FL_FAULT_COW: the kernel copies the frame it finds mapped into a fresh
 * one from the process's pool, in the same kernel entry); the last holder gets its page back writable without a
 * copy (FL_FAULT_ALLOW). The pager holds no handle to these frames: the
 * mappings do. The holders, with each object's regions, are the reverse
 * map: frame -> (object, page) -> (process, address).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <faultline/abi.h>
#include <faultline/ipc.h>
#include <faultline/syscalls.gen.h>
#include "memobj.h"
#include "pager.h"
#include "private.h"

struct holder {
	struct memobj *obj;
	uint64_t page;
};

struct page {
	unsigned count, cap;		/* holders: the sharers */
	struct holder *holders;		/* &first until a second sharer comes */
	union {
		struct holder first;
		struct page *next_free;	/* on the free list */
	};
};

/* Records are kept for reuse: a fault should not pay for malloc. */
static struct page *free_pages;

static struct page *page_new(struct memobj *obj, uint64_t index)
{
	struct page *pg = free_pages;

	if (pg)
		free_pages = pg->next_free;
	else if (!(pg = malloc(sizeof(*pg))))
		return NULL;
	pg->count = pg->cap = 1;
	pg->first = (struct holder){ obj, index };
	pg->holders = &pg->first;
	pager.pages++;
	return pg;
}

static void page_free(struct page *pg)
{
	if (pg->holders != &pg->first)
		free(pg->holders);
	pg->next_free = free_pages;
	free_pages = pg;
	pager.pages--;
}

/* Room for twice as many holders: 0 or -ENOMEM. Out of line: hold's common case stays short. */
static __attribute__((noinline)) int grow(struct page *pg)
{
	struct holder *h = malloc(2 * pg->cap * sizeof(*h));

	if (!h)
		return -ENOMEM;
	memcpy(h, pg->holders, pg->count * sizeof(*h));
	if (pg->holders != &pg->first)
		free(pg->holders);
	pg->holders = h;
	pg->cap *= 2;
	return 0;
}

static int hold(struct page *pg, struct memobj *obj, uint64_t index)
{
	if (pg->count == pg->cap && grow(pg))
		return -ENOMEM;
	pg->holders[pg->count++] = (struct holder){ obj, index };
	return 0;
}

/*
 * obj lets go of pg (its page index): the record goes with the last holder.
 * From the newest holder back: a forked child's exit finds itself first.
 */
static void release(struct page *pg, struct memobj *obj, uint64_t index)
{
	for (unsigned i = pg->count; i-- > 0;) {
		if (pg->holders[i].obj == obj && pg->holders[i].page == index) {
			pg->holders[i] = pg->holders[--pg->count];
			break;
		}
	}
	if (pg->count == 0)
		page_free(pg);
}

bool private_has(const struct private *p, uint64_t page)
{
	return pagemap_get(&p->map, page) != NULL;
}

int private_add(struct private *p, uint64_t page)
{
	struct page *pg = page_new(p->owner, page);
	int err;

	if (!pg)
		return -ENOMEM;
	if ((err = pagemap_set(&p->map, page, pg)))
		release(pg, p->owner, page);
	return err;
}

/*
 * A write to a page others hold: the kernel copies it into a fresh page
 * from the process's pool in the reply (FL_FAULT_COW); the copy is held
 * here alone.
 */
static int copy(struct private *p, const struct fault *f, uint64_t page, struct page *old,
		struct fault_answer *a)
{
	struct page *pg = page_new(p->owner, page);
	int err;

	if (!pg)
		return -ENOMEM;
	if ((err = pagemap_set(&p->map, page, pg))) {
		release(pg, p->owner, page);
		return err;
	}
	release(old, p->owner, page);
	*a = (struct fault_answer){
		FL_FAULT_COW, { (uint64_t)f->proc->pool, 0, fault_map_prot(f->prot) } };
	pager.cow_copies++;
	f->proc->cow_copies++;
	return 0;
}

int private_fault(struct private *p, const struct fault *f, uint64_t page,
		  struct fault_answer *a)
{
	struct page *pg = pagemap_get(&p->map, page);
	int err;

	if (!pg)
		return 0;
	if ((f->access & FL_ACCESS_WRITE) && pg->count > 1)
		return (err = copy(p, f, page, pg, a)) ? err : 1;
	if (pg->count > 1) {		/* a read of a shared page: never writable */
		*a = (struct fault_answer){ FL_FAULT_ALLOW,
			{ fault_map_prot(f->prot & ~FL_MAP_WRITE) } };
		return 1;
	}
	if ((f->access & FL_ACCESS_WRITE) && (f->access & FL_ACCESS_PRESENT)) {
		pager.cow_reuses++;	/* the last holder, or rights given back */
		f->proc->cow_reuses++;
	}
	fault_allow(f, a);
	return 1;
}

/* The child (arg: its object) holds page's record too. */
static int share(uint64_t page, void *entry, void *arg)
{
	return hold(entry, arg, page);
}

int private_fork(struct private *child, struct private *parent)
{
	int err = pagemap_copy(&child->map, &parent->map, share, child->owner);

	if (err)
		private_discard(child, 0, UINT64_MAX);
	return err;
}

static bool drop(uint64_t page, void *entry, void *arg)
{
	release(entry, arg, page);
	return true;
}

void private_discard(struct private *p, uint64_t first, uint64_t n)
{
	pagemap_each(&p->map, first, n, drop, p->owner);
}

void private_free(struct private *p)
{
	private_discard(p, 0, UINT64_MAX);
	pagemap_free(&p->map);
}

unsigned private_mappings(struct private *p, uint64_t page,
			  void (*fn)(struct proc *proc, uintptr_t va, void *arg), void *arg)
{
	struct page *pg = pagemap_get(&p->map, page);
	unsigned n = 0;

	for (unsigned i = 0; pg && i < pg->count; i++)
		n += memobj_mappers(pg->holders[i].obj, pg->holders[i].page, fn, arg);
	return n;
}
