/*
 * The kernel's virtual memory layout, the same on x86_64 and AArch64
 * (both: 4 KiB pages, four levels of 512 entries, 48-bit addresses).
 *
 *   0x0000000000000000 .. 0x00007fffffffffff   user
 *   0xffff800000000000 .. +512 GiB             direct map of physical memory
 *   0xffffff0000000000 .. +1 GiB               kernel stacks, each below a guard page
 *   0xffffffff80000000 + pa                    the kernel image, mapped at its load address
 */
#pragma once

#include <types.h>

#define PAGE_SHIFT		12
#define PAGE_SIZE		(1ul << PAGE_SHIFT)
#define LARGE_PAGE_SIZE		(1ul << 21)	/* 2 MiB */

#define DIRECT_MAP_BASE		0xffff800000000000ul
#define DIRECT_MAP_SIZE		(512ul << 30)
#define KSTACK_AREA_BASE	0xffffff0000000000ul
#define KSTACK_AREA_SIZE	(1ul << 30)
#define KERNEL_IMAGE_BASE	0xffffffff80000000ul

#define KSTACK_SIZE		(16 * 1024ul)

static inline void *pa_to_kva(paddr_t pa)
{
	return (void *)(pa + DIRECT_MAP_BASE);
}

/* Physical address of a direct-map or kernel-image address. */
static inline paddr_t kva_to_pa(const void *va)
{
	vaddr_t v = (vaddr_t)va;

	if (v >= KERNEL_IMAGE_BASE)
		return v - KERNEL_IMAGE_BASE;
	return v - DIRECT_MAP_BASE;
}
