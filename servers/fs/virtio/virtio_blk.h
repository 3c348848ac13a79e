/*
 * A virtio 1.x block driver (virtio 1.1, 5.2) on either transport, for a
 * task that holds the device's boot-info handles (today a root task; the
 * fs server next). Requests are synchronous, one at a time, completed by
 * the device's interrupt: the driver binds the queue's irq to the
 * caller's notification and waits for it, with a bound: the caller must
 * have something signal tick_bit on that notification periodically (a
 * watchdog thread), and a request fails after VBLK_WAIT_TICKS ticks
 * without its interrupt.
 *
 * Errors (negative errno): -ENODEV no usable device (or it stopped
 * answering: then every later request fails too), -EIO the device said
 * VIRTIO_BLK_S_IOERR or gave a bad used-ring entry, -ENOSYS it said
 * VIRTIO_BLK_S_UNSUPP, -EINVAL a bad argument, -ENOMEM / -EPERM /
 * others from the system calls that set the device up.
 */
#pragma once

#include <stdint.h>

#include <faultline/bootinfo.h>

#include "transport.h"
#include "virtq.h"

#define VBLK_SECTOR		512
#define VBLK_MAX_SECTORS	32	/* per request; longer ones are split */
#define VBLK_WAIT_TICKS		40
#define VBLK_QUEUE_SIZE		16
/* Address space vblk_open needs at va: the DMA frame, then the device. */
#define VBLK_DMA_PAGES		(1 + VBLK_MAX_SECTORS * VBLK_SECTOR / 4096)
#define VBLK_DEVICE_VA		0x100000ul
#define VBLK_VA_SIZE		(VBLK_DEVICE_VA + VIRTIO_VA_SIZE)

/* request status (5.2.6) */
#define VIRTIO_BLK_S_OK		0
#define VIRTIO_BLK_S_IOERR	1
#define VIRTIO_BLK_S_UNSUPP	2

/* What vblk_open needs from its caller. */
struct vblk_env {
	int task;		/* the caller's own task (to map into) */
	int pool;		/* pays for the DMA frame; must pass FL_RIGHT_PHYS on */
	uintptr_t va;		/* VBLK_VA_SIZE bytes of free address space */
	int ntfn;		/* the notification to wait on */
	uint64_t irq_bit;	/* signalled by the device's interrupt */
	uint64_t tick_bit;	/* signalled periodically by the caller's watchdog */
};

struct vblk {
	struct virtio_dev dev;
	struct virtq vq;
	struct vblk_env env;
	uint64_t capacity;	/* in 512-byte sectors */
	uint8_t *dma;		/* page 0: the queue, headers, status; then data */
	uint64_t dma_pa;
	int frame;
	int dead;		/* stopped answering: every request fails */
	/* counters, for tests */
	unsigned requests;	/* requests completed (any status) */
	unsigned irqs;		/* interrupts delivered */
	uint8_t last_status;	/* the device's status byte of the last request */
};

/* The first virtio-blk device in the boot info, or NULL. */
const struct fl_bootinfo_device *vblk_find(const struct fl_bootinfo *boot);

/* Set up d's queue and interrupt: 0 or -errno. */
int vblk_open(struct vblk *b, const struct fl_bootinfo_device *d, const struct vblk_env *env);

/* Read / write count sectors from sector: 0 or -errno. */
int vblk_read(struct vblk *b, uint64_t sector, void *buf, unsigned count);
int vblk_write(struct vblk *b, uint64_t sector, const void *buf, unsigned count);

/* Reset the device: it lets go of the queue memory. */
void vblk_close(struct vblk *b);
