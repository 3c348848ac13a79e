/*
 * Which frame object each physical page belongs to, so that unmapping a
 * page can drop the reference its mapping held. One pointer per page of
 * RAM (reserved ranges included: the bootfs is a frame too); device
 * memory outside RAM goes in a short list.
 */
#include <errno.h>
#include <frameobj.h>
#include <kernel.h>
#include <memlayout.h>
#include <mm/frame.h>

#define DEVICE_FRAMES_MAX	32

struct frame **page_owners;
paddr_t page_owners_base;
size_t page_owners_pages;
static struct frame *devices[DEVICE_FRAMES_MAX];

int page_owner_init(const struct mem_range *ram, unsigned nram)
{
	paddr_t lo = ~0ul, hi = 0, pa;
	size_t bytes;
	int err;

	for (unsigned i = 0; i < nram; i++) {
		lo = MIN(lo, ALIGN_DOWN(ram[i].base, PAGE_SIZE));
		hi = MAX(hi, ALIGN_UP(ram[i].base + ram[i].size, PAGE_SIZE));
	}
	page_owners_base = lo;
	page_owners_pages = (hi - lo) >> PAGE_SHIFT;
	bytes = ALIGN_UP(page_owners_pages * sizeof(*page_owners), PAGE_SIZE);
	err = frame_alloc(bytes >> PAGE_SHIFT, 1, &pa);	/* zeroed */
	if (err)
		return err;
	page_owners = pa_to_kva(pa);
	return 0;
}

static bool in_ram(paddr_t pa)
{
	return pa >= page_owners_base && ((pa - page_owners_base) >> PAGE_SHIFT) < page_owners_pages;
}

struct frame *page_owner_device(paddr_t pa)
{
	for (int i = 0; i < DEVICE_FRAMES_MAX; i++)
		if (devices[i] && pa >= devices[i]->pa &&
		    pa < devices[i]->pa + devices[i]->pages * PAGE_SIZE)
			return devices[i];
	return NULL;
}

int page_owner_set(paddr_t pa, size_t pages, struct frame *f)
{
	if (in_ram(pa)) {
		struct frame **at = &page_owners[(pa - page_owners_base) >> PAGE_SHIFT];

		for (size_t i = 0; i < pages; i++)
			at[i] = f;
		return 0;
	}
	for (int i = 0; i < DEVICE_FRAMES_MAX; i++) {
		if (f && !devices[i]) {
			devices[i] = f;
			return 0;
		}
		if (!f && devices[i] == page_owner(pa)) {
			devices[i] = NULL;
			return 0;
		}
	}
	return f ? -ENOMEM : 0;
}
