/*
 * Kernel object allocator. Each size class keeps a free list threaded
 * through its free objects; an empty list takes a fresh frame and cuts it
 * into objects. Frames are not returned yet (pools arrive in Kernel III).
 */
#include <kernel.h>
#include <memlayout.h>
#include <mm/frame.h>
#include <mm/kalloc.h>
#include <string.h>

#define MIN_SHIFT	5	/* 32 bytes */
#define CLASSES		(PAGE_SHIFT - MIN_SHIFT + 1)

struct free_obj {
	struct free_obj *next;
};

static struct free_obj *free_list[CLASSES];

static int size_class(size_t size)
{
	int c = 0;

	while (((size_t)1 << (MIN_SHIFT + c)) < size)
		c++;
	return c;
}

static bool refill(int c)
{
	size_t obj = (size_t)1 << (MIN_SHIFT + c);
	uint8_t *page;
	paddr_t pa;

	if (frame_alloc(1, 1, &pa))
		return false;
	page = pa_to_kva(pa);
	for (size_t off = 0; off + obj <= PAGE_SIZE; off += obj) {
		struct free_obj *f = (struct free_obj *)(page + off);

		f->next = free_list[c];
		free_list[c] = f;
	}
	return true;
}

void *kalloc(size_t size)
{
	struct free_obj *f;
	int c;

	if (size == 0 || size > PAGE_SIZE)
		return NULL;
	c = size_class(size);
	if (!free_list[c] && !refill(c))
		return NULL;
	f = free_list[c];
	free_list[c] = f->next;
	memset(f, 0, (size_t)1 << (MIN_SHIFT + c));
	return f;
}

size_t kalloc_size(size_t size)
{
	return (size_t)1 << (MIN_SHIFT + size_class(size));
}

void kfree(void *p, size_t size)
{
	struct free_obj *f = p;
	int c;

	if (!p)
		return;
	assert(size > 0 && size <= PAGE_SIZE);
	c = size_class(size);
	f->next = free_list[c];
	free_list[c] = f;
}
