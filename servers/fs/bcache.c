/* The block cache (bcache.h): least recently used slots, filled on a miss. */
#include <errno.h>
#include <string.h>
#include "bcache.h"

void bcache_init(struct bcache *c, bcache_fill_fn fill, void *ctx, uint64_t size)
{
	memset(c->slot, 0, sizeof(c->slot));
	c->fill = fill;
	c->ctx = ctx;
	c->size = size;
	c->tick = 0;
	c->hits = c->misses = 0;
}

/* The slot holding block no, filled if it was not there: its index, or -errno. */
static int lookup(struct bcache *c, uint64_t no)
{
	unsigned victim = 0;
	uint64_t off = no * BCACHE_BLOCK;
	size_t len;
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
	len = c->size - off < BCACHE_BLOCK ? (size_t)(c->size - off) : BCACHE_BLOCK;
	memset(c->data[victim], 0, BCACHE_BLOCK);
	c->slot[victim].used = 0;	/* empty until filled */
	if ((err = c->fill(c->ctx, no, c->data[victim], len)))
		return err;
	c->slot[victim].no = no;
	c->slot[victim].used = ++c->tick;
	return (int)victim;
}

int bcache_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	struct bcache *c = ctx;
	uint8_t *out = buf;

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
		memcpy(out, c->data[s] + in, n);
		out += n;
		off += n;
		len -= n;
	}
	return 0;
}
