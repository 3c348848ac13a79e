/*
 * A block cache under the ext2 library (bcache.c): the library asks for
 * bytes (ext2_read_fn, ext2_write_fn), the cache reads whole
 * BCACHE_BLOCK-byte blocks of the device through fill and keeps the last
 * BCACHE_SLOTS of them. Write-back: a write changes the cached block and
 * marks it dirty; a dirty block goes to the device through flush when it
 * is evicted and at bcache_sync.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BCACHE_BLOCK	4096
#define BCACHE_SLOTS	64

/* Read len bytes of block number no (len < BCACHE_BLOCK only for the last one): 0 or -errno. */
typedef int (*bcache_fill_fn)(void *ctx, uint64_t no, void *buf, size_t len);
/* Write them: 0 or -errno. */
typedef int (*bcache_flush_fn)(void *ctx, uint64_t no, const void *buf, size_t len);

struct bcache {
	bcache_fill_fn fill;
	bcache_flush_fn flush;		/* NULL: a read-only cache */
	void *ctx;
	uint64_t size;			/* of the device, in bytes */
	uint64_t tick;			/* for least recently used */
	unsigned hits, misses;		/* for tests */
	unsigned writes;		/* blocks flushed, for tests */
	struct {
		uint64_t no;
		uint64_t used;		/* tick of the last use; 0: empty */
		bool dirty;
	} slot[BCACHE_SLOTS];
	uint8_t data[BCACHE_SLOTS][BCACHE_BLOCK];
};

void bcache_init(struct bcache *c, bcache_fill_fn fill, bcache_flush_fn flush, void *ctx,
		 uint64_t size);

/* ext2_read_fn over c (ctx): 0, -EIO past the device's end, or fill's error. */
int bcache_read(void *ctx, uint64_t off, void *buf, size_t len);
/* ext2_write_fn over c: 0, -EIO past the end, -EROFS without flush, or an error filling. */
int bcache_write(void *ctx, uint64_t off, const void *buf, size_t len);
/* ext2_sync_fn: every dirty block flushed: 0 or the first error (those blocks stay dirty). */
int bcache_sync(void *ctx);
