/* User mappings (umap.h). */
#include <arch.h>
#include <errno.h>
#include <faultline/abi.h>
#include <frameobj.h>
#include <kernel.h>
#include <kstat.h>
#include <memlayout.h>
#include <mm/pt.h>
#include <string.h>
#include <task.h>
#include <umap.h>

#define LEVEL_PAGES(level)	((level) ? LARGE_PAGE_SIZE / PAGE_SIZE : 1)

int umap_pg(unsigned prot, const struct frame *f)
{
	unsigned pg = PG_USER | PG_READ;

	if (prot & ~(unsigned)(FL_MAP_READ | FL_MAP_WRITE | FL_MAP_EXEC | FL_MAP_WX) ||
	    !(prot & FL_MAP_READ))
		return -EINVAL;
	if ((prot & FL_MAP_WRITE) && (prot & FL_MAP_EXEC) && !(prot & FL_MAP_WX))
		return -EINVAL;		/* W^X unless asked for explicitly */
	if (f && f->device && (prot & FL_MAP_EXEC))
		return -EINVAL;
	if (prot & FL_MAP_WRITE)
		pg |= PG_WRITE;
	if (prot & FL_MAP_EXEC)
		pg |= PG_EXEC;
	if (f && f->device)
		pg |= PG_DEVICE;
	return (int)pg;
}

/*
 * TLB invalidation for a range operation: page by page for a short range,
 * one invalidation of everything, after the walk, for one longer than
 * FLUSH_PAGES_MAX pages (losing the whole TLB then costs less than the
 * single invalidations: Linux draws the line at 33 pages too).
 */
#define FLUSH_PAGES_MAX	32

struct flush {
	bool all;		/* the range is long: one flush at the end */
	bool needed;		/* something changed */
};

static struct flush flush_for(size_t len)
{
	return (struct flush){ len > FLUSH_PAGES_MAX * PAGE_SIZE, false };
}

static void flush_leaf(struct flush *fl, vaddr_t va, unsigned level)
{
	fl->needed = true;
	if (fl->all)
		return;
	arch_tlb_flush_page(va);
	if (level)
		arch_tlb_flush_all();
}

static void flush_end(const struct flush *fl)
{
	if (fl->all && fl->needed)
		arch_tlb_flush_all();
}

/* Take a leaf out (arg: its range's struct flush): its frame loses as many references. */
static void drop_leaf(pte_t *slot, vaddr_t va, unsigned level, void *arg)
{
	struct frame *f = page_owner(arch_pte_addr(*slot));

	arch_pte_store(slot, 0);
	flush_leaf(arg, va, level);
	assert(f);	/* every user leaf maps a frame object */
	kobj_put_n(&f->obj, LEVEL_PAGES(level));
}

/* Split the blocks cut by the ends of [va, va + len): 0 or -ENOMEM. */
static int split_ends(struct task *t, vaddr_t va, size_t len)
{
	int err = pt_split(t->pt, va, t->pool);

	if (!err && !IS_ALIGNED(va + len, LARGE_PAGE_SIZE))
		err = pt_split(t->pt, va + len, t->pool);
	return err;
}

static int check_range(vaddr_t va, size_t len)
{
	if (!IS_ALIGNED(va | len, PAGE_SIZE) || len == 0)
		return -EINVAL;
	if (!arch_user_addr_ok(va, len))
		return -EFAULT;
	return 0;
}

/*
 * The 4 KiB leaf e (mapping va) made to map pa with pg instead, in place:
 * cleared and its TLB entry flushed first (AArch64's break-before-make);
 * the old frame loses the mapping's reference. An executable page's
 * instruction cache is the caller's to sync, before.
 */
static void replace_leaf(pte_t *e, vaddr_t va, paddr_t pa, unsigned pg)
{
	struct flush fl = flush_for(PAGE_SIZE);

	drop_leaf(e, va, 0, &fl);
	flush_end(&fl);
	arch_pte_store(e, arch_pte_leaf(pa, pg, 0));
}

