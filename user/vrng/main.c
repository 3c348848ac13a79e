/*
 * MSI-X from user mode (q35 only): a minimal driver for a virtio 1.x
 * entropy device (QEMU -device virtio-rng-pci,disable-legacy=on), run as
 * the root task, whose interrupts are the device's MSI-X vectors.
 *
 * It finds the function in the boot info, maps its configuration space
 * (read-only) and BARs, reads the virtio vendor capabilities to find the
 * common, notify and device structures, negotiates VIRTIO_F_VERSION_1,
 * sets up queue 0 in a frame whose physical address it learns with
 * frame_phys, and points the queue at MSI-X table entry 1. Then:
 *
 *   - a request completed before irq_bind leaves the message pending in
 *     the device (PBA bit set, entry masked) and it arrives at the bind;
 *   - each request completed afterwards raises the interrupt once, the
 *     kernel masks the entry, and nothing more arrives until irq_ack;
 *   - a request completed while masked arrives right after irq_ack;
 *   - irq_bind / irq_ack refuse what they should on an MSI-X irq.
 *
 * Every wait is bounded: a watchdog thread signals a tick bit every
 * TICK_MS, and a wait gives up after WAIT_TICKS ticks without the
 * interrupt, so a lost interrupt fails the test rather than hanging it.
 *
 * Virtio facts used (virtio 1.1, 4.1.4): capability cfg_type 1 common,
 * 2 notify (followed by notify_off_multiplier), 3 ISR, 4 device-specific;
 * the virtio-rng device id is 0x1040 + 4. The capability walk is shared
 * with the virtio-blk driver (servers/fs/virtio/virtio_pci.h).
 */
#include "ktest.h"
#include "virtio_pci.h"

#define VIRTIO_VENDOR		0x1af4
#define VIRTIO_RNG_DEVICE	0x1044

#define CFG_VA			0x40000000ul	/* configuration space, read-only */
#define BAR_VA			0x41000000ul	/* region j at BAR_VA + j * BAR_STRIDE */
#define BAR_STRIDE		0x01000000ul
#define RING_VA			0x48000000ul	/* the queue (page 0) and buffers (page 1) */

#define IRQ_BIT			1ull
#define TICK_BIT		2ull
#define TICK_MS			50
#define WAIT_TICKS		40		/* 2 s without the interrupt: lost */

/* PCI configuration space */
#define PCI_COMMAND		0x04
#define PCI_COMMAND_MASTER	0x4

/* the common configuration structure (struct virtio_pci_common_cfg) */
#define virtio_common virtio_pci_common

#define STATUS_ACKNOWLEDGE	1
#define STATUS_DRIVER		2
#define STATUS_DRIVER_OK	4
#define STATUS_FEATURES_OK	8
#define VIRTIO_F_VERSION_1_HI	1u		/* feature bit 32: bit 0 of word 1 */
#define NO_VECTOR		0xffff
#define QUEUE_VECTOR		1		/* MSI-X table entry of queue 0 */

/* the split virtqueue (virtio 1.1, 2.6) */
#define QSIZE			8
#define DESC_F_WRITE		2
#define AVAIL_OFF		0x100
#define USED_OFF		0x200
#define BUF_OFF			0x1000
#define BUF_LEN			64

struct vq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

struct vq_avail {
	uint16_t flags, idx, ring[QSIZE];
};

struct vq_used {
	uint16_t flags, idx;
	struct {
		uint32_t id, len;
	} ring[QSIZE];
};

static const struct fl_bootinfo_device *dev;
static volatile uint8_t *cfg;			/* configuration space */
static struct pci_view pci;			/* it and the BARs, for virtio_pci.h */
static volatile struct virtio_common *common;
static volatile uint16_t *notify;		/* queue 0's doorbell */
static volatile uint64_t *pba;			/* MSI-X pending bits */
static struct vq_desc *desc;
static volatile struct vq_avail *avail;
static volatile struct vq_used *used;
static uint64_t ring_pa;
static long ntfn;
static uint16_t posted;

static void barrier(void)
{
	__sync_synchronize();
}

static uint32_t cfg32(unsigned off)
{
	return pci_cfg32(&pci, off);
}

/* ---- bounded waiting ------------------------------------------------------ */

static void watchdog(void *arg)
{
	(void)arg;
	for (;;) {
		sleep_ms(TICK_MS);
		fl_signal((int)ntfn, TICK_BIT);
	}
}

/* Wait for the interrupt: true if it came within WAIT_TICKS ticks. */
static bool wait_irq(void)
{
	for (unsigned ticks = 0; ticks < WAIT_TICKS;) {
		long bits = fl_wait((int)ntfn);

		if (bits < 0)
			return false;
		if (bits & IRQ_BIT)
			return true;
		ticks++;
	}
	return false;
}

