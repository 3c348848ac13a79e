/*
 * Reading a PCI function the kernel enumerated: its configuration space
 * (a read-only frame) and its memory BARs (the boot info's regions), and
 * the virtio vendor capabilities there (virtio 1.1, 4.1.4). Shared by the
 * virtio-pci transport and bin/vrng.
 */
#pragma once

#include <stdint.h>

#include <faultline/bootinfo.h>

#define PCI_CAP_ID_MSIX		0x11
#define PCI_CAP_ID_VENDOR	0x09

/* virtio_pci_cap.cfg_type (4.1.4) */
#define VIRTIO_PCI_CAP_COMMON	1
#define VIRTIO_PCI_CAP_NOTIFY	2
#define VIRTIO_PCI_CAP_ISR	3
#define VIRTIO_PCI_CAP_DEVICE	4
#define VCAP_NOTIFY_MULT	16	/* struct virtio_pci_notify_cap's multiplier */

/* struct virtio_pci_common_cfg (4.1.4.3) */
struct virtio_pci_common {
	uint32_t device_feature_select, device_feature;
	uint32_t driver_feature_select, driver_feature;
	uint16_t msix_config, num_queues;
	uint8_t device_status, config_generation;
	uint16_t queue_select, queue_size, queue_msix_vector, queue_enable, queue_notify_off;
	uint32_t queue_desc_lo, queue_desc_hi;
	uint32_t queue_driver_lo, queue_driver_hi;
	uint32_t queue_device_lo, queue_device_hi;
};

/* Where a function is mapped in this task. */
struct pci_view {
	const struct fl_bootinfo_device *dev;
	volatile uint8_t *cfg;		/* its configuration space */
	uintptr_t regions;		/* region j at regions + j * stride */
	uintptr_t stride;
};

uint32_t pci_cfg32(const struct pci_view *p, unsigned off);

/* Where offset off of memory BAR bar is mapped, if len bytes there are; or NULL. */
volatile uint8_t *pci_bar_va(const struct pci_view *p, unsigned bar, uint32_t off, uint32_t len);

/* The offset of the next capability with id after off (0: the first), or 0. */
unsigned pci_next_cap(const struct pci_view *p, unsigned off, unsigned id);

/*
 * The structure the first virtio capability of cfg_type type points at,
 * if it is mapped and at least min bytes long; its capability's offset
 * in *cap and its length in *len. NULL if there is none.
 */
volatile uint8_t *virtio_pci_find(const struct pci_view *p, unsigned type, uint32_t min,
				  unsigned *cap, uint32_t *len);