/* umap_map's UMAP_REPLACE when something is mapped there: one page in place, or unmap and map. */
static int replace(struct task *t, vaddr_t va, struct frame *f, size_t off, size_t pages,
		   unsigned pg)
{
	size_t len = pages * PAGE_SIZE;
	int err;

	if (pages == 1) {
		if ((err = pt_split(t->pt, va, t->pool)))	/* the leaf is then va's 4 KiB page */
			return err;
		kobj_get(&f->obj);	/* first: the old frame may be f itself */
		replace_leaf(pt_leaf(t->pt, va), va, f->pa + off * PAGE_SIZE, pg);
		return 0;
	}
	if ((err = (int)umap_unmap(t, va, len)) < 0 ||
	    (err = pt_map(t->pt, va, f->pa + off * PAGE_SIZE, len, pg, t->pool)))
		return err;
	kobj_get_n(&f->obj, (uint32_t)pages);
	return 0;
}

int umap_map(struct task *t, vaddr_t va, struct frame *f, size_t off, size_t pages,
	     unsigned prot, unsigned how)
{
	int pg = umap_pg(prot, f), err;
	size_t len = pages * PAGE_SIZE;

	if (pg < 0)
		return pg;
	pg |= (int)(how & UMAP_MAYWRITE);
	if (pages == 0 || off >= f->pages || pages > f->pages - off)
		return -EINVAL;
	if ((err = check_range(va, len)))
		return err;
	if (len > FL_RANGE_MAX)
		return -E2BIG;
	/* before the mapping exists, so no CPU can fetch stale instructions */
	if (pg & PG_EXEC)
		arch_sync_icache(f->pa + off * PAGE_SIZE, len);
	err = pt_map(t->pt, va, f->pa + off * PAGE_SIZE, len, (unsigned)pg, t->pool);
	if (err == -EEXIST && (how & UMAP_REPLACE))
		return replace(t, va, f, off, pages, (unsigned)pg);
	if (err)
		return err;
	kobj_get_n(&f->obj, (uint32_t)pages);
	return 0;
}

long umap_unmap(struct task *t, vaddr_t va, size_t len)
{
	struct flush fl;
	int err = check_range(va, len);
	unsigned level;
	pte_t *e;

	if (err)
		return err;
	/* one 4 KiB page (evictions, the benchmarks' resets): one walk, no split, no prune */
	if (len == PAGE_SIZE && (!(e = pt_leaf_level(t->pt, va, &level)) || level == 0)) {
		if (e) {
			fl = flush_for(PAGE_SIZE);
			drop_leaf(e, va, 0, &fl);
			flush_end(&fl);
		}
		return PAGE_SIZE;
	}
	len = MIN(len, FL_RANGE_MAX);
	err = split_ends(t, va, len);
	if (err)
		return err;
	fl = flush_for(len);
	pt_for_each_leaf(t->pt, va, len, drop_leaf, &fl);
	flush_end(&fl);		/* before the tables go */
	pt_prune(t->pt, va, len, t->pool);
	return (long)len;
}

/* A leaf like old with flags pg, keeping what it knows of accessed and dirty. */
static pte_t relabel(pte_t old, unsigned pg, unsigned level)
{
	unsigned was = arch_pte_flags(old);
	pte_t e = arch_pte_leaf(arch_pte_addr(old), pg, level);

	e = arch_pte_clear_ad(e);
	if (was & (PG_ACCESSED | PG_DIRTY))
		e = arch_pte_set_ad(e, was & PG_DIRTY);	/* a dirty page stays dirty */
	return e;
}

struct protect {
	unsigned keep;		/* PG_* rights that stay */
	struct flush fl;
};

static void protect_leaf(pte_t *slot, vaddr_t va, unsigned level, void *arg)
{
	struct protect *pr = arg;
	unsigned pg = arch_pte_flags(*slot);
	unsigned now = pg & (pr->keep | ~(unsigned)(PG_WRITE | PG_EXEC | PG_READ | PG_USER));

	if (now == pg)
		return;
	arch_pte_store(slot, relabel(*slot, now & ~(unsigned)(PG_ACCESSED | PG_DIRTY), level));
	flush_leaf(&pr->fl, va, level);
}

/*
 * prot 0 keeps the pages but takes every user access away (PROT_NONE):
 * the leaves lose PG_USER, so a user access faults as a protection fault
 * and the kernel's checked copies refuse them; FL_FAULT_ALLOW gives
 * access back.
 */
