/*
 * What newlib's root-task layer (libsys/newlib/root.c) offers a root task
 * such as the pager: the boot-info block and its eagerly mapped heap.
 */
#pragma once

#include <stddef.h>
#include <faultline/bootinfo.h>

extern const struct fl_bootinfo *fl_boot;

size_t fl_heap_pages(void);		/* mapped so far; never given back */
size_t fl_heap_reserve_used(void);	/* of them, pages from the emergency reserve */
/* Take at most pages from the pool, then the reserve (how a test reaches it). */
void fl_heap_limit(size_t pages);
