/*
 * The split virtqueue (servers/fs/virtio/virtq.c) against a device played
 * here: the layout of the three parts, chains in the descriptor table and
 * the available ring, the free list, and used-ring entries a device must
 * not give (a bad id, a length past the writable buffers, an index ahead
 * of what is in flight), which are -EIO and change nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <faultline/abi.h>

#include "virtq.h"

#define PA	0x12340000ull

static uint8_t page[4096] __attribute__((aligned(4096)));

static const struct virtq_buf req[3] = {
	{ 0x1000, 16, 0 },	/* header: the device reads */
	{ 0x2000, 512, 1 },	/* data: the device writes */
	{ 0x3000, 1, 1 },	/* status */
};

/* The device uses the chain at head, having written len bytes. */
static void device_uses(struct virtq *q, uint32_t head, uint32_t len)
{
	uint16_t i = q->used->idx;

	q->used->ring[i % q->size].id = head;
	q->used->ring[i % q->size].len = len;
	q->used->idx = (uint16_t)(i + 1);
}

static void layout_follows_the_spec(void **state)
{
	struct virtq q;

	(void)state;
	assert_int_equal(virtq_init(&q, page, PA, 16), 0);
	assert_ptr_equal((void *)q.desc, page);
	assert_int_equal(q.desc_pa, PA);
	assert_int_equal(q.avail_pa, PA + 16 * 16);		/* 2.6: table, 16 bytes each */
	assert_int_equal(q.used_pa, PA + 16 * 16 + 40);	/* 6 + 2 * 16 rounded up to 4 */
	assert_int_equal(q.used_pa % 4, 0);
	assert_int_equal(virtq_init(&q, page, PA, 64), 0);
	assert_true(q.used_pa - PA + 6 + 8 * 64 <= 4096);	/* the largest fits one page */
	assert_int_equal(virtq_init(&q, page, PA, 12), -EINVAL);	/* not a power of 2 */
	assert_int_equal(virtq_init(&q, page, PA, 128), -EINVAL);
	assert_int_equal(virtq_init(&q, page, PA, 0), -EINVAL);
	assert_int_equal(virtq_init(&q, page, PA + 8, 16), -EINVAL);	/* misaligned */
}

static void a_chain_in_table_and_ring(void **state)
{
	struct virtq q;
	int head;
	uint16_t d;

	(void)state;
	assert_int_equal(virtq_init(&q, page, PA, 8), 0);
	head = virtq_add(&q, req, 3);
	assert_true(head >= 0);
	assert_int_equal(q.avail->idx, 1);
	assert_int_equal(q.avail->ring[0], head);
	d = (uint16_t)head;
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(q.desc[d].addr, req[i].pa);
		assert_int_equal(q.desc[d].len, req[i].len);
		assert_int_equal(q.desc[d].flags & VIRTQ_DESC_F_WRITE,
				 req[i].device_writes ? VIRTQ_DESC_F_WRITE : 0);
		assert_int_equal(!!(q.desc[d].flags & VIRTQ_DESC_F_NEXT), i < 2);
		d = q.desc[d].next;
	}
	assert_int_equal(q.nfree, 5);
}

static void used_chains_are_freed(void **state)
{
	struct virtq q;
	uint32_t len = 0;
	int a, b;

	(void)state;
	assert_int_equal(virtq_init(&q, page, PA, 8), 0);
	assert_int_equal(virtq_collect(&q, &len), -EAGAIN);
	/* 1000 requests through 8 entries: the ring wraps, the list recovers */
	for (int i = 0; i < 1000; i++) {
		a = virtq_add(&q, req, 3);
		b = virtq_add(&q, req, 3);
		assert_true(a >= 0 && b >= 0 && a != b);
		assert_int_equal(virtq_add(&q, req, 3), -ENOSPC);	/* 2 left */
		device_uses(&q, (uint32_t)b, 1);			/* out of order */
		device_uses(&q, (uint32_t)a, 513);
		assert_int_equal(virtq_collect(&q, &len), b);
		assert_int_equal(len, 1);
		assert_int_equal(virtq_collect(&q, &len), a);
		assert_int_equal(len, 513);
		assert_int_equal(virtq_collect(&q, &len), -EAGAIN);
		assert_int_equal(q.nfree, 8);
	}
}

static void bad_used_entries_are_eio(void **state)
{
	struct virtq q;
	uint32_t len = 0;
	int head;

	(void)state;
	assert_int_equal(virtq_init(&q, page, PA, 8), 0);
	head = virtq_add(&q, req, 3);
	device_uses(&q, 8, 1);				/* id past the table */
	assert_int_equal(virtq_collect(&q, &len), -EIO);
	q.used->ring[0].id = (uint32_t)head + 1;	/* not a head in flight */
	assert_int_equal(virtq_collect(&q, &len), -EIO);
	q.used->ring[0].id = (uint32_t)head;
	q.used->ring[0].len = 514;			/* more than the writable 513 */
	assert_int_equal(virtq_collect(&q, &len), -EIO);
	q.used->idx = 200;				/* far ahead of what is in flight */
	q.used->ring[0].len = 1;
	assert_int_equal(virtq_collect(&q, &len), -EIO);
	assert_int_equal(q.nfree, 5);			/* nothing was freed */
	q.used->idx = 1;
	assert_int_equal(virtq_collect(&q, &len), head);
	assert_int_equal(virtq_collect(&q, &len), -EAGAIN);
	device_uses(&q, (uint32_t)head, 1);		/* the same chain twice */
	assert_int_equal(virtq_collect(&q, &len), -EIO);
}

static void bad_chains_are_refused(void **state)
{
	struct virtq q;
	struct virtq_buf empty[2] = { { 0x1000, 16, 0 }, { 0x2000, 0, 1 } };

	(void)state;
	assert_int_equal(virtq_init(&q, page, PA, 4), 0);
	assert_int_equal(virtq_add(&q, req, 0), -EINVAL);
	assert_int_equal(virtq_add(&q, empty, 2), -EINVAL);	/* a zero-length buffer */
	assert_int_equal(q.nfree, 4);
	assert_true(virtq_add(&q, req, 3) >= 0);
	assert_int_equal(virtq_add(&q, req, 2), -ENOSPC);
	assert_int_equal(q.nfree, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(layout_follows_the_spec),
		cmocka_unit_test(a_chain_in_table_and_ring),
		cmocka_unit_test(used_chains_are_freed),
		cmocka_unit_test(bad_used_entries_are_eio),
		cmocka_unit_test(bad_chains_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
