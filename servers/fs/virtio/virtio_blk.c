/*
 * The virtio-blk driver: see virtio_blk.h and docs/virtio.md.
 */
#include <faultline/sys.h>

#include "virtio_blk.h"

#define VIRTIO_BLK_T_IN		0	/* read */
#define VIRTIO_BLK_T_OUT	1	/* write */
#define BLK_CFG_CAPACITY	0	/* le64, 512-byte sectors (5.2.4) */

#define QUEUE_OFF		0x000	/* in DMA page 0 */
#define HDR_OFF			0x800
#define STATUS_OFF		0x810
#define DATA_OFF		0x1000
#define STATUS_NONE		0xff	/* written before a request: not a status */

/* struct virtio_blk_req's header (5.2.6) */
struct blk_header {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

/* Map d's regions (and PCI configuration space) at va as transport.h says. */
static int map_device(const struct fl_bootinfo_device *d, int task, uintptr_t va)
{
	long r;

	if (d->nmmio > 6)
		return -ENODEV;
	if (d->config >= 0) {
		r = fl_map(task, va + VIRTIO_CFG_VA, d->config, 0, 1, FL_MAP_READ);
		if (r < 0)
			return (int)r;
	}
	for (unsigned j = 0; j < d->nmmio; j++) {
		if (d->mmio[j] < 0 || d->mmio_size[j] == 0 ||
		    d->mmio_size[j] > VIRTIO_REGION_STRIDE || (d->mmio_size[j] & 4095))
			return -ENODEV;
		r = fl_map(task, va + VIRTIO_REGION_VA + j * VIRTIO_REGION_STRIDE, d->mmio[j], 0,
			   d->mmio_size[j] / 4096, FL_MAP_READ | FL_MAP_WRITE);
		if (r < 0)
			return (int)r;
	}
	return 0;
}

/* The DMA frame: allocated, mapped at env->va, its physical address known. */
static int map_dma(struct vblk *b)
{
	long frame = fl_frame_alloc(b->env.pool, VBLK_DMA_PAGES), pa, r;

	if (frame < 0)
		return (int)frame;
	b->frame = (int)frame;
	pa = fl_frame_phys(b->frame);
	if (pa < 0)
		return (int)pa;
	if (pa == 0 || (pa & 4095))
		return -EINVAL;
	r = fl_map(b->env.task, b->env.va, b->frame, 0, VBLK_DMA_PAGES,
		   FL_MAP_READ | FL_MAP_WRITE);
	if (r < 0)
		return (int)r;
	b->dma = (uint8_t *)b->env.va;
	b->dma_pa = (uint64_t)pa;
	return 0;
}

/* 3.1.1: reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK and check it. */
static int negotiate(struct virtio_dev *v)
{
	const struct virtio_ops *o = v->ops;

	o->set_status(v, 0);
	if (o->get_status(v) != 0)
		return -ENODEV;
	o->set_status(v, VIRTIO_STATUS_ACKNOWLEDGE);
	o->set_status(v, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	if (!(o->features(v) & (1ull << VIRTIO_F_VERSION_1)))
		return -ENODEV;
	/* only VERSION_1: no feature of 5.2.3 is needed to read and write */
	o->set_features(v, 1ull << VIRTIO_F_VERSION_1);
	o->set_status(v, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
			 VIRTIO_STATUS_FEATURES_OK);
	if (!(o->get_status(v) & VIRTIO_STATUS_FEATURES_OK))
		return -ENODEV;
	return 0;
}

/* 2.4.1: read a multi-word field until the configuration generation holds still. */
static int read_capacity(struct vblk *b)
{
	struct virtio_dev *v = &b->dev;

	if (v->config_len < 8)
		return -ENODEV;
	for (int tries = 0; tries < 8; tries++) {
		uint32_t gen = v->ops->config_generation(v);
		uint64_t cap = v->ops->config32(v, BLK_CFG_CAPACITY) |
			       (uint64_t)v->ops->config32(v, BLK_CFG_CAPACITY + 4) << 32;

		if (v->ops->config_generation(v) != gen)
			continue;
		if (cap == 0 || cap > (~0ull >> 9))
			return -ENODEV;	/* nothing to read, or bytes overflow */
		b->capacity = cap;
		return 0;
	}
	return -ENODEV;
}

static int setup_queue(struct vblk *b)
{
	struct virtio_dev *v = &b->dev;
	unsigned max = v->ops->queue_max(v, 0);
	unsigned size = VBLK_QUEUE_SIZE;
	int r;

	if (max == 0)
		return -ENODEV;
	while (size > max)
		size /= 2;	/* split queues need not be a power of 2; ours is */
	if (size < 4)
		return -ENODEV;	/* a request is a 3-descriptor chain */
	r = virtq_init(&b->vq, b->dma + QUEUE_OFF, b->dma_pa + QUEUE_OFF, size);
	if (r < 0)
		return r;
	return v->ops->queue_setup(v, 0, size, b->vq.desc_pa, b->vq.avail_pa, b->vq.used_pa);
}

static int open_device(struct vblk *b, const struct fl_bootinfo_device *d)
{
	struct virtio_dev *v = &b->dev;
	int r;

	r = map_device(d, b->env.task, b->env.va + VBLK_DEVICE_VA);
	if (r < 0)
		return r;
	r = d->config >= 0 ? virtio_pci_open(v, d, b->env.va + VBLK_DEVICE_VA) :
			     virtio_mmio_open(v, d, b->env.va + VBLK_DEVICE_VA);
	if (r < 0)
		return r;
	if ((r = negotiate(v)) < 0 || (r = read_capacity(b)) < 0 || (r = map_dma(b)) < 0 ||
	    (r = setup_queue(b)) < 0)
		return r;
	r = (int)fl_irq_bind(v->irq, b->env.ntfn, b->env.irq_bit);
	if (r < 0)
		return r;
	v->ops->set_status(v, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
				 VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
	if (v->ops->get_status(v) & VIRTIO_STATUS_FAILED)
		return -ENODEV;
	return 0;
}

int vblk_open(struct vblk *b, const struct fl_bootinfo_device *d, const struct vblk_env *env)
{
	int r;

	memset(b, 0, sizeof(*b));
	b->env = *env;
	b->frame = -1;
	if (!d || !env->irq_bit || !env->tick_bit || (env->irq_bit & env->tick_bit) ||
	    (env->va & 4095))
		return -EINVAL;
	r = open_device(b, d);
	if (r < 0) {
		if (b->dev.ops)
			b->dev.ops->set_status(&b->dev, VIRTIO_STATUS_FAILED);
		b->dead = 1;
	}
	return r;
}

void vblk_close(struct vblk *b)
{
	if (b->dev.ops)
		b->dev.ops->set_status(&b->dev, 0);
	b->dead = 1;
}

/*
 * Wait (bounded) for the interrupt that completes the request at head:
 * the device's used length in *len. Every interrupt is acknowledged at
 * the device, then the used ring is read, then the line is unmasked.
 */
static int wait_done(struct vblk *b, int head, uint32_t *len)
{
	struct virtio_dev *v = &b->dev;

	for (unsigned ticks = 0; ticks < VBLK_WAIT_TICKS;) {
		long bits = fl_wait(b->env.ntfn);
		int got, r;

		if (bits < 0)
			return (int)bits;
		if (bits & b->env.irq_bit) {
			b->irqs++;
			v->ops->irq_status(v);
			got = virtq_collect(&b->vq, len);
			r = (int)fl_irq_ack(v->irq);
			if (r < 0)
				return r;
			if (got == head)
				return 0;
			if (got != -EAGAIN)
				return -EIO;	/* a bad entry, or one for no request of ours */
		}
		if (bits & b->env.tick_bit)
			ticks++;
	}
	return -ENODEV;
}

/* One request of count (<= VBLK_MAX_SECTORS) sectors through the data area. */
static int request(struct vblk *b, uint32_t type, uint64_t sector, unsigned count)
{
	struct blk_header *h = (struct blk_header *)(b->dma + HDR_OFF);
	volatile uint8_t *status = b->dma + STATUS_OFF;
	uint32_t bytes = count * VBLK_SECTOR, len = 0;
	struct virtq_buf bufs[3] = {
		{ b->dma_pa + HDR_OFF, sizeof(*h), 0 },
		{ b->dma_pa + DATA_OFF, bytes, type == VIRTIO_BLK_T_IN },
		{ b->dma_pa + STATUS_OFF, 1, 1 },
	};
	int head, r;

	h->type = type;
	h->reserved = 0;
	h->sector = sector;
	*status = STATUS_NONE;
	head = virtq_add(&b->vq, bufs, 3);
	if (head < 0)
		return head;
	b->dev.ops->notify(&b->dev, 0);
	r = wait_done(b, head, &len);
	if (r < 0) {
		b->dead = 1;	/* the request may still be in the device's hands */
		return r == -EIO ? -EIO : -ENODEV;
	}
	b->requests++;
	b->last_status = *status;
	/* 2.6.8: only the first len written bytes are meaningful; the status is last */
	if (len < 1 || (b->last_status == VIRTIO_BLK_S_OK && type == VIRTIO_BLK_T_IN &&
			len != bytes + 1))
		return -EIO;
	if (b->last_status == VIRTIO_BLK_S_OK)
		return 0;
	return b->last_status == VIRTIO_BLK_S_UNSUPP ? -ENOSYS : -EIO;
}

/* Is [sector, sector + count) a range of whole sectors without overflow? */
static int check_args(struct vblk *b, uint64_t sector, const void *buf, unsigned count)
{
	if (b->dead)
		return -ENODEV;
	if (!buf || count == 0 || sector + count < sector || sector + count > (~0ull >> 9))
		return -EINVAL;
	return 0;
}

/*
 * Out-of-range sectors are not refused here: the device answers them
 * with VIRTIO_BLK_S_IOERR (5.2.6.1), which is -EIO.
 */
int vblk_read(struct vblk *b, uint64_t sector, void *buf, unsigned count)
{
	uint8_t *p = buf;
	int r = check_args(b, sector, buf, count);

	while (r == 0 && count > 0) {
		unsigned n = count < VBLK_MAX_SECTORS ? count : VBLK_MAX_SECTORS;

		r = request(b, VIRTIO_BLK_T_IN, sector, n);
		if (r == 0)
			memcpy(p, b->dma + DATA_OFF, n * VBLK_SECTOR);
		p += n * VBLK_SECTOR;
		sector += n;
		count -= n;
	}
	return r;
}

int vblk_write(struct vblk *b, uint64_t sector, const void *buf, unsigned count)
{
	const uint8_t *p = buf;
	int r = check_args(b, sector, buf, count);

	while (r == 0 && count > 0) {
		unsigned n = count < VBLK_MAX_SECTORS ? count : VBLK_MAX_SECTORS;

		memcpy(b->dma + DATA_OFF, p, n * VBLK_SECTOR);
		r = request(b, VIRTIO_BLK_T_OUT, sector, n);
		p += n * VBLK_SECTOR;
		sector += n;
		count -= n;
	}
	return r;
}
