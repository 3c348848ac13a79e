/*
 * One split virtqueue (virtio 1.1, 2.6), shared by both transports: the
 * descriptor table, the available ring and the used ring in one page of
 * DMA memory whose virtual and physical addresses the caller gives.
 * Free descriptors are kept in a list threaded through their next fields.
 * No interrupt suppression or event index is negotiated, so the driver
 * always notifies and the device always interrupts.
 *
 * Everything the device writes (the used ring's index, ids and lengths)
 * is checked before it is used: a bad value gives -EIO.
 *
 * Freestanding: only <stdint.h> and the ABI's errno values.
 */
#pragma once

#include <stdint.h>

#define VIRTQ_MAX	64	/* entries at most: the three parts fit one page */

#define VIRTQ_DESC_F_NEXT	1
#define VIRTQ_DESC_F_WRITE	2	/* the device writes this buffer */

/* 2.6.5: 16 bytes, 16-byte aligned */
struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

/* 2.6.6: 2-byte aligned; no used_event (no VIRTIO_F_EVENT_IDX) */
struct virtq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];
};

/* 2.6.8: 4-byte aligned */
struct virtq_used_elem {
	uint32_t id;	/* the head of the chain */
	uint32_t len;	/* bytes the device wrote into it */
};

struct virtq_used {
	uint16_t flags;
	uint16_t idx;
	struct virtq_used_elem ring[];
};

/* One buffer of a request chain. */
struct virtq_buf {
	uint64_t pa;
	uint32_t len;
	int device_writes;
};

struct virtq {
	unsigned size;				/* a power of two, <= VIRTQ_MAX */
	volatile struct virtq_desc *desc;
	volatile struct virtq_avail *avail;
	volatile struct virtq_used *used;
	uint64_t desc_pa, avail_pa, used_pa;	/* for the transport */
	uint16_t free_head;			/* first free descriptor */
	uint16_t nfree;
	uint16_t avail_idx;			/* our copy of avail->idx */
	uint16_t last_used;			/* used entries collected so far */
	uint16_t chain_len[VIRTQ_MAX];		/* by head; 0: not in flight */
	uint32_t writable[VIRTQ_MAX];		/* device-writable bytes, by head */
};

/* Lay out a queue of size entries in the 4 KiB page at va (physical pa). */
int virtq_init(struct virtq *q, void *va, uint64_t pa, unsigned size);

/* Post a chain of n buffers: its head (>= 0), or -ENOSPC / -EINVAL. */
int virtq_add(struct virtq *q, const struct virtq_buf *bufs, unsigned n);

/*
 * Collect the next used chain: its head, with the length the device
 * wrote in *len, and its descriptors freed; -EAGAIN if there is none;
 * -EIO if the device's entry is bad (then the queue must be reset).
 */
int virtq_collect(struct virtq *q, uint32_t *len);