/* Has the interrupt come (without waiting)? Ticks are dropped. */
static bool irq_came(void)
{
	return fl_poll((int)ntfn) & IRQ_BIT;
}

/* Wait (bounded) until the device has used every posted buffer. */
static bool wait_used(void)
{
	for (unsigned i = 0; i < WAIT_TICKS; i++) {
		barrier();
		if (used->idx == posted)
			return true;
		sleep_ms(TICK_MS);
	}
	return false;
}

/* ---- the device ----------------------------------------------------------- */

static const struct fl_bootinfo_device *find_device(void)
{
	const struct fl_bootinfo_device *d =
		(const void *)((const char *)boot + boot->devices_offset);

	for (uint32_t i = 0; i < boot->device_count; i++)
		if (d[i].vendor == VIRTIO_VENDOR && d[i].device == VIRTIO_RNG_DEVICE)
			return &d[i];
	return NULL;
}

static const char *map_device(void)
{
	long r = fl_map(boot->self_task, CFG_VA, dev->config, 0, 1, FL_MAP_READ);

	if (r)
		return FAIL("map config space: %ld", r);
	cfg = (volatile uint8_t *)CFG_VA;
	pci = (struct pci_view){ dev, cfg, BAR_VA, BAR_STRIDE };
	for (unsigned j = 0; j < dev->nmmio; j++) {
		if (dev->mmio_size[j] > BAR_STRIDE)
			return FAIL("region %u too large", j);
		r = fl_map(boot->self_task, BAR_VA + j * BAR_STRIDE, dev->mmio[j], 0,
			   dev->mmio_size[j] / 4096, FL_MAP_READ | FL_MAP_WRITE);
		if (r)
			return FAIL("map region %u: %ld", j, r);
	}
	return NULL;
}

/* Negotiate VIRTIO_F_VERSION_1 only. */
static const char *negotiate(void)
{
	common->device_status = 0;
	barrier();
	if (common->device_status != 0)
		return "the device does not reset";
	common->device_status = STATUS_ACKNOWLEDGE;
	common->device_status = STATUS_ACKNOWLEDGE | STATUS_DRIVER;
	common->device_feature_select = 1;
	barrier();
	if (!(common->device_feature & VIRTIO_F_VERSION_1_HI))
		return "no VIRTIO_F_VERSION_1";
	common->driver_feature_select = 0;
	common->driver_feature = 0;
	common->driver_feature_select = 1;
	common->driver_feature = VIRTIO_F_VERSION_1_HI;
	common->device_status = STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK;
	barrier();
	if (!(common->device_status & STATUS_FEATURES_OK))
		return "FEATURES_OK not accepted";
	return NULL;
}

/* Queue 0 in a fresh two-page frame, on MSI-X entry QUEUE_VECTOR. */
static const char *setup_queue(void)
{
	long frame = fl_frame_alloc(boot->pool, 2), pa, r;

	if (frame < 0)
		return FAIL("frame_alloc: %ld", frame);
	pa = fl_frame_phys((int)frame);
	if (pa <= 0)
		return FAIL("frame_phys: %ld (the system pool should pass FL_RIGHT_PHYS on)", pa);
	r = fl_map(boot->self_task, RING_VA, (int)frame, 0, 2, FL_MAP_READ | FL_MAP_WRITE);
	if (r)
		return FAIL("map the ring: %ld", r);
	ring_pa = (uint64_t)pa;
	desc = (struct vq_desc *)RING_VA;
	avail = (volatile struct vq_avail *)(RING_VA + AVAIL_OFF);
	used = (volatile struct vq_used *)(RING_VA + USED_OFF);
	common->msix_config = NO_VECTOR;
	common->queue_select = 0;
	barrier();
	if (common->queue_size < QSIZE)
		return FAIL("queue 0 has %u entries", common->queue_size);
	common->queue_size = QSIZE;
	common->queue_desc_lo = (uint32_t)ring_pa;
	common->queue_desc_hi = (uint32_t)(ring_pa >> 32);
	common->queue_driver_lo = (uint32_t)(ring_pa + AVAIL_OFF);
	common->queue_driver_hi = (uint32_t)((ring_pa + AVAIL_OFF) >> 32);
	common->queue_device_lo = (uint32_t)(ring_pa + USED_OFF);
	common->queue_device_hi = (uint32_t)((ring_pa + USED_OFF) >> 32);
	common->queue_msix_vector = QUEUE_VECTOR;
	barrier();
	if (common->queue_msix_vector != QUEUE_VECTOR)
		return FAIL("queue_msix_vector reads %#x", common->queue_msix_vector);
	common->queue_enable = 1;
	common->device_status = STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK |
				STATUS_DRIVER_OK;
	return NULL;
}