long umap_protect(struct task *t, vaddr_t va, size_t len, unsigned prot)
{
	unsigned keep = prot ? PG_READ | PG_USER : 0;
	struct protect pr;
	int err = check_range(va, len);

	if (err)
		return err;
	if (prot & ~(unsigned)(FL_MAP_READ | FL_MAP_WRITE | FL_MAP_EXEC))
		return -EINVAL;
	len = MIN(len, FL_RANGE_MAX);
	err = split_ends(t, va, len);
	if (err)
		return err;
	if (prot & FL_MAP_WRITE)
		keep |= PG_WRITE;
	if (prot & FL_MAP_EXEC)
		keep |= PG_EXEC;
	pr = (struct protect){ keep, flush_for(len) };
	pt_for_each_leaf(t->pt, va, len, protect_leaf, &pr);
	flush_end(&pr.fl);
	return (long)len;
}

/* The leaf mapping page va of t: 0 with *e, -EFAULT (not user space), -ENOENT. */
static int user_leaf(struct task *t, vaddr_t va, pte_t **e)
{
	if (!arch_user_addr_ok(va, PAGE_SIZE))
		return -EFAULT;
	*e = pt_leaf(t->pt, va);
	return *e ? 0 : -ENOENT;
}

/*
 * The PG_* bits FL_MAP_* prot adds to a leaf with pg: those it lacks (0:
 * none, nothing to check), or -EINVAL or -EPERM.
 */
static int allow_pg(uint64_t prot, unsigned pg)
{
	unsigned add = 0;

	if (prot & FL_MAP_WRITE)
		add |= PG_WRITE;
	if (prot & FL_MAP_EXEC)
		add |= PG_EXEC;
	add |= PG_USER;			/* out of a no-access protect */
	add &= ~pg;
	if (!add)
		return 0;
	if ((add & PG_EXEC) && (pg & PG_DEVICE))
		return -EINVAL;
	if (((pg | add) & (PG_WRITE | PG_EXEC)) == (PG_WRITE | PG_EXEC) && !(prot & FL_MAP_WX))
		return -EINVAL;		/* W^X over the rights it would have */
	if ((add & PG_WRITE) && !(pg & PG_MAYWRITE))
		return -EPERM;		/* a read-only frame stays read-only */
	return (int)add;
}

int umap_allow(struct task *t, vaddr_t va, uint64_t prot)
{
	pte_t *e;
	unsigned pg;
	int add, err;

	va = ALIGN_DOWN(va, PAGE_SIZE);
	if (prot & ~(uint64_t)(FL_MAP_READ | FL_MAP_WRITE | FL_MAP_EXEC | FL_MAP_WX))
		return -EINVAL;
	err = user_leaf(t, va, &e);
	if (err)
		return err;
	pg = arch_pte_flags(*e);
	add = allow_pg(prot, pg);
	if (add <= 0)
		return add;		/* refused, or nothing to add */
	err = pt_split(t->pt, va, t->pool);	/* only this page changes */
	if (err)
		return err;
	e = pt_leaf(t->pt, va);
	if (add & PG_EXEC)
		arch_sync_icache(arch_pte_addr(*e), PAGE_SIZE);
	/*
	 * Same frame, same attributes: only the permission bits (x86 RW/NX;
	 * AArch64 AP[2], UXN and the software bits) change. The Arm ARM asks
	 * for break-before-make only when the output address, memory type,
	 * shareability or block size change, so the entry is rewritten in
	 * place. The flush drops the old, narrower TLB entry, which could
	 * fault again: needed when the handler shares the faulter's address
	 * space (a switch between tasks flushes anyway). QEMU refetches an
	 * entry on a permission miss, so a missing flush shows in no test.
	 */
	arch_pte_store(e, relabel(*e, (pg | (unsigned)add) & ~(unsigned)(PG_ACCESSED | PG_DIRTY), 0));
	arch_tlb_flush_page(va);
	return 0;
}

int umap_read_page(struct task *t, vaddr_t va, struct frame *f, size_t page)
{
	paddr_t pa;
	unsigned pg;

	if (page >= f->pages || f->device)
		return -EINVAL;
	if (!arch_user_addr_ok(ALIGN_DOWN(va, PAGE_SIZE), PAGE_SIZE))
		return -EFAULT;
	if (pt_lookup(t->pt, ALIGN_DOWN(va, PAGE_SIZE), &pa, &pg))
		return -ENOENT;
	if (pg & PG_DEVICE)
		return -EINVAL;		/* the direct map is no way to read a device */
	/* through the direct map: the page may be protected to no access */
	arch_copy_page(pa_to_kva(f->pa + page * PAGE_SIZE), pa_to_kva(pa));
	kstat.pages_copied++;
	return 0;
}

