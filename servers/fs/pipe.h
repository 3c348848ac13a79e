/* Pipes (pipe.c): a ring buffer between a read end and a write end. */
#pragma once

#include "vfs.h"

#define PIPE_BUF_SIZE	8192	/* bytes a pipe holds */

/* The byte ring alone. */
struct pipebuf {
	uint8_t data[PIPE_BUF_SIZE];
	size_t head;			/* next byte to read */
	size_t count;			/* bytes held */
};

size_t pipebuf_put(struct pipebuf *b, const void *src, size_t len);	/* what fitted */
size_t pipebuf_get(struct pipebuf *b, void *dst, size_t len);		/* what was there */

/*
 * A new pipe: its node, with no references yet. Each description opened
 * on it says which end it is by its access mode (O_RDONLY: the read end,
 * O_WRONLY: the write end), through the open and close operations.
 * read: bytes, 0 once every writer is gone and it is empty, -EAGAIN
 * empty with writers; write: what fitted, -EAGAIN full, -EPIPE with no
 * reader. NULL: no memory.
 */
struct node *pipe_new(void);
