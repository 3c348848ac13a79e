/* The kernel's own address space. */
#pragma once

#include <boot.h>

/*
 * Build the kernel page table and switch to it: the image with W^X (text
 * RX, rodata R, data RW), all RAM in the direct map (RW, never X; the
 * image's text and rodata read-only there too) and the arch's devices.
 */
int kmap_init(const struct mem_range *ram, unsigned nram);

/*
 * A kernel stack of KSTACK_SIZE below an unmapped guard of the same size;
 * returns its top in *top. -ENOMEM when out of frames or slots.
 */
int kstack_alloc(uintptr_t *top);

/* Unmap and free a stack from kstack_alloc, given its top. */
void kstack_free(uintptr_t top);

/* Is addr in the guard area of some kernel stack? */
bool kstack_is_guard(vaddr_t addr);
