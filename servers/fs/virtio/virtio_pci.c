/*
 * The virtio-pci transport, modern interface only (virtio 1.1, 4.1): on
 * q35 with QEMU's disable-legacy=on. The kernel enumerated the function,
 * gave its memory BARs as regions, its MSI-X table entries as irqs and
 * its configuration space as a read-only frame, and turned on MSI-X and
 * bus mastering; the driver finds its structures through the virtio
 * vendor capabilities (4.1.4) and points queue 0 at an MSI-X entry.
 */
#include <stddef.h>

#include <faultline/abi.h>

#include "transport.h"
#include "virtio_pci.h"

/* PCI configuration space */
#define PCI_STATUS		0x06
#define PCI_STATUS_CAP_LIST	0x10
#define PCI_BAR0		0x10
#define PCI_CAP_PTR		0x34

/* struct virtio_pci_cap (4.1.4) */
#define VCAP_CFG_TYPE		3
#define VCAP_BAR		4
#define VCAP_OFFSET		8
#define VCAP_LENGTH		12

#define NO_VECTOR		0xffff

static void barrier(void)
{
	__sync_synchronize();
}

uint32_t pci_cfg32(const struct pci_view *p, unsigned off)
{
	return *(volatile uint32_t *)(p->cfg + off);
}

volatile uint8_t *pci_bar_va(const struct pci_view *p, unsigned bar, uint32_t off, uint32_t len)
{
	const struct fl_bootinfo_device *d = p->dev;
	uint32_t lo;
	uint64_t pa;

	if (bar >= 6)
		return NULL;
	lo = pci_cfg32(p, PCI_BAR0 + 4 * bar);
	if (lo & 1)
		return NULL;		/* an I/O BAR */
	pa = lo & ~0xfu;
	if ((lo & 6) == 4 && bar < 5)
		pa |= (uint64_t)pci_cfg32(p, PCI_BAR0 + 4 * bar + 4) << 32;
	pa += off;
	for (unsigned j = 0; j < d->nmmio && j < 6; j++)
		if (pa >= d->mmio_base[j] && pa + len <= d->mmio_base[j] + d->mmio_size[j] &&
		    pa + len >= pa && d->mmio_size[j] <= p->stride)
			return (volatile uint8_t *)(p->regions + j * p->stride) +
			       (pa - d->mmio_base[j]);
	return NULL;
}

unsigned pci_next_cap(const struct pci_view *p, unsigned off, unsigned id)
{
	unsigned n = 0;

	if (!(p->cfg[PCI_STATUS] & PCI_STATUS_CAP_LIST))
		return 0;
	off = off ? p->cfg[off + 1] & 0xfc : p->cfg[PCI_CAP_PTR] & 0xfc;
	for (; off >= 0x40 && n < 48; off = p->cfg[off + 1] & 0xfc, n++)
		if (p->cfg[off] == id)
			return off;
	return 0;
}

volatile uint8_t *virtio_pci_find(const struct pci_view *p, unsigned type, uint32_t min,
				  unsigned *cap, uint32_t *len)
{
	for (unsigned c = pci_next_cap(p, 0, PCI_CAP_ID_VENDOR); c;
	     c = pci_next_cap(p, c, PCI_CAP_ID_VENDOR)) {
		uint32_t n = pci_cfg32(p, c + VCAP_LENGTH);
		volatile uint8_t *s;

		if (p->cfg[c + VCAP_CFG_TYPE] != type || n < min)
			continue;
		s = pci_bar_va(p, p->cfg[c + VCAP_BAR], pci_cfg32(p, c + VCAP_OFFSET), n);
		if (!s)
			continue;
		*cap = c;
		*len = n;
		return s;
	}
	return NULL;
}

static uint8_t get_status(struct virtio_dev *v)
{
	barrier();
	return v->common->device_status;
}

static void set_status(struct virtio_dev *v, uint8_t s)
{
	barrier();
	v->common->device_status = s;
	barrier();
}

static uint64_t features(struct virtio_dev *v)
{
	uint64_t f;

	v->common->device_feature_select = 0;
	barrier();
	f = v->common->device_feature;
	v->common->device_feature_select = 1;
	barrier();
	return f | (uint64_t)v->common->device_feature << 32;
}

