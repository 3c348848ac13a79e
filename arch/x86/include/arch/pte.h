/*
 * The two questions about an entry the portable page-table walks ask for
 * every page, inline (kernel/include/arch.h); the rest of the encoding is
 * in arch/x86/mmu.c.
 */
#pragma once

#define PTE_P		(1ul << 0)
#define PTE_ADDR	0x000ffffffffff000ul

static inline bool arch_pte_valid(pte_t pte)
{
	return pte & PTE_P;
}

static inline paddr_t arch_pte_addr(pte_t pte)
{
	return pte & PTE_ADDR;
}
