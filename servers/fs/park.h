/*
 * Requests that wait (park.c): a read of an empty pipe or of the console
 * with no line, a write to a full pipe. The server keeps the request's
 * reply handle and answers when a backend's node_wake says things moved.
 */
#pragma once

#include "file.h"

/*
 * Park rq (a read or write of description f; the write's bytes are
 * copied): 0, or -ENOMEM. The parked request holds a reference to f.
 */
int park(const struct request *rq, struct file *f, size_t len, const void *data);

/* Something changed on n: parked requests are tried again by park_run. */
void node_wake(struct node *n);

/* Try the parked requests again while a wake is pending: each answered one is replied to. */
void park_run(void);

/* Drop pid's parked requests unanswered (it is gone): their reply handles closed. */
void park_cancel(int pid);

/* Requests parked now (for tests). */
unsigned park_count(void);

/*
 * Send a late answer to a parked request (main.c; the host tests' stub):
 * result in w0, and for a read its bytes.
 */
void fs_reply_later(int reply, int64_t result, const void *data, size_t len);
void fs_reply_drop(int reply);
