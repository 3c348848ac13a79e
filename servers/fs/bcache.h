/*
 * A block cache under the ext2 reader (bcache.c): the reader asks for
 * bytes (ext2_read_fn), the cache reads whole BCACHE_BLOCK-byte blocks
 * of the device through fill and keeps the last BCACHE_SLOTS of them.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define BCACHE_BLOCK	4096
#define BCACHE_SLOTS	64

/* Read len bytes of block number no (len < BCACHE_BLOCK only for the last one): 0 or -errno. */
typedef int (*bcache_fill_fn)(void *ctx, uint64_t no, void *buf, size_t len);

struct bcache {
	bcache_fill_fn fill;
	void *ctx;
	uint64_t size;			/* of the device, in bytes */
	uint64_t tick;			/* for least recently used */
	unsigned hits, misses;		/* for tests */
	struct {
		uint64_t no;
		uint64_t used;		/* tick of the last use; 0: empty */
	} slot[BCACHE_SLOTS];
	uint8_t data[BCACHE_SLOTS][BCACHE_BLOCK];
};

void bcache_init(struct bcache *c, bcache_fill_fn fill, void *ctx, uint64_t size);

/* ext2_read_fn over c (ctx): 0, -EIO past the device's end, or fill's error. */
int bcache_read(void *ctx, uint64_t off, void *buf, size_t len);