/*
 * Copy-on-write in one step: everything that can fail is checked, and the
 * 2 MiB page split, before the copy, so the map after it cannot fail.
 */
int umap_copy_in(struct task *t, vaddr_t va, struct frame *f, size_t page, unsigned prot,
		 unsigned how)
{
	int pg = umap_pg(prot, f), err;
	pte_t *e;

	va = ALIGN_DOWN(va, PAGE_SIZE);
	if (pg < 0)
		return pg;
	if (page >= f->pages || f->device)
		return -EINVAL;
	err = user_leaf(t, va, &e);
	if (err)
		return err;
	if (arch_pte_flags(*e) & PG_DEVICE)
		return -EINVAL;		/* the direct map is no way to read a device */
	err = pt_split(t->pt, va, t->pool);	/* the leaf is then va's 4 KiB page */
	if (err)
		return err;
	e = pt_leaf(t->pt, va);
	/* through the direct map: the source may be protected to no access */
	arch_copy_page(pa_to_kva(f->pa + page * PAGE_SIZE), pa_to_kva(arch_pte_addr(*e)));
	kstat.pages_copied++;
	if (pg & PG_EXEC)		/* before the new entry exists */
		arch_sync_icache(f->pa + page * PAGE_SIZE, PAGE_SIZE);
	kobj_get(&f->obj);		/* first: the old frame may be f itself */
	replace_leaf(e, va, f->pa + page * PAGE_SIZE, (unsigned)pg | (how & UMAP_MAYWRITE));
	return 0;
}

struct copy {
	struct task *dst;
	bool cow;
	int err;
	struct flush fl;	/* of src, write-protected for cow */
	/* the last attributes seen in src (e ^ its address) and what they become */
	pte_t seen, src_attr, dst_attr;
};

/* Pass 1: dst gets the tables for src's runs that map something. */
static void copy_prepare(pte_t *slots, unsigned n, vaddr_t va, unsigned level, void *arg)
{
	struct copy *c = arg;
	pte_t *dst;
	unsigned i = 0;

	if (c->err)
		return;
	if (level) {
		/* a block: a throwaway mapping makes the tables; taken out at once */
		c->err = pt_map(c->dst->pt, va, arch_pte_addr(*slots), LARGE_PAGE_SIZE,
				PG_READ | PG_USER, c->dst->pool);
		if (!c->err)
			pt_unmap(c->dst->pt, va, LARGE_PAGE_SIZE);
		return;
	}
	while (i < n && !arch_pte_valid(slots[i]))
		i++;
	if (i < n)
		c->err = pt_table(c->dst->pt, va, c->dst->pool, true, &dst);
}

/* The flags the copy of a leaf with pg gets (and, with cow, src too). */
static unsigned copy_pg(const struct copy *c, pte_t e)
{
	unsigned pg = arch_pte_flags(e) & ~(unsigned)(PG_ACCESSED | PG_DIRTY | PG_GLOBAL);

	return c->cow ? pg & ~(unsigned)PG_WRITE : pg;
}

/* A block: as a page, through the general map. */
static void copy_block(struct copy *c, pte_t *slot, vaddr_t va)
{
	pte_t e = *slot;
	unsigned pg = copy_pg(c, e);

	if (arch_pte_flags(e) & ~pg & PG_WRITE) {
		arch_pte_store(slot, relabel(e, pg, 1));
		flush_leaf(&c->fl, va, 1);
	}
	pt_map(c->dst->pt, va, arch_pte_addr(e), LARGE_PAGE_SIZE, pg, c->dst->pool);
	kobj_get_n(&page_owner(arch_pte_addr(e))->obj, LEVEL_PAGES(1));
}

/*
 * Pass 2: the same frames in dst, a table at a time; with cow, read-only
 * on both sides. The entries of a run mostly share their attributes: the
 * new ones are worked out when they change, not per page.
 */
