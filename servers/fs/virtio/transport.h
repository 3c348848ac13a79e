/*
 * A virtio 1.x transport: the few operations the driver needs, behind one
 * table, so the ring (virtq.c) and the device driver (virtio_blk.c) are
 * the same on virtio-mmio (virt) and virtio-pci (q35). Which transport a
 * device uses follows from its boot-info entry: PCI functions have a
 * configuration-space handle, virtio-mmio slots do not.
 */
#pragma once

#include <stdint.h>

#include <faultline/bootinfo.h>

#include "virtio_pci.h"

/* device status bits (virtio 1.1, 2.1) */
#define VIRTIO_STATUS_ACKNOWLEDGE	1
#define VIRTIO_STATUS_DRIVER		2
#define VIRTIO_STATUS_DRIVER_OK		4
#define VIRTIO_STATUS_FEATURES_OK	8
#define VIRTIO_STATUS_FAILED		128

#define VIRTIO_F_VERSION_1		32	/* feature bit (6) */

struct virtio_dev;

struct virtio_ops {
	uint8_t (*get_status)(struct virtio_dev *v);
	void (*set_status)(struct virtio_dev *v, uint8_t status);
	uint64_t (*features)(struct virtio_dev *v);		/* the device's */
	void (*set_features)(struct virtio_dev *v, uint64_t f);	/* the driver's */
	unsigned (*queue_max)(struct virtio_dev *v, unsigned q);	/* 0: no queue */
	/* give queue q of size entries its three parts and enable it: 0 or -errno */
	int (*queue_setup)(struct virtio_dev *v, unsigned q, unsigned size, uint64_t desc,
			   uint64_t avail, uint64_t used);
	void (*notify)(struct virtio_dev *v, unsigned q);
	/* after an interrupt: read and acknowledge the device's interrupt status */
	uint32_t (*irq_status)(struct virtio_dev *v);
	uint32_t (*config_generation)(struct virtio_dev *v);
	uint32_t (*config32)(struct virtio_dev *v, unsigned off);	/* device config */
};

struct virtio_dev {
	const struct virtio_ops *ops;
	const struct fl_bootinfo_device *bi;
	unsigned config_len;		/* bytes of device config the transport can reach */
	int irq;			/* the queue's irq handle */
	/* virtio-mmio */
	volatile uint8_t *regs;
	/* virtio-pci */
	struct pci_view pci;		/* configuration space and BARs */
	volatile struct virtio_pci_common *common;
	volatile uint8_t *notify_base;
	uint32_t notify_mult;
	uint32_t notify_len;		/* bytes of the notify structure */
	volatile uint8_t *isr;
	volatile uint8_t *device_cfg;
	unsigned queue_vector;		/* MSI-X table entry of queue 0 */
	uint16_t notify_off;
};

/*
 * Where a device's registers go: its regions are mapped at
 * va + VIRTIO_REGION_VA + j * VIRTIO_REGION_STRIDE, PCI configuration
 * space at va + VIRTIO_CFG_VA.
 */
#define VIRTIO_CFG_VA		0x10000ul
#define VIRTIO_REGION_VA	0x100000ul
#define VIRTIO_REGION_STRIDE	0x100000ul
#define VIRTIO_VA_SIZE		(VIRTIO_REGION_VA + 6 * VIRTIO_REGION_STRIDE)

#define VIRTIO_ID_BLOCK		2	/* device type (5) */

/* virtio_find.c: a virtio-mmio slot's physical address from its name, 0 if none. */
uint64_t virtio_mmio_slot(const struct fl_bootinfo_device *d);
/* Is d a virtio-mmio slot / virtio-pci function with this device type? */
int virtio_mmio_match(const struct fl_bootinfo_device *d, unsigned type);
int virtio_pci_match(const struct fl_bootinfo_device *d, unsigned type);

/* Set up v for d, whose regions are mapped as above: 0 or -errno. */
int virtio_mmio_open(struct virtio_dev *v, const struct fl_bootinfo_device *d, uintptr_t va);
int virtio_pci_open(struct virtio_dev *v, const struct fl_bootinfo_device *d, uintptr_t va);
