/*
 * Host-test stand-in for kernel/include/memlayout.h: "physical memory" is
 * a buffer the test allocates, so pa_to_kva is an offset into it.
 */
#pragma once

#include <stdint.h>

typedef uint64_t paddr_t;
typedef uint64_t vaddr_t;

#define PAGE_SHIFT		12
#define PAGE_SIZE		(1ul << PAGE_SHIFT)
#define LARGE_PAGE_SIZE		(1ul << 21)
#define KSTACK_SIZE		(16 * 1024ul)

extern uint8_t *test_phys;	/* physical address 0 */

static inline void *pa_to_kva(paddr_t pa)
{
	return test_phys + pa;
}
