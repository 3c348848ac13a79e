/*
 * The two questions about an entry the portable page-table walks ask for
 * every page, inline (kernel/include/arch.h); the rest of the encoding is
 * in arch/aarch64/mmu.c and arch/mmu.h.
 */
#pragma once

#define PTE_ADDR_MASK	0x0000fffffffff000ul

static inline bool arch_pte_valid(pte_t pte)
{
	return pte & 1;		/* PTE_VALID (arch/mmu.h) */
}

static inline paddr_t arch_pte_addr(pte_t pte)
{
	return pte & PTE_ADDR_MASK;
}

/* A page (last level) or block, not a table: PTE_TABLE and PTE_BLOCK of arch/mmu.h. */
static inline bool arch_pte_leaf_at(pte_t pte, unsigned level)
{
	if (level == 0)
		return (pte & 3) == 3;
	return (pte & 3) == 1;
}
