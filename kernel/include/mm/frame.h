/*
 * The physical frame allocator: hands out runs of contiguous 4 KiB frames,
 * zeroed. One bit per frame between the lowest and highest free address.
 */
#pragma once

#include <boot.h>

/*
 * Take over the free ranges (sorted, disjoint, page-aligned, as made by
 * memmap_usable). The bitmap is carved out of the first range large
 * enough. Returns 0, or -ENOMEM if no range can hold the bitmap.
 */
int frame_init(const struct mem_range *free, unsigned n);

/* Allocate npages contiguous zeroed frames aligned to align pages (a power of two). */
int frame_alloc(size_t npages, size_t align, paddr_t *pa);
/* Return a run obtained from frame_alloc. Freeing a free frame panics. */
void frame_free(paddr_t pa, size_t npages);

/* Pages zeroed by frame_alloc since boot (a benchmark counter). */
extern uint64_t frame_zeroed;

size_t frame_count_free(void);
size_t frame_count_total(void);	/* frames managed, free or not */
