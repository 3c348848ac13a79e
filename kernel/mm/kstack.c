/*
 * Kernel stacks. Slot i of the stack area is 2 * KSTACK_SIZE bytes: the
 * lower half is never mapped (the guard), the upper half is the stack. A
 * stack pointer is therefore on a stack iff its KSTACK_SIZE bit is set,
 * which AArch64's vector entry checks in one instruction.
 */
#include <errno.h>
#include <kernel.h>
#include <memlayout.h>
#include <mm/frame.h>
#include <mm/kmap.h>
#include <mm/pt.h>

#define SLOT_SIZE	(2 * KSTACK_SIZE)
#define SLOTS		(KSTACK_AREA_SIZE / SLOT_SIZE)

_Static_assert((KSTACK_SIZE & (KSTACK_SIZE - 1)) == 0, "stack size is a power of two");

static uint64_t used[SLOTS / 64];	/* one bit per slot */

static int find_free_slot(void)
{
	for (size_t w = 0; w < SLOTS / 64; w++)
		if (~used[w])
			return (int)(w * 64 + (size_t)__builtin_ctzll(~used[w]));
	return -1;
}

int kstack_alloc(uintptr_t *top)
{
	int slot = find_free_slot();
	vaddr_t stack;
	paddr_t pa;
	int err;

	if (slot < 0)
		return -ENOMEM;
	err = frame_alloc(KSTACK_SIZE / PAGE_SIZE, 1, &pa);
	if (err)
		return err;
	stack = KSTACK_AREA_BASE + (vaddr_t)slot * SLOT_SIZE + KSTACK_SIZE;
	err = pt_map(kernel_pt, stack, pa, KSTACK_SIZE, PG_READ | PG_WRITE | PG_GLOBAL, NULL);
	if (err) {
		frame_free(pa, KSTACK_SIZE / PAGE_SIZE);
		return err;
	}
	used[slot / 64] |= 1ull << (slot % 64);
	*top = stack + KSTACK_SIZE;
	return 0;
}

void kstack_free(uintptr_t top)
{
	vaddr_t stack = top - KSTACK_SIZE;
	size_t slot = (stack - KSTACK_AREA_BASE) / SLOT_SIZE;
	paddr_t pa;

	assert(pt_lookup(kernel_pt, stack, &pa, NULL) == 0);
	assert(pt_unmap(kernel_pt, stack, KSTACK_SIZE) == 0);
	frame_free(pa, KSTACK_SIZE / PAGE_SIZE);
	used[slot / 64] &= ~(1ull << (slot % 64));
}

bool kstack_is_guard(vaddr_t addr)
{
	if (addr < KSTACK_AREA_BASE || addr >= KSTACK_AREA_BASE + KSTACK_AREA_SIZE)
		return false;
	return (addr & KSTACK_SIZE) == 0;
}
