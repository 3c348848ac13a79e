/*
 * The page-table walker shared by both architectures. Tables are charged
 * to a pool (NULL: the kernel's own, uncharged). Operations that can fail
 * check and allocate everything first, so they fail without changing
 * anything; emptied tables are freed.
 */
#include <errno.h>
#include <kernel.h>
#include <memlayout.h>
#include <mm/frame.h>
#include <mm/pt.h>
#include <pool.h>

#define LEVELS		4
#define ENTRIES		512

paddr_t kernel_pt;

static unsigned index_at(vaddr_t va, unsigned level)
{
	return (va >> (PAGE_SHIFT + 9 * level)) & (ENTRIES - 1);
}

static size_t level_size(unsigned level)
{
	return PAGE_SIZE << (9 * level);
}

static pte_t *table_at(paddr_t pa)
{
	return pa_to_kva(pa);
}

/* The address of entry i of a table at level that starts at base. */
static vaddr_t entry_va(vaddr_t base, unsigned i, unsigned level)
{
	vaddr_t va = base + (vaddr_t)i * level_size(level);

	/* bits 63..48 copy bit 47: the kernel half's addresses */
	return va & (1ul << 47) ? va | 0xffff000000000000ul : va;
}

/*
 * The slot for va at the given level. With alloc, missing tables on the
 * way are allocated (charged to pool); without, a missing table is
 * -ENOENT. A block mapping above the level is -EEXIST.
 */
static int walk(paddr_t root, vaddr_t va, unsigned level, struct pool *alloc, bool may_alloc,
		pte_t **slot)
{
	pte_t *t = table_at(root);

	for (unsigned l = LEVELS - 1; l > level; l--) {
		pte_t *e = &t[index_at(va, l)];

		if (!arch_pte_valid(*e)) {
			paddr_t pa;
			int err;

			if (!may_alloc)
				return -ENOENT;
			err = pool_frame_alloc(alloc, 1, 1, &pa);
			if (err)
				return err;
			arch_pte_store(e, arch_pte_table(pa));
		} else if (arch_pte_leaf_at(*e, l)) {
			return -EEXIST;
		}
		t = table_at(arch_pte_addr(*e));
	}
	*slot = &t[index_at(va, level)];
	return 0;
}

/* The level a chunk of [va, va + size) mapping pa is mapped at. */
static unsigned chunk_level(vaddr_t va, paddr_t pa, size_t size)
{
	return IS_ALIGNED(va | pa, LARGE_PAGE_SIZE) && size >= LARGE_PAGE_SIZE ? 1 : 0;
}

/* Is anything mapped in [va, va + size)? */
static bool any_mapped(paddr_t root, vaddr_t va, size_t size)
{
	for (vaddr_t end = va + size; va < end; va += PAGE_SIZE)
		if (pt_leaf(root, va))
			return true;
	return false;
}

/*
 * One page in one walk (the fault path's and fault-around's case): a
 * table the walk makes can only lead to an empty slot, so -EEXIST never
 * leaves one behind; a pool running dry half-way takes back what it made.
 */
static int map_page(paddr_t root, vaddr_t va, paddr_t pa, unsigned pg, struct pool *pool)
{
	pte_t *slot;
	int err = walk(root, va, 0, pool, true, &slot);

	if (err) {
		pt_prune_empty(root, va, PAGE_SIZE, pool);
		return err;
	}
	if (arch_pte_valid(*slot))
		return -EEXIST;
	arch_pte_store(slot, arch_pte_leaf(pa, pg, 0));
	return 0;
}

int pt_map(paddr_t root, vaddr_t va, paddr_t pa, size_t size, unsigned pg, struct pool *pool)
{
	vaddr_t v;
	paddr_t p;
	size_t left;

	if (!IS_ALIGNED(va | pa | size, PAGE_SIZE) || va + size < va)
		return -EINVAL;
	if (size == PAGE_SIZE)
		return map_page(root, va, pa, pg, pool);
	if (any_mapped(root, va, size))
		return -EEXIST;
	/* first every table, so the stores below cannot fail */
	for (v = va, p = pa, left = size; left;) {
		unsigned level = chunk_level(v, p, left);
		pte_t *slot;
		int err = walk(root, v, level, pool, true, &slot);

		if (err) {
			/* take back the tables made so far: they map nothing */
			pt_prune_empty(root, va, size, pool);
			return err;
		}
		v += level_size(level);
		p += level_size(level);
		left -= level_size(level);
	}
	for (v = va, p = pa, left = size; left;) {
		unsigned level = chunk_level(v, p, left);
		pte_t *slot;

		walk(root, v, level, NULL, false, &slot);
		arch_pte_store(slot, arch_pte_leaf(p, pg, level));
		v += level_size(level);
		p += level_size(level);
		left -= level_size(level);
	}
	return 0;
}

