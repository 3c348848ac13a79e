/*
 * The devices handed to the root task (arch_devices): QEMU virt's
 * virtio-mmio transports. bootinfo.c records every "virtio,mmio" DTB node
 * with status okay (reg, interrupts); arch_map_devices() maps their pages
 * uncached in the direct map; arch_devices() reads each slot's identity
 * registers and lists the slots that have a device behind them.
 *
 * virt has 32 slots of 0x200 bytes at 0x0a000000..0x0a003fff, so eight
 * slots share each 4 KiB page: a device's page-rounded region also covers
 * its neighbours' registers (docs/arch-aarch64.md, "Devices").
 */
#include <arch.h>
#include <arch/mmio.h>
#include <arch/platform.h>
#include <errno.h>
#include <kernel.h>
#include <memlayout.h>
#include <mm/pt.h>
#include <string.h>

#define VIRTIO_MMIO_MAGIC_VALUE	0x000
#define VIRTIO_MMIO_VERSION	0x004
#define VIRTIO_MMIO_DEVICE_ID	0x008
#define VIRTIO_MMIO_VENDOR_ID	0x00c
#define VIRTIO_MMIO_REGS_MIN	0x100	/* the registers up to the config space */
#define VIRTIO_MAGIC		0x74726976u	/* "virt" little-endian */
#define VIRTIO_MMIO_SIZE_MAX	0x10000		/* virt's are 0x200: more is a bad DTB */

struct virtio_slot {
	paddr_t base;		/* as in the DTB (not page-aligned) */
	uint64_t size;
	unsigned intid;		/* GIC INTID, or ~0u */
};

static struct virtio_slot slots[VIRTIO_MMIO_SLOTS_MAX];
static unsigned nslots;

void devices_add_virtio_mmio(paddr_t base, uint64_t size, unsigned intid)
{
	if (nslots == VIRTIO_MMIO_SLOTS_MAX) {
		kprintf("aarch64: more than %u virtio-mmio nodes, %#lx ignored\n",
			VIRTIO_MMIO_SLOTS_MAX, (unsigned long)base);
		return;
	}
	/* Too small for the registers read below, too large, unaligned (Device
	 * memory faults on that) or beyond the direct map: a bad DTB. */
	if (size < VIRTIO_MMIO_REGS_MIN || size > VIRTIO_MMIO_SIZE_MAX || !IS_ALIGNED(base, 4) ||
	    base > DIRECT_MAP_SIZE - VIRTIO_MMIO_SIZE_MAX - PAGE_SIZE) {
		kprintf("aarch64: virtio-mmio %#lx of %#lx bytes ignored\n",
			(unsigned long)base, (unsigned long)size);
		return;
	}
	slots[nslots++] = (struct virtio_slot){ base, size, intid };
}

static paddr_t slot_page(const struct virtio_slot *s)
{
	return ALIGN_DOWN(s->base, PAGE_SIZE);
}

static uint64_t slot_pages_size(const struct virtio_slot *s)
{
	return ALIGN_UP(s->base + s->size, PAGE_SIZE) - slot_page(s);
}

/* From arch_map_devices(): each slot's pages, Device-nGnRE, once each. */
void devices_map(paddr_t root)
{
	for (unsigned i = 0; i < nslots; i++) {
		paddr_t pa = slot_page(&slots[i]), end = pa + slot_pages_size(&slots[i]);

		for (; pa < end; pa += PAGE_SIZE) {
			vaddr_t va = (vaddr_t)pa_to_kva(pa);
			int err;

			if (pt_leaf(root, va))
				continue;	/* a neighbour slot's page, or the UART/GIC's */
			err = pt_map(root, va, pa, PAGE_SIZE,
				     PG_READ | PG_WRITE | PG_DEVICE | PG_GLOBAL, NULL);
			if (err)
				boot_fail("mapping virtio-mmio page %#lx: %s", (unsigned long)pa,
					  errno_name(err));
		}
	}
}

static uint32_t slot_read(const struct virtio_slot *s, unsigned reg)
{
	return mmio_read32((uintptr_t)pa_to_kva(s->base) + reg);
}

/*
 * A slot is listed if its MagicValue is "virt", its Version 1 (legacy)
 * or 2 (virtio 1.x) and its DeviceID non-zero (0: no device plugged in).
 */
int arch_devices(struct arch_device *out, int max)
{
	int n = 0;

	for (unsigned i = 0; i < nslots && n < max; i++) {
		const struct virtio_slot *s = &slots[i];
		struct arch_device *d = &out[n];
		uint32_t version, device_id;

		if (slot_read(s, VIRTIO_MMIO_MAGIC_VALUE) != VIRTIO_MAGIC)
			continue;
		version = slot_read(s, VIRTIO_MMIO_VERSION);
		device_id = slot_read(s, VIRTIO_MMIO_DEVICE_ID);
		if ((version != 1 && version != 2) || device_id == 0)
			continue;
		memset(d, 0, sizeof(*d));
		ksnprintf(d->name, sizeof(d->name), "virtio-mmio@%lx", (unsigned long)s->base);
		d->vendor = slot_read(s, VIRTIO_MMIO_VENDOR_ID);
		d->device = device_id;
		d->class_code = 0;
		d->irq_line = s->intid != ~0u && irqchip_line_ok(s->intid) ? s->intid : ~0u;
		d->nirq = d->irq_line != ~0u;
		d->nmmio = 1;
		d->mmio[0].base = slot_page(s);
		d->mmio[0].size = slot_pages_size(s);
		n++;
	}
	return n;
}
