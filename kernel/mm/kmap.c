/* Kernel page tables: the image with W^X, the direct map, devices. */
#include <arch.h>
#include <errno.h>
#include <kernel.h>
#include <memlayout.h>
#include <mm/frame.h>
#include <mm/kmap.h>
#include <mm/pt.h>

static int map_image_part(paddr_t root, vaddr_t start, vaddr_t end, unsigned pg)
{
	start = ALIGN_DOWN(start, PAGE_SIZE);
	end = ALIGN_UP(end, PAGE_SIZE);
	return pt_map(root, start, kva_to_pa((void *)start), end - start, pg | PG_GLOBAL, NULL);
}

/* Direct-map [base, end) minus the image's read-only part [ro_start, ro_end). */
static int map_direct(paddr_t root, paddr_t base, paddr_t end,
		      paddr_t ro_start, paddr_t ro_end)
{
	const unsigned rw = PG_READ | PG_WRITE | PG_GLOBAL;
	paddr_t cut_lo = MAX(base, ro_start), cut_hi = MIN(end, ro_end);
	int err;

	if (cut_lo >= cut_hi)
		return pt_map(root, (vaddr_t)pa_to_kva(base), base, end - base, rw, NULL);
	if (base < cut_lo && (err = pt_map(root, (vaddr_t)pa_to_kva(base), base, cut_lo - base, rw, NULL)))
		return err;
	err = pt_map(root, (vaddr_t)pa_to_kva(cut_lo), cut_lo, cut_hi - cut_lo, PG_READ | PG_GLOBAL, NULL);
	if (err)
		return err;
	if (cut_hi < end)
		return pt_map(root, (vaddr_t)pa_to_kva(cut_hi), cut_hi, end - cut_hi, rw, NULL);
	return 0;
}

int kmap_init(const struct mem_range *ram, unsigned nram)
{
	struct kernel_sections ks;
	paddr_t root, ro_start, ro_end;
	int err;

	err = frame_alloc(1, 1, &root);
	if (err)
		return err;
	arch_kernel_sections(&ks);
	if ((err = map_image_part(root, ks.text_start, ks.text_end, PG_READ | PG_EXEC)) ||
	    (err = map_image_part(root, ks.rodata_start, ks.rodata_end, PG_READ)) ||
	    (err = map_image_part(root, ks.data_start, ks.data_end, PG_READ | PG_WRITE)))
		return err;

	ro_start = kva_to_pa((void *)ALIGN_DOWN(ks.text_start, PAGE_SIZE));
	ro_end = kva_to_pa((void *)ALIGN_UP(ks.rodata_end, PAGE_SIZE));
	for (unsigned i = 0; i < nram; i++) {
		paddr_t base = ALIGN_UP(ram[i].base, PAGE_SIZE);
		paddr_t end = ALIGN_DOWN(ram[i].base + ram[i].size, PAGE_SIZE);

		if (end > DIRECT_MAP_SIZE)
			end = DIRECT_MAP_SIZE;
		if (base < end && (err = map_direct(root, base, end, ro_start, ro_end)))
			return err;
	}
	arch_map_devices(root);
	arch_pt_activate(root);
	kernel_pt = root;
	return 0;
}