/* The leaf entry mapping va and its level, or NULL. */
static pte_t *find_leaf(paddr_t root, vaddr_t va, unsigned *level)
{
	pte_t *t = table_at(root);

	for (unsigned l = LEVELS - 1;; l--) {
		pte_t *e = &t[index_at(va, l)];

		if (!arch_pte_valid(*e))
			return NULL;
		if (arch_pte_leaf_at(*e, l)) {
			*level = l;
			return e;
		}
		if (l == 0)
			return NULL;
		t = table_at(arch_pte_addr(*e));
	}
}

pte_t *pt_leaf_level(paddr_t root, vaddr_t va, unsigned *level)
{
	return find_leaf(root, va, level);
}

pte_t *pt_leaf(paddr_t root, vaddr_t va)
{
	unsigned level;

	return find_leaf(root, va, &level);
}

int pt_split(paddr_t root, vaddr_t va, struct pool *pool)
{
	unsigned level;
	pte_t *e = find_leaf(root, va, &level), *t, block;
	paddr_t table, pa;
	unsigned pg;
	int err;

	if (!e || level == 0)
		return 0;
	assert(level == 1);
	err = pool_frame_alloc(pool, 1, 1, &table);
	if (err)
		return err;
	block = *e;
	pa = arch_pte_addr(block);
	pg = arch_pte_flags(block);
	t = table_at(table);
	for (unsigned i = 0; i < ENTRIES; i++) {
		t[i] = arch_pte_clear_ad(arch_pte_leaf(pa + i * PAGE_SIZE,
						       pg & ~(PG_ACCESSED | PG_DIRTY), 0));
		if (pg & (PG_ACCESSED | PG_DIRTY))
			t[i] = arch_pte_set_ad(t[i], pg & PG_DIRTY);
	}
	/* break before make: the block goes, the TLB forgets it, the table comes */
	arch_pte_store(e, 0);
	arch_tlb_flush_all();
	arch_pte_store(e, arch_pte_table(table));
	return 0;
}

/* Visit the leaves below table t (at level) within [va, end). */
static void leaves(pte_t *t, unsigned level, vaddr_t base, vaddr_t va, vaddr_t end,
		   pt_leaf_fn fn, void *arg)
{
	for (unsigned i = index_at(va, level); i < ENTRIES; i++) {
		vaddr_t at = entry_va(base, i, level);

		if (at >= end)
			return;
		if (!arch_pte_valid(t[i]))
			continue;
		if (arch_pte_leaf_at(t[i], level))
			fn(&t[i], at, level, arg);
		else
			leaves(table_at(arch_pte_addr(t[i])), level - 1, at, MAX(va, at), end, fn, arg);
	}
}

void pt_for_each_leaf(paddr_t root, vaddr_t va, size_t size, pt_leaf_fn fn, void *arg)
{
	if (size)
		leaves(table_at(root), LEVELS - 1, 0, va, va + size, fn, arg);
}

/* Visit the runs below table t (at level > 0) within [va, end). */
static void runs(pte_t *t, unsigned level, vaddr_t base, vaddr_t va, vaddr_t end,
		 pt_run_fn fn, void *arg)
{
	/* the last entry the range touches: empty entries cost a test, no more */
	unsigned last = end - base > level_size(level) * (ENTRIES - 1) ? ENTRIES - 1 :
			index_at(end - 1, level);

	for (unsigned i = index_at(va, level); i <= last; i++) {
		vaddr_t at, from, to;

		if (!t[i] || !arch_pte_valid(t[i]))	/* a zero entry is never valid */
			continue;
		at = entry_va(base, i, level);
		from = MAX(va, at);
		if (arch_pte_leaf_at(t[i], level)) {
			fn(&t[i], 1, at, level, arg);
		} else if (level > 1) {
			runs(table_at(arch_pte_addr(t[i])), level - 1, at, from, end, fn, arg);
		} else {
			to = end - at < level_size(1) ? end : at + level_size(1);
			fn(&table_at(arch_pte_addr(t[i]))[index_at(from, 0)],
			   (unsigned)((to - from) >> PAGE_SHIFT), from, 0, arg);
		}
	}
}

void pt_for_each_run(paddr_t root, vaddr_t va, size_t size, pt_run_fn fn, void *arg)
{
	if (size)
		runs(table_at(root), LEVELS - 1, 0, va, va + size, fn, arg);
}

int pt_table(paddr_t root, vaddr_t va, struct pool *pool, bool alloc, pte_t **slot)
{
	return walk(root, va, 0, pool, alloc, slot);
}

/* Free table pa (at level) and every table below it: all of them map nothing. */
static void free_subtree(paddr_t pa, unsigned level, struct pool *pool)
{
	pte_t *t = table_at(pa);

	if (level > 0)
		for (unsigned i = 0; i < ENTRIES; i++)
			if (arch_pte_valid(t[i]) && !arch_pte_leaf_at(t[i], level))
				free_subtree(arch_pte_addr(t[i]), level - 1, pool);
	pool_frame_free(pool, pa, 1);
}

/*
 * Free the tables below table t (at level) whose whole span lies in
 * [va, end): they map nothing (the caller made sure). Tables the range
 * only cuts stay, so a small unmap costs a walk, not a scan; they go when
 * a larger unmap covers them or the task ends.
 */