/* Offer one BUF_LEN buffer (the next of the buffer page) and ring the doorbell. */
static void post(void)
{
	unsigned slot = posted % QSIZE;

	desc[slot] = (struct vq_desc){ ring_pa + BUF_OFF + slot * BUF_LEN, BUF_LEN,
				       DESC_F_WRITE, 0 };
	avail->ring[slot] = (uint16_t)slot;
	barrier();
	avail->idx = ++posted;
	barrier();
	*notify = 0;
}

/* The last used buffer has bytes in it, and not all zeros. */
static const char *check_used(void)
{
	unsigned slot = (uint16_t)(posted - 1) % QSIZE;
	const uint8_t *b = (const uint8_t *)(RING_VA + BUF_OFF + slot * BUF_LEN);
	unsigned or = 0;

	barrier();
	if (used->idx != posted)
		return FAIL("used index %u, %u posted", used->idx, posted);
	if (used->ring[slot].id != slot || used->ring[slot].len == 0 ||
	    used->ring[slot].len > BUF_LEN)
		return FAIL("used entry: id %u, len %u", used->ring[slot].id, used->ring[slot].len);
	for (unsigned i = 0; i < used->ring[slot].len; i++)
		or |= b[i];
	return or ? NULL : "the device wrote only zeros";
}

/* Is the queue's entry pending in the device's PBA? */
static bool pending(void)
{
	barrier();
	return (*pba >> QUEUE_VECTOR) & 1;
}

/* ---- the cases ---------------------------------------------------------- */

static const char *msix_irqs_listed(void)
{
	if (dev->nirq != 2)
		return FAIL("%u irqs, QEMU's virtio-rng-pci has 2 MSI-X vectors", dev->nirq);
	if (dev->irq != dev->irqs[0] || dev->irqs[0] < 0 || dev->irqs[1] < 0 ||
	    dev->irqs[0] == dev->irqs[1])
		return FAIL("irq %d, irqs %d %d", dev->irq, dev->irqs[0], dev->irqs[1]);
	for (unsigned i = 2; i < FL_DEVICE_IRQS; i++)
		if (dev->irqs[i] != -1)
			return FAIL("irqs[%u] is %d", i, dev->irqs[i]);
	if (dev->config < 0 || dev->config_base == 0)
		return FAIL("config handle %d at %#lx", dev->config,
			    (unsigned long)dev->config_base);
	return NULL;
}

static const char *config_space_read_only(void)
{
	long r = fl_map(boot->self_task, CFG_VA + 0x100000, dev->config, 0, 1,
			FL_MAP_READ | FL_MAP_WRITE);

	if (r != -EPERM)
		return FAIL("a writable mapping of config space: %ld", r);
	r = fl_frame_phys(dev->config);
	return r == -EPERM ? NULL : FAIL("frame_phys of config space: %ld", r);
}

static const char *msix_enabled(void)
{
	unsigned c = pci_next_cap(&pci, 0, PCI_CAP_ID_MSIX);
	uint32_t head, pba_reg;
	volatile uint8_t *b;

	if (!c)
		return "no MSI-X capability in config space";
	head = cfg32(c);
	if (((head >> 16) & 0x7ff) + 1 != dev->nirq)
		return FAIL("table size %u", ((head >> 16) & 0x7ff) + 1);
	if (!(head & (0x8000u << 16)) || (head & (0x4000u << 16)))
		return FAIL("message control %#x: not enabled, or function masked", head >> 16);
	if (!(cfg32(PCI_COMMAND) & PCI_COMMAND_MASTER))
		return "bus mastering is off";
	pba_reg = cfg32(c + 8);
	b = pci_bar_va(&pci, pba_reg & 7, pba_reg & ~7u, 8);
	if (!b)
		return "the PBA's BAR is not mapped";
	pba = (volatile uint64_t *)b;
	return NULL;
}

static const char *virtio_setup(void)
{
	unsigned cap, ncap;
	uint32_t len;
	const char *why;
	volatile uint8_t *nbase;

	common = (volatile struct virtio_common *)virtio_pci_find(
		&pci, VIRTIO_PCI_CAP_COMMON, sizeof(struct virtio_common), &cap, &len);
	nbase = virtio_pci_find(&pci, VIRTIO_PCI_CAP_NOTIFY, 2, &ncap, &len);
	if (!common || !nbase)
		return "no common or notify structure";
	if ((why = negotiate()) || (why = setup_queue()))
		return why;
	notify = (volatile uint16_t *)(nbase + common->queue_notify_off *
						cfg32(ncap + VCAP_NOTIFY_MULT));
	return NULL;
}

