/*
 * Pipes (docs/fs.md). A read takes what is there; a write puts what fits
 * (a partial count); either would wait (-EAGAIN) only when it can move
 * nothing, and every change wakes the requests parked on the pipe.
 */
#include <stdlib.h>
#include <string.h>
#include "park.h"
#include "pipe.h"

struct pipe {
	struct node node;		/* first: a node is a pipe */
	struct pipebuf buf;
	unsigned readers, writers;	/* descriptions of each end */
};

static const struct node_ops pipe_ops;
static uint64_t next_ino = 1;

size_t pipebuf_put(struct pipebuf *b, const void *src, size_t len)
{
	const uint8_t *s = src;
	size_t done = 0;

	while (done < len && b->count < PIPE_BUF_SIZE) {
		size_t at = (b->head + b->count) % PIPE_BUF_SIZE;
		/* contiguous room from at: to the end of the array, or up to head */
		size_t n = at >= b->head ? PIPE_BUF_SIZE - at : b->head - at;

		if (n > len - done)
			n = len - done;
		memcpy(b->data + at, s + done, n);
		b->count += n;
		done += n;
	}
	return done;
}

size_t pipebuf_get(struct pipebuf *b, void *dst, size_t len)
{
	uint8_t *d = dst;
	size_t done = 0;

	while (done < len && b->count) {
		size_t n = PIPE_BUF_SIZE - b->head;

		if (n > b->count)
			n = b->count;
		if (n > len - done)
			n = len - done;
		memcpy(d + done, b->data + b->head, n);
		b->head = (b->head + n) % PIPE_BUF_SIZE;
		b->count -= n;
		done += n;
	}
	if (!b->count)
		b->head = 0;
	return done;
}

struct node *pipe_new(void)
{
	struct pipe *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->node.ops = &pipe_ops;
	p->node.mode = S_IFIFO | 0600;
	p->node.nlink = 1;
	p->node.dev = FL_FS_DEV_PIPE;
	p->node.ino = next_ino++;
	p->node.stream = true;
	return &p->node;
}

static struct pipe *pipe_of(struct node *n)
{
	return (struct pipe *)n;
}

static int64_t pipe_read(struct node *n, uint64_t off, void *buf, size_t len)
{
	struct pipe *p = pipe_of(n);
	size_t got;

	(void)off;
	if (len == 0)
		return 0;
	if (!p->buf.count)
		return p->writers ? -EAGAIN : 0;
	got = pipebuf_get(&p->buf, buf, len);
	n->size = p->buf.count;
	node_wake(n);			/* room for parked writers */
	return (int64_t)got;
}

static int64_t pipe_write(struct node *n, uint64_t off, const void *buf, size_t len)
{
	struct pipe *p = pipe_of(n);
	size_t put;

	(void)off;
	if (!p->readers)
		return -EPIPE;
	if (len == 0)
		return 0;
	if (!(put = pipebuf_put(&p->buf, buf, len)))
		return -EAGAIN;
	n->size = p->buf.count;
	node_wake(n);			/* bytes for parked readers */
	return (int64_t)put;
}

static void pipe_open(struct node *n, int flags)
{
	if ((flags & O_ACCMODE) == O_WRONLY)
		pipe_of(n)->writers++;
	else
		pipe_of(n)->readers++;
}

/* The last writer gone: readers see the end; the last reader: writers see EPIPE. */
static void pipe_close(struct node *n, int flags)
{
	if ((flags & O_ACCMODE) == O_WRONLY)
		pipe_of(n)->writers--;
	else
		pipe_of(n)->readers--;
	node_wake(n);
}

static void pipe_release(struct node *n)
{
	free(pipe_of(n));
}

static const struct node_ops pipe_ops = {
	.read = pipe_read,
	.write = pipe_write,
	.open = pipe_open,
	.close = pipe_close,
	.release = pipe_release,
};