static bool prune(pte_t *t, unsigned level, vaddr_t base, vaddr_t va, vaddr_t end,
		  struct pool *pool)
{
	bool freed = false;

	for (unsigned i = index_at(va, level); i < ENTRIES; i++) {
		vaddr_t at = entry_va(base, i, level);

		if (at >= end)
			break;
		if (level == 0 || !arch_pte_valid(t[i]) || arch_pte_leaf_at(t[i], level))
			continue;
		if (at >= va && end - at >= level_size(level)) {
			paddr_t table = arch_pte_addr(t[i]);

			arch_pte_store(&t[i], 0);
			free_subtree(table, level - 1, pool);
			freed = true;
		} else {
			freed |= prune(table_at(arch_pte_addr(t[i])), level - 1, at, MAX(va, at), end,
				       pool);
		}
	}
	return freed;
}

/*
 * Free every table below t within [va, end) that maps nothing, scanning
 * whole tables: is t itself empty now? For undoing a failed map only.
 */
static bool prune_empty(pte_t *t, unsigned level, vaddr_t base, vaddr_t va, vaddr_t end,
			struct pool *pool)
{
	bool empty = true;

	for (unsigned i = 0; i < ENTRIES; i++) {
		vaddr_t at = entry_va(base, i, level);
		bool inside = at + level_size(level) > va && at < end;

		if (!arch_pte_valid(t[i]))
			continue;
		if (inside && level > 0 && !arch_pte_leaf_at(t[i], level) &&
		    prune_empty(table_at(arch_pte_addr(t[i])), level - 1, at, va, end, pool)) {
			pool_frame_free(pool, arch_pte_addr(t[i]), 1);
			arch_pte_store(&t[i], 0);
			continue;
		}
		empty = false;
	}
	return empty;
}

void pt_prune_empty(paddr_t root, vaddr_t va, size_t size, struct pool *pool)
{
	if (size) {
		prune_empty(table_at(root), LEVELS - 1, 0, va, va + size, pool);
		arch_tlb_flush_all();
	}
}

/*
 * A table goes only when the range covers its whole span, so a range
 * without a whole aligned level-1 entry's span (2 MiB) in it frees none:
 * the walk is skipped (most unmaps: a page, a few pages).
 */
void pt_prune(paddr_t root, vaddr_t va, size_t size, struct pool *pool)
{
	vaddr_t first = ALIGN_UP(va, level_size(1));

	if (!size || first < va || first + level_size(1) > va + size)
		return;
	if (prune(table_at(root), LEVELS - 1, 0, va, va + size, pool))
		arch_tlb_flush_all();	/* walkers may cache the freed tables */
}

static void clear_leaf(pte_t *slot, vaddr_t va, unsigned level, void *arg)
{
	(void)level;
	(void)arg;
	arch_pte_store(slot, 0);
	arch_tlb_flush_page(va);
}

int pt_unmap(paddr_t root, vaddr_t va, size_t size)
{
	if (!IS_ALIGNED(va | size, PAGE_SIZE) || va + size < va)
		return -EINVAL;
	/* a block cut by the range's ends cannot be unmapped in part here */
	for (vaddr_t v = va; v < va + size; v += PAGE_SIZE) {
		unsigned level;
		pte_t *e = find_leaf(root, v, &level);

		if (e && level > 0 && (!IS_ALIGNED(v, level_size(level)) ||
				       va + size - v < level_size(level)))
			return -EINVAL;
		if (e && level > 0)
			v += level_size(level) - PAGE_SIZE;
	}
	pt_for_each_leaf(root, va, size, clear_leaf, NULL);
	return 0;
}

int pt_lookup(paddr_t root, vaddr_t va, paddr_t *pa, unsigned *pg)
{
	unsigned level;
	pte_t *e = find_leaf(root, va, &level);

	if (!e)
		return -ENOENT;
	if (pa)
		*pa = arch_pte_addr(*e) + (va & (level_size(level) - 1));
	if (pg)
		*pg = arch_pte_flags(*e);
	return 0;
}

/* Free the tables below entry e at level (e is a table entry). */
static void free_tables(pte_t e, unsigned level, struct pool *pool)
{
	pte_t *t = table_at(arch_pte_addr(e));

	if (level > 1)
		for (unsigned i = 0; i < ENTRIES; i++)
			if (t[i] && arch_pte_valid(t[i]) && !arch_pte_leaf_at(t[i], level - 1))
				free_tables(t[i], level - 1, pool);
	pool_frame_free(pool, arch_pte_addr(e), 1);
}

void pt_destroy_user(paddr_t root, struct pool *pool)
{
	pte_t *t = table_at(root);

	for (unsigned i = 0; i < ENTRIES / 2; i++) {
		if (arch_pte_valid(t[i]))
			free_tables(t[i], LEVELS - 1, pool);
		arch_pte_store(&t[i], 0);
	}
	arch_tlb_flush_all();
}
