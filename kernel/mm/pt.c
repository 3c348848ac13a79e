/* The page-table walker shared by both architectures. */
#include <errno.h>
#include <kernel.h>
#include <memlayout.h>
#include <mm/frame.h>
#include <mm/pt.h>

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

/*
 * The slot for va at the given level. With alloc, missing tables on the
 * way are allocated; without, a missing table is -ENOENT. A block mapping
 * above the level is -EEXIST.
 */
static int walk(paddr_t root, vaddr_t va, unsigned level, bool alloc, pte_t **slot)
{
	pte_t *t = table_at(root);

	for (unsigned l = LEVELS - 1; l > level; l--) {
		pte_t *e = &t[index_at(va, l)];

		if (!arch_pte_valid(*e)) {
			paddr_t pa;
			int err;

			if (!alloc)
				return -ENOENT;
			err = frame_alloc(1, 1, &pa);
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

int pt_map(paddr_t root, vaddr_t va, paddr_t pa, size_t size, unsigned pg)
{
	if (!IS_ALIGNED(va | pa | size, PAGE_SIZE) || va + size < va)
		return -EINVAL;
	while (size) {
		unsigned level = IS_ALIGNED(va | pa, LARGE_PAGE_SIZE) &&
				 size >= LARGE_PAGE_SIZE ? 1 : 0;
		pte_t *slot;
		int err = walk(root, va, level, true, &slot);

		if (err)
			return err;
		if (arch_pte_valid(*slot))
			return -EEXIST;
		arch_pte_store(slot, arch_pte_leaf(pa, pg, level));
		va += level_size(level);
		pa += level_size(level);
		size -= level_size(level);
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

int pt_unmap(paddr_t root, vaddr_t va, size_t size)
{
	if (!IS_ALIGNED(va | size, PAGE_SIZE) || va + size < va)
		return -EINVAL;
	while (size) {
		unsigned level;
		pte_t *e = find_leaf(root, va, &level);
		size_t step = PAGE_SIZE;

		if (e) {
			step = level_size(level);
			if (!IS_ALIGNED(va, step) || size < step)
				return -EINVAL;
			arch_pte_store(e, 0);
			arch_tlb_flush_page(va);
		}
		va += step;
		size -= step;
	}
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
static void free_tables(pte_t e, unsigned level)
{
	pte_t *t = table_at(arch_pte_addr(e));

	if (level > 1)
		for (unsigned i = 0; i < ENTRIES; i++)
			if (arch_pte_valid(t[i]) && !arch_pte_leaf_at(t[i], level - 1))
				free_tables(t[i], level - 1);
	frame_free(arch_pte_addr(e), 1);
}

void pt_destroy_user(paddr_t root)
{
	pte_t *t = table_at(root);

	for (unsigned i = 0; i < ENTRIES / 2; i++) {
		if (arch_pte_valid(t[i]))
			free_tables(t[i], LEVELS - 1);
		arch_pte_store(&t[i], 0);
	}
	arch_tlb_flush_all();
}
