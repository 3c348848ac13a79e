/*
 * Which boot-info device is which virtio device: no device access, so
 * the pager can pick the disk it hands the fs server with the same code
 * the driver uses (docs/virtio.md).
 */
#include <stddef.h>
#include <faultline/bootinfo.h>

#include "transport.h"
#include "virtio_blk.h"

#define VIRTIO_PCI_VENDOR	0x1af4
#define VIRTIO_PCI_DEVICE_BASE	0x1040	/* 4.1.2.1: 0x1040 + device type */

/*
 * The slot's physical address. Slots share pages (0x200 apart), and the
 * boot info gives the page as the region; the kernel names the slot by
 * its address ("virtio-mmio@a003e00"). 0 if the name is not that.
 */
uint64_t virtio_mmio_slot(const struct fl_bootinfo_device *d)
{
	static const char prefix[] = "virtio-mmio@";
	uint64_t pa = 0;
	unsigned i = 0, digits = 0;

	for (; prefix[i]; i++)
		if (d->name[i] != prefix[i])
			return 0;
	for (; i < sizeof(d->name) && d->name[i]; i++, digits++) {
		char c = d->name[i];
		unsigned x = c >= '0' && c <= '9' ? (unsigned)(c - '0') :
			     c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10) : 16;

		if (x == 16 || digits >= 16)
			return 0;
		pa = pa << 4 | x;
	}
	return i < sizeof(d->name) ? pa : 0;
}

int virtio_mmio_match(const struct fl_bootinfo_device *d, unsigned type)
{
	return d->config < 0 && d->device == type && virtio_mmio_slot(d) != 0;
}

int virtio_pci_match(const struct fl_bootinfo_device *d, unsigned type)
{
	return d->config >= 0 && d->vendor == VIRTIO_PCI_VENDOR &&
	       d->device == VIRTIO_PCI_DEVICE_BASE + type;
}

const struct fl_bootinfo_device *vblk_find(const struct fl_bootinfo *boot)
{
	const struct fl_bootinfo_device *d =
		(const void *)((const char *)boot + boot->devices_offset);

	for (uint32_t i = 0; i < boot->device_count; i++)
		if (virtio_pci_match(&d[i], VIRTIO_ID_BLOCK) ||
		    virtio_mmio_match(&d[i], VIRTIO_ID_BLOCK))
			return &d[i];
	return NULL;
}
