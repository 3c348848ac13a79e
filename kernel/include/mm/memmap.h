/* Turning the boot loader's memory map into page-aligned free ranges. */
#pragma once

#include <boot.h>

/*
 * Usable RAM: the RAM ranges shrunk to whole pages, minus the reserved
 * ranges grown to whole pages, sorted and merged. Returns the number of
 * ranges written to out, or -ERANGE if more than max would be needed.
 */
int memmap_usable(const struct mem_range *ram, unsigned nram,
		  const struct mem_range *reserved, unsigned nreserved,
		  struct mem_range *out, unsigned max);

/* Sum of the sizes. */
uint64_t memmap_total(const struct mem_range *r, unsigned n);
