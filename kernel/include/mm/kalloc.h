/* Small kernel objects: power-of-two size classes carved from frames. */
#pragma once

#include <types.h>

/* A zeroed object of size bytes (at most a page), or NULL when out of memory. */
void *kalloc(size_t size);
/* Return an object; size must be what it was allocated with. */
void kfree(void *p, size_t size);
/* The memory a kalloc of size bytes really takes (its size class). */
size_t kalloc_size(size_t size);
