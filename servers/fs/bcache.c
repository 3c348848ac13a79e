/* The block cache (bcache.h): least recently used slots, filled on a miss, written back. */
#include <errno.h>
#include <string.h>
#include "bcache.h"

void bcache_init(struct bcache *c, bcache_fill_fn fill, bcache_flush_fn flush, void *ctx,
		 uint64_t size)
{
	memset(c->slot, 0, sizeof(c->slot));
	c->fill = fill;
	c->flush = flush;
	c->ctx = ctx;
	c->size = size;
	c->tick = 0;
	c->hits = c->misses = c->writes = 0;
}

static size_t block_len(const struct bcache *c, uint64_t no)
{
	uint64_t off = no * BCACHE_BLOCK;

	return c->size - off < BCACHE_BLOCK ? (size_t)(c->size - off) : BCACHE_BLOCK;
}

/* Write slot s back if it is dirty. */
static int clean(struct bcache *c, unsigned s)
{
	int err;

	if (!c->slot[s].dirty)
		return 0;
	if ((err = c->flush(c->ctx, c->slot[s].no, c->data[s], block_len(c, c->slot[s].no))))
		return err;
	c->slot[s].dirty = false;
	c->writes++;
	return 0;
}

/* The slot holding block no, filled if it was not there: its index, or -errno. */
static int lookup(struct bcache *c, uint64_t no)
{
	unsigned victim = 0;
	int err;

	for (unsigned i = 0; i < BCACHE_SLOTS; i++) {
		if (c->slot[i].used && c->slot[i].no == no) {
			c->slot[i].used = ++c->tick;
			c->hits++;
			return (int)i;
		}
		if (c->slot[i].used < c->slot[victim].used)
			victim = i;
	}
	c->misses++;
	if (c->slot[victim].used && (err = clean(c, victim)))
		return err;		/* the victim stays, dirty */
	memset(c->data[victim], 0, BCACHE_BLOCK);
	c->slot[victim].used = 0;	/* empty until filled */
	if ((err = c->fill(c->ctx, no, c->data[victim], block_len(c, no))))
		return err;
	c->slot[victim].no = no;
	c->slot[victim].used = ++c->tick;
	return (int)victim;
}

/* Copy len bytes at off between buf and the cache (write: into it, marking dirty). */
static int copy(struct bcache *c, uint64_t off, uint8_t *buf, size_t len, bool write)
{
	if (off > c->size || len > c->size - off)
		return -EIO;
	while (len) {
		uint64_t no = off / BCACHE_BLOCK;
		size_t in = (size_t)(off % BCACHE_BLOCK), n = BCACHE_BLOCK - in;
		int s = lookup(c, no);

		if (s < 0)
			return s;
		if (n > len)
			n = len;
		if (write) {
			memcpy(c->data[s] + in, buf, n);
			c->slot[s].dirty = true;
		} else {
			memcpy(buf, c->data[s] + in, n);
		}
		buf += n;
		off += n;
		len -= n;
	}
	return 0;
}

int bcache_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	return copy(ctx, off, buf, len, false);
}

int bcache_write(void *ctx, uint64_t off, const void *buf, size_t len)
{
	struct bcache *c = ctx;

	if (!c->flush)
		return -EROFS;
	return copy(c, off, (uint8_t *)buf, len, true);
}

int bcache_sync(void *ctx)
{
	struct bcache *c = ctx;
	int first = 0, err;

	for (unsigned i = 0; i < BCACHE_SLOTS; i++)
		if (c->slot[i].used && (err = clean(c, i)) && !first)
			first = err;
	return first;
}
