/*
 * The generic page-table walker over the arch's entry encoding (arch.h).
 * Four levels, 512 entries each: level 3 is the root, level 0 holds 4 KiB
 * pages, level 1 may hold 2 MiB blocks.
 */
#pragma once

#include <arch.h>

/*
 * Map [va, va + size) to [pa, pa + size) with PG_* flags, using 2 MiB
 * blocks where both addresses and the size allow. Tables are allocated
 * as needed. -EINVAL for unaligned arguments, -EEXIST if something is
 * already mapped there, -ENOMEM if a table cannot be allocated (what was
 * mapped before the failure stays mapped).
 */
int pt_map(paddr_t root, vaddr_t va, paddr_t pa, size_t size, unsigned pg);

/*
 * Unmap every page in [va, va + size) and flush it from the TLB. Holes are
 * skipped. -EINVAL if the range is unaligned or cuts a 2 MiB block.
 */
int pt_unmap(paddr_t root, vaddr_t va, size_t size);

/* Translate va: 0 with *pa and *pg (either may be NULL), or -ENOENT. */
int pt_lookup(paddr_t root, vaddr_t va, paddr_t *pa, unsigned *pg);

/*
 * Free every page table of the user half of root (not the root itself, and
 * not the frames the leaves map) and flush the TLB.
 */
void pt_destroy_user(paddr_t root);

/* The kernel's page table, set by kmap_init(). */
extern paddr_t kernel_pt;