static void set_features(struct virtio_dev *v, uint64_t f)
{
	v->common->driver_feature_select = 0;
	barrier();
	v->common->driver_feature = (uint32_t)f;
	v->common->driver_feature_select = 1;
	barrier();
	v->common->driver_feature = (uint32_t)(f >> 32);
	barrier();
}

static unsigned queue_max(struct virtio_dev *v, unsigned q)
{
	if (q >= v->common->num_queues)
		return 0;
	v->common->queue_select = (uint16_t)q;
	barrier();
	return v->common->queue_enable ? 0 : v->common->queue_size;
}

static int queue_setup(struct virtio_dev *v, unsigned q, unsigned size, uint64_t desc,
		       uint64_t avail, uint64_t used)
{
	volatile struct virtio_pci_common *c = v->common;

	c->msix_config = NO_VECTOR;
	c->queue_select = (uint16_t)q;
	barrier();
	c->queue_size = (uint16_t)size;
	c->queue_desc_lo = (uint32_t)desc;
	c->queue_desc_hi = (uint32_t)(desc >> 32);
	c->queue_driver_lo = (uint32_t)avail;
	c->queue_driver_hi = (uint32_t)(avail >> 32);
	c->queue_device_lo = (uint32_t)used;
	c->queue_device_hi = (uint32_t)(used >> 32);
	c->queue_msix_vector = (uint16_t)v->queue_vector;
	barrier();
	/* 4.1.5.1.2: the device answers NO_VECTOR if it could not take it */
	if (c->queue_msix_vector != v->queue_vector)
		return -EIO;
	v->notify_off = c->queue_notify_off;
	if ((uint64_t)v->notify_off * v->notify_mult + 2 > v->notify_len)
		return -EIO;	/* the doorbell would be outside the notify structure */
	c->queue_enable = 1;
	barrier();
	return 0;
}

static void notify(struct virtio_dev *v, unsigned q)
{
	barrier();
	/* 4.1.4.4: queue_notify_off * notify_off_multiplier from the notify structure */
	*(volatile uint16_t *)(v->notify_base + (uint32_t)v->notify_off * v->notify_mult) =
		(uint16_t)q;
	barrier();
}

/* With MSI-X the ISR status is not needed (4.1.4.5); reading it clears it. */
static uint32_t irq_status(struct virtio_dev *v)
{
	barrier();
	return *v->isr;
}

static uint32_t config_generation(struct virtio_dev *v)
{
	barrier();
	return v->common->config_generation;
}

static uint32_t config32(struct virtio_dev *v, unsigned off)
{
	barrier();
	return *(volatile uint32_t *)(v->device_cfg + off);
}

static const struct virtio_ops pci_ops = {
	get_status, set_status, features, set_features, queue_max, queue_setup,
	notify, irq_status, config_generation, config32,
};

int virtio_pci_open(struct virtio_dev *v, const struct fl_bootinfo_device *d, uintptr_t va)
{
	struct pci_view *p = &v->pci;
	unsigned cap, ncap;
	uint32_t len, nlen;

	v->ops = &pci_ops;
	v->bi = d;
	*p = (struct pci_view){ d, (volatile uint8_t *)(va + VIRTIO_CFG_VA),
				va + VIRTIO_REGION_VA, VIRTIO_REGION_STRIDE };
	v->common = (volatile struct virtio_pci_common *)virtio_pci_find(
		p, VIRTIO_PCI_CAP_COMMON, sizeof(struct virtio_pci_common), &cap, &len);
	v->notify_base = virtio_pci_find(p, VIRTIO_PCI_CAP_NOTIFY, 2, &ncap, &nlen);
	v->isr = virtio_pci_find(p, VIRTIO_PCI_CAP_ISR, 1, &cap, &len);
	v->device_cfg = virtio_pci_find(p, VIRTIO_PCI_CAP_DEVICE, 4, &cap, &len);
	if (!v->common || !v->notify_base || !v->isr || !v->device_cfg)
		return -ENODEV;
	v->notify_mult = pci_cfg32(p, ncap + VCAP_NOTIFY_MULT);
	v->notify_len = nlen;
	v->config_len = len;
	/* entry 0 is left for configuration changes: queue 0 on entry 1 if there is one */
	if (d->nirq == 0)
		return -ENODEV;	/* no MSI-X: no interrupts this driver can take */
	v->queue_vector = d->nirq >= 2 ? 1 : 0;
	v->irq = d->irqs[v->queue_vector];
	if (v->irq < 0)
		return -ENODEV;
	return 0;
}
