/*
 * The two questions about an entry the portable page-table walks ask for
 * every page, inline (kernel/include/arch.h); the rest of the encoding is
 * in arch/x86/mmu.c.
 */
#pragma once

#define PTE_P		(1ul << 0)
#define PTE_PS		(1ul << 7)	/* above the last level: a large page, not a table */
#define PTE_ADDR	0x000ffffffffff000ul

static inline bool arch_pte_valid(pte_t pte)
{
	return pte & PTE_P;
}

static inline paddr_t arch_pte_addr(pte_t pte)
{
	return pte & PTE_ADDR;
}

/* A page or large page at level, not a table. */
static inline bool arch_pte_leaf_at(pte_t pte, unsigned level)
{
	if (!(pte & PTE_P))
		return false;
	if (level == 0)
		return true;
	return level < 3 && (pte & PTE_PS);
}