static void copy_run(pte_t *slots, unsigned n, vaddr_t va, unsigned level, void *arg)
{
	struct copy *c = arg;
	pte_t *dst = NULL;

	if (level)
		return copy_block(c, slots, va);
	for (unsigned i = 0; i < n; i++) {
		pte_t e = slots[i];
		paddr_t pa;

		if (!arch_pte_valid(e))
			continue;
		pa = arch_pte_addr(e);
		if ((e ^ pa) != c->seen) {
			unsigned pg = copy_pg(c, e);

			c->seen = e ^ pa;
			c->dst_attr = arch_pte_leaf(pa, pg, 0) ^ pa;
			c->src_attr = arch_pte_flags(e) & ~pg & PG_WRITE ?
				      relabel(e, pg, 0) ^ pa : c->seen;
		}
		if (c->src_attr != c->seen) {
			arch_pte_store(&slots[i], pa | c->src_attr);
			flush_leaf(&c->fl, va + i * PAGE_SIZE, 0);
		}
		if (!dst)
			pt_table(c->dst->pt, va, NULL, false, &dst);	/* prepared */
		arch_pte_store(&dst[i], pa | c->dst_attr);
		kobj_get(&page_owner(pa)->obj);
	}
}

static void any_leaf(pte_t *slot, vaddr_t va, unsigned level, void *arg)
{
	(void)slot;
	(void)va;
	(void)level;
	*(bool *)arg = true;
}

long umap_copy(struct task *dst, struct task *src, vaddr_t va, size_t len, unsigned mode)
{
	struct copy c = { dst, mode == FL_COPY_COW, 0, { false, false }, 0, 0, 0 };
	bool busy = false;
	int err = check_range(va, len);

	if (err)
		return err;
	if (mode != FL_COPY_COW && mode != FL_COPY_SHARE)
		return -EINVAL;
	if (dst == src)
		return -EINVAL;
	len = MIN(len, FL_RANGE_MAX);
	pt_for_each_leaf(dst->pt, va, len, any_leaf, &busy);
	if (busy)
		return -EEXIST;
	err = split_ends(src, va, len);
	if (err)
		return err;
	pt_for_each_run(src->pt, va, len, copy_prepare, &c);
	if (c.err) {
		pt_prune_empty(dst->pt, va, len, dst->pool);	/* the tables made for nothing */
		return c.err;
	}
	c.fl = flush_for(len);
	pt_for_each_run(src->pt, va, len, copy_run, &c);
	flush_end(&c.fl);
	return (long)len;
}

long umap_query(struct task *t, vaddr_t va, bool clear)
{
	pte_t *e;
	unsigned pg;
	long r;

	if (!arch_user_addr_ok(va, 1))
		return -EFAULT;
	e = pt_leaf(t->pt, va);
	if (!e)
		return 0;
	pg = arch_pte_flags(*e);
	r = FL_QUERY_PRESENT;
	if (pg & PG_USER)		/* else protected to no access: no rights */
		r |= FL_MAP_READ | (pg & PG_WRITE ? FL_MAP_WRITE : 0) |
		     (pg & PG_EXEC ? FL_MAP_EXEC : 0);
	if (pg & PG_ACCESSED)
		r |= FL_QUERY_ACCESSED;
	if (pg & PG_DIRTY)
		r |= FL_QUERY_DIRTY;
	if (clear && (pg & (PG_ACCESSED | PG_DIRTY))) {
		arch_pte_store(e, arch_pte_clear_ad(*e));
		arch_tlb_flush_page(ALIGN_DOWN(va, PAGE_SIZE));
		arch_tlb_flush_all();	/* a block covers more than the page */
	}
	return r;
}

/*
 * The frames of a run of leaves lose their references, a table at a time.
 * The entries stay: the tables go next (pt_destroy_user), and the flush at
 * the end comes before anything runs in the address space again.
 */
static void release_run(pte_t *slots, unsigned n, vaddr_t va, unsigned level, void *arg)
{
	(void)va;
	*(bool *)arg = true;
	for (unsigned i = 0; i < n; i++)
		if (arch_pte_valid(slots[i]))
			kobj_put_n(&page_owner(arch_pte_addr(slots[i]))->obj, LEVEL_PAGES(level));
}

void umap_destroy(struct task *t)
{
	bool any = false;

	pt_for_each_run(t->pt, 0, 1ul << 47, release_run, &any);
	if (any)
		arch_tlb_flush_all();
}
