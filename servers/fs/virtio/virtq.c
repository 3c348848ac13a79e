/*
 * The split virtqueue (virtio 1.1, 2.6): see virtq.h.
 */
#include <faultline/abi.h>

#include "virtq.h"

static void barrier(void)
{
	__sync_synchronize();
}

/*
 * The three parts back to back (2.6: alignments 16, 2 and 4): the table
 * at 0 (16 * size bytes), the available ring after it (6 + 2 * size),
 * the used ring after that rounded up to 4 (6 + 8 * size). For size 64:
 * 1024 + 134 + 518 bytes, one page.
 */
int virtq_init(struct virtq *q, void *va, uint64_t pa, unsigned size)
{
	unsigned avail_off = 16 * size;
	unsigned used_off = (avail_off + 6 + 2 * size + 3) & ~3u;
	uint8_t *p = va;

	if (size == 0 || size > VIRTQ_MAX || (size & (size - 1)) || (pa & 15))
		return -EINVAL;
	for (unsigned i = 0; i < 4096; i++)
		p[i] = 0;
	q->size = size;
	q->desc = (volatile struct virtq_desc *)p;
	q->avail = (volatile struct virtq_avail *)(p + avail_off);
	q->used = (volatile struct virtq_used *)(p + used_off);
	q->desc_pa = pa;
	q->avail_pa = pa + avail_off;
	q->used_pa = pa + used_off;
	for (unsigned i = 0; i < size; i++) {
		q->desc[i].next = (uint16_t)(i + 1);
		q->chain_len[i] = 0;
		q->writable[i] = 0;
	}
	q->free_head = 0;
	q->nfree = (uint16_t)size;
	q->avail_idx = 0;
	q->last_used = 0;
	return 0;
}

/* Take a descriptor off the free list (there is one: the caller checked). */
static uint16_t desc_get(struct virtq *q)
{
	uint16_t d = q->free_head;

	q->free_head = q->desc[d].next;
	q->nfree--;
	return d;
}

int virtq_add(struct virtq *q, const struct virtq_buf *bufs, unsigned n)
{
	uint16_t head, prev = 0;
	uint32_t writable = 0;

	if (n == 0 || n > q->size)
		return -EINVAL;
	if (n > q->nfree)
		return -ENOSPC;
	for (unsigned i = 0; i < n; i++)
		if (bufs[i].len == 0)
			return -EINVAL;
	head = q->free_head;
	for (unsigned i = 0; i < n; i++) {
		uint16_t d = desc_get(q);

		q->desc[d].addr = bufs[i].pa;
		q->desc[d].len = bufs[i].len;
		q->desc[d].flags = bufs[i].device_writes ? VIRTQ_DESC_F_WRITE : 0;
		if (i > 0) {
			q->desc[prev].flags |= VIRTQ_DESC_F_NEXT;
			q->desc[prev].next = d;
		}
		if (bufs[i].device_writes)
			writable += bufs[i].len;
		prev = d;
	}
	q->chain_len[head] = (uint16_t)n;
	q->writable[head] = writable;
	/* 2.6.13: the ring entry, a barrier, then the index the device reads */
	q->avail->ring[q->avail_idx % q->size] = head;
	barrier();
	q->avail->idx = ++q->avail_idx;
	barrier();
	return head;
}

/* Return a collected chain's descriptors to the free list. */
static void chain_free(struct virtq *q, uint16_t head)
{
	uint16_t d = head;

	for (unsigned i = 1; i < q->chain_len[head]; i++)
		d = q->desc[d].next;
	q->desc[d].next = q->free_head;
	q->free_head = head;
	q->nfree = (uint16_t)(q->nfree + q->chain_len[head]);
	q->chain_len[head] = 0;
}

int virtq_collect(struct virtq *q, uint32_t *len)
{
	uint16_t idx, inflight = (uint16_t)(q->size - q->nfree);
	struct virtq_used_elem e;

	barrier();
	idx = q->used->idx;
	if (idx == q->last_used)
		return -EAGAIN;
	/* the device cannot have used more than is in flight (2.6.8) */
	if ((uint16_t)(idx - q->last_used) > inflight)
		return -EIO;
	barrier();	/* read the entry after the index */
	e.id = q->used->ring[q->last_used % q->size].id;
	e.len = q->used->ring[q->last_used % q->size].len;
	if (e.id >= q->size || q->chain_len[e.id] == 0 || e.len > q->writable[e.id])
		return -EIO;
	q->last_used++;
	chain_free(q, (uint16_t)e.id);
	*len = e.len;
	return (int)e.id;
}
