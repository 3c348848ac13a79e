/*
 * The virtio-mmio transport, version 2 (virtio 1.1, 4.2.2): on virt,
 * with QEMU's -global virtio-mmio.force-legacy=off. The legacy version 1
 * layout is refused.
 */
#include <faultline/abi.h>

#include "transport.h"

#define MMIO_MAGIC		0x000	/* "virt" */
#define MMIO_VERSION		0x004
#define MMIO_DEVICE_ID		0x008
#define MMIO_DEVICE_FEATURES	0x010
#define MMIO_DEVICE_FEATURES_SEL 0x014
#define MMIO_DRIVER_FEATURES	0x020
#define MMIO_DRIVER_FEATURES_SEL 0x024
#define MMIO_QUEUE_SEL		0x030
#define MMIO_QUEUE_NUM_MAX	0x034
#define MMIO_QUEUE_NUM		0x038
#define MMIO_QUEUE_READY	0x044
#define MMIO_QUEUE_NOTIFY	0x050
#define MMIO_INTERRUPT_STATUS	0x060
#define MMIO_INTERRUPT_ACK	0x064
#define MMIO_STATUS		0x070
#define MMIO_QUEUE_DESC_LOW	0x080
#define MMIO_QUEUE_DESC_HIGH	0x084
#define MMIO_QUEUE_DRIVER_LOW	0x090
#define MMIO_QUEUE_DRIVER_HIGH	0x094
#define MMIO_QUEUE_DEVICE_LOW	0x0a0
#define MMIO_QUEUE_DEVICE_HIGH	0x0a4
#define MMIO_CONFIG_GENERATION	0x0fc
#define MMIO_CONFIG		0x100
#define MMIO_SLOT_SIZE		0x200	/* QEMU virt's slots: config up to 0x200 */

#define VIRT_MAGIC		0x74726976u

static uint32_t rd(struct virtio_dev *v, unsigned reg)
{
	__sync_synchronize();
	return *(volatile uint32_t *)(v->regs + reg);
}

static void wr(struct virtio_dev *v, unsigned reg, uint32_t val)
{
	__sync_synchronize();
	*(volatile uint32_t *)(v->regs + reg) = val;
	__sync_synchronize();
}

static uint8_t get_status(struct virtio_dev *v)
{
	return (uint8_t)rd(v, MMIO_STATUS);
}

static void set_status(struct virtio_dev *v, uint8_t s)
{
	wr(v, MMIO_STATUS, s);
}

static uint64_t features(struct virtio_dev *v)
{
	uint64_t f;

	wr(v, MMIO_DEVICE_FEATURES_SEL, 0);
	f = rd(v, MMIO_DEVICE_FEATURES);
	wr(v, MMIO_DEVICE_FEATURES_SEL, 1);
	return f | (uint64_t)rd(v, MMIO_DEVICE_FEATURES) << 32;
}

static void set_features(struct virtio_dev *v, uint64_t f)
{
	wr(v, MMIO_DRIVER_FEATURES_SEL, 0);
	wr(v, MMIO_DRIVER_FEATURES, (uint32_t)f);
	wr(v, MMIO_DRIVER_FEATURES_SEL, 1);
	wr(v, MMIO_DRIVER_FEATURES, (uint32_t)(f >> 32));
}

static unsigned queue_max(struct virtio_dev *v, unsigned q)
{
	wr(v, MMIO_QUEUE_SEL, q);
	if (rd(v, MMIO_QUEUE_READY))
		return 0;	/* 4.2.3.2: must not be in use already */
	return rd(v, MMIO_QUEUE_NUM_MAX);
}

static int queue_setup(struct virtio_dev *v, unsigned q, unsigned size, uint64_t desc,
		       uint64_t avail, uint64_t used)
{
	wr(v, MMIO_QUEUE_SEL, q);
	wr(v, MMIO_QUEUE_NUM, size);
	wr(v, MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
	wr(v, MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
	wr(v, MMIO_QUEUE_DRIVER_LOW, (uint32_t)avail);
	wr(v, MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(avail >> 32));
	wr(v, MMIO_QUEUE_DEVICE_LOW, (uint32_t)used);
	wr(v, MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(used >> 32));
	wr(v, MMIO_QUEUE_READY, 1);
	return rd(v, MMIO_QUEUE_READY) == 1 ? 0 : -EIO;
}

static void notify(struct virtio_dev *v, unsigned q)
{
	wr(v, MMIO_QUEUE_NOTIFY, q);
}

/* 4.2.3.4: the interrupt line stays up until its status bits are acknowledged */
static uint32_t irq_status(struct virtio_dev *v)
{
	uint32_t s = rd(v, MMIO_INTERRUPT_STATUS);

	if (s)
		wr(v, MMIO_INTERRUPT_ACK, s);
	return s;
}

static uint32_t config_generation(struct virtio_dev *v)
{
	return rd(v, MMIO_CONFIG_GENERATION);
}

static uint32_t config32(struct virtio_dev *v, unsigned off)
{
	return rd(v, MMIO_CONFIG + off);
}

static const struct virtio_ops mmio_ops = {
	get_status, set_status, features, set_features, queue_max, queue_setup,
	notify, irq_status, config_generation, config32,
};

int virtio_mmio_open(struct virtio_dev *v, const struct fl_bootinfo_device *d, uintptr_t va)
{
	uint64_t pa = virtio_mmio_slot(d);

	if (d->nmmio != 1 || pa < d->mmio_base[0] || (pa & (MMIO_SLOT_SIZE - 1)) ||
	    pa + MMIO_SLOT_SIZE > d->mmio_base[0] + d->mmio_size[0] ||
	    d->mmio_size[0] > VIRTIO_REGION_STRIDE)
		return -ENODEV;
	if (d->nirq != 1 || d->irqs[0] < 0)
		return -ENODEV;
	v->ops = &mmio_ops;
	v->bi = d;
	v->regs = (volatile uint8_t *)(va + VIRTIO_REGION_VA) + (pa - d->mmio_base[0]);
	v->config_len = MMIO_SLOT_SIZE - MMIO_CONFIG;
	v->irq = d->irqs[0];
	if (rd(v, MMIO_MAGIC) != VIRT_MAGIC || rd(v, MMIO_DEVICE_ID) != d->device)
		return -ENODEV;
	if (rd(v, MMIO_VERSION) != 2)
		return -ENODEV;	/* legacy: QEMU needs virtio-mmio.force-legacy=off */
	return 0;
}
