/* Host tests: kernel/include/arch.h's inline entry tests, for code that includes arch.h. */
#pragma once

static inline bool arch_pte_valid(pte_t pte)
{
	return pte & 1;
}

static inline paddr_t arch_pte_addr(pte_t pte)
{
	return pte & 0x000ffffffffff000ul;
}