static const char *errors_on_msix_irq(void)
{
	long ro = fl_handle_dup(dev->irqs[0], FL_RIGHT_READ), a, b, c, d;

	a = fl_irq_ack(dev->irqs[0]);
	b = fl_irq_bind(dev->irqs[0], (int)ntfn, 0);
	c = fl_irq_bind((int)ro, (int)ntfn, IRQ_BIT);
	d = fl_irq_ack((int)ro);
	fl_handle_close((int)ro);
	if (a != -EINVAL || b != -EINVAL || c != -EPERM || d != -EPERM)
		return FAIL("ack unbound %ld, bind bits 0 %ld, bind read-only %ld, "
			    "ack read-only %ld", a, b, c, d);
	return NULL;
}

static const char *pending_before_bind(void)
{
	const char *why;
	long r;

	post();
	if (!wait_used())
		return "the device never used the buffer";
	if ((why = check_used()))
		return why;
	if (!pending())
		return "no pending bit while the entry is masked (unbound)";
	r = fl_irq_bind(dev->irqs[QUEUE_VECTOR], (int)ntfn, IRQ_BIT);
	if (r)
		return FAIL("irq_bind: %ld", r);
	if (!wait_irq())
		return "the pending interrupt did not arrive at irq_bind";
	if (pending())
		return "still pending after delivery";
	return fl_irq_ack(dev->irqs[QUEUE_VECTOR]) ? "irq_ack failed" : NULL;
}

static const char *interrupt_per_request(void)
{
	for (int round = 0; round < 4; round++) {
		const char *why;

		post();
		if (!wait_irq())
			return FAIL("round %d: no interrupt within %d ms", round,
				    WAIT_TICKS * TICK_MS);
		if ((why = check_used()))
			return why;
		if (fl_irq_ack(dev->irqs[QUEUE_VECTOR]))
			return "irq_ack failed";
	}
	return NULL;
}

static const char *masked_until_ack(void)
{
	const char *why;

	post();
	if (!wait_irq())
		return "no interrupt";
	/* now masked by the kernel: a second completion must wait */
	post();
	if (!wait_used())
		return "the device never used the second buffer";
	if ((why = check_used()))
		return why;
	sleep_ms(2 * TICK_MS);
	if (irq_came())
		return "an interrupt came through the kernel's mask";
	if (!pending())
		return "no pending bit while masked";
	if (fl_irq_ack(dev->irqs[QUEUE_VECTOR]))
		return "irq_ack failed";
	if (!wait_irq())
		return "the pending interrupt did not arrive after irq_ack";
	return fl_irq_ack(dev->irqs[QUEUE_VECTOR]) ? "irq_ack failed" : NULL;
}

static const struct kt_case cases[] = {
	{ "vrng: two MSI-X irqs and config space in the boot info", msix_irqs_listed },
	{ "vrng: config space is read-only, no physical address", config_space_read_only },
	{ "vrng: MSI-X and bus mastering enabled by the kernel", msix_enabled },
	{ "vrng: virtio 1 negotiated, queue 0 on MSI-X entry 1", virtio_setup },
	{ "vrng: irq_bind and irq_ack errors on an MSI-X irq", errors_on_msix_irq },
	{ "vrng: a completion before irq_bind is pending, delivered at bind",
	  pending_before_bind },
	{ "vrng: one interrupt per request, acknowledged", interrupt_per_request },
	{ "vrng: masked after it fires until irq_ack, then the pending one arrives",
	  masked_until_ack },
};

int main(const struct fl_bootinfo *bi)
{
	int n = (int)(sizeof(cases) / sizeof(cases[0]));
	const char *why;

	boot = bi;
	kt_plan(1, n);
	dev = find_device();
	ntfn = fl_notification_create();
	why = !dev ? "no virtio-rng-pci (1af4:1044) in the boot info" :
	      ntfn < 0 ? "notification_create failed" :
	      spawn(MAIN_PRIORITY + 1, watchdog, NULL) < 0 ? "no watchdog thread" : map_device();
	report("vrng: device found and mapped", why);
	if (why) {
		kt_finish();
		return 2;	/* the rest cannot run: the plan is not met */
	}
	for (int i = 0; i < n; i++) {
		why = cases[i].fn();
		report(cases[i].name, why);
		if (why && i < 4)
			break;			/* no device set up: stop */
	}
	if (common)
		common->device_status = 0;	/* reset: the device lets go of the ring */
	return kt_finish();
}
