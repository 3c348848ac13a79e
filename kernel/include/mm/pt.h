/*
 * The generic page-table walker over the arch's entry encoding (arch.h).
 * Four levels, 512 entries each: level 3 is the root, level 0 holds 4 KiB
 * pages, level 1 may hold 2 MiB blocks.
 */
#pragma once

#include <arch.h>

struct pool;

/*
 * Map [va, va + size) to [pa, pa + size) with PG_* flags, using 2 MiB
 * blocks where both addresses and the size allow. Tables are allocated
 * first, charged to pool (NULL: the kernel's own). -EINVAL for unaligned
 * arguments, -EEXIST if something is mapped there already, -ENOMEM if a
 * table cannot be had: then nothing changed.
 */
int pt_map(paddr_t root, vaddr_t va, paddr_t pa, size_t size, unsigned pg, struct pool *pool);

/*
 * Unmap every page in [va, va + size) and flush it from the TLB. Holes are
 * skipped; the tables stay (pt_prune frees them). -EINVAL if the range is
 * unaligned or cuts a 2 MiB block (pt_split it first).
 */
int pt_unmap(paddr_t root, vaddr_t va, size_t size);

/* Turn a 2 MiB block containing va (if any) into 512 pages: 0 or -ENOMEM. */
int pt_split(paddr_t root, vaddr_t va, struct pool *pool);

/* Call fn for every present leaf in [va, va + size) (blocks whole). */
typedef void (*pt_leaf_fn)(pte_t *slot, vaddr_t va, unsigned level, void *arg);
void pt_for_each_leaf(paddr_t root, vaddr_t va, size_t size, pt_leaf_fn fn, void *arg);

/*
 * Call fn for every run of entries in [va, va + size) that one last-level
 * table holds (slots[0..n) map n pages from va; present or not) and for
 * every 2 MiB block (n = 1, level 1): one call per table, not per page.
 */
typedef void (*pt_run_fn)(pte_t *slots, unsigned n, vaddr_t va, unsigned level, void *arg);
void pt_for_each_run(paddr_t root, vaddr_t va, size_t size, pt_run_fn fn, void *arg);

/*
 * The last-level slot for page va, with alloc making the tables on the
 * way (charged to pool): 0, -ENOENT (no table, without alloc), -EEXIST (a
 * block maps va), -ENOMEM.
 */
int pt_table(paddr_t root, vaddr_t va, struct pool *pool, bool alloc, pte_t **slot);

/*
 * Free the tables whose whole span lies in [va, va + size), back to pool;
 * the range must map nothing (after an unmap, or a failed map).
 */
void pt_prune(paddr_t root, vaddr_t va, size_t size, struct pool *pool);

/* Free every table within [va, va + size) that maps nothing (scans whole tables: rollback only). */
void pt_prune_empty(paddr_t root, vaddr_t va, size_t size, struct pool *pool);

/* The leaf entry mapping va (a page or block), or NULL. */
pte_t *pt_leaf(paddr_t root, vaddr_t va);
/* The same, with the level of the leaf in *level (0: a 4 KiB page). */
pte_t *pt_leaf_level(paddr_t root, vaddr_t va, unsigned *level);

/* Translate va: 0 with *pa and *pg (either may be NULL), or -ENOENT. */
int pt_lookup(paddr_t root, vaddr_t va, paddr_t *pa, unsigned *pg);

/*
 * Free every page table of the user half of root to pool (not the root
 * itself, and not the frames the leaves map: drop those first) and flush
 * the TLB.
 */
void pt_destroy_user(paddr_t root, struct pool *pool);

/* The kernel's page table, set by kmap_init(). */
extern paddr_t kernel_pt;
