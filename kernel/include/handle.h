/*
 * Handles: a task's table of (object, rights). A handle is an index into
 * it; every system call names its objects by handle, and a task can touch
 * only what it holds.
 *
 * The table has two levels: chunks of HANDLE_CHUNK entries (one page
 * each), found through a directory. Slots 0..HANDLE_CHUNK-1 are the first
 * chunk, allocated with the task and reached without the directory, so
 * looking up a small handle costs one compare. A task starts with
 * FL_HANDLES_MAX slots; task_handles_grow raises its max (up to
 * FL_HANDLES_LIMIT), and the next chunk is allocated, paid for by the
 * task's pool, when the table is full and a slot is needed.
 */
#pragma once

#include <faultline/abi.h>
#include <obj.h>

#define HANDLE_CHUNK	256	/* entries per chunk: one page */
#define HANDLE_CHUNKS	(FL_HANDLES_LIMIT / HANDLE_CHUNK)	/* directory entries */

_Static_assert(FL_HANDLES_MAX == HANDLE_CHUNK, "a task starts with one chunk");
_Static_assert(FL_HANDLES_LIMIT % HANDLE_CHUNK == 0, "the limit is whole chunks");

struct handle {
	struct kobj *obj;	/* NULL: free slot */
	uint32_t rights;	/* FL_RIGHT_* */
	uint32_t badge;		/* endpoints and notifications: who sends (0: none) */
};

struct task;

/*
 * Give task a handle to o with rights (taking a reference): the handle,
 * -EMFILE (the table is full at its max) or -ENOMEM (t's pool cannot pay
 * for another chunk).
 */
int handle_install(struct task *t, struct kobj *o, uint32_t rights);
/* handle_install, the handle taking over the caller's reference to o (when it succeeds). */
int handle_install_moved(struct task *t, struct kobj *o, uint32_t rights);
int handle_install_badged(struct task *t, struct kobj *o, uint32_t rights, uint32_t badge);

/*
 * Make sure n slots are free in t's allocated chunks, allocating chunks
 * as needed, so that the next n installs cannot fail (to check before a
 * transfer): 0, -EMFILE or -ENOMEM. A chunk once allocated stays.
 */
int handle_reserve(struct task *t, unsigned n);

/* Let t's table grow to max slots: 0, -EINVAL (above the limit or below the current max), -ENOMEM. */
int handle_table_grow(struct task *t, unsigned max);

/* Slots of t in use. */
unsigned handle_count(struct task *t);

/*
 * Like handle_get, but the slot itself (for its badge and rights); ops
 * NULL accepts any kind. The slot is valid until the table changes.
 */
int handle_lookup(struct task *t, long h, const struct kobj_ops *ops, uint32_t rights,
		  struct handle **out);

/*
 * The object behind handle h of task t, if it is of kind ops and carries
 * all of rights: 0 with *out (no reference taken), -EBADF if h names
 * nothing, -EINVAL if the object is of another kind, -EPERM if rights are
 * missing.
 */
int handle_get(struct task *t, long h, const struct kobj_ops *ops, uint32_t rights,
	       struct kobj **out);

/*
 * A new handle to the object of handle h with rights, a subset of h's:
 * the handle, -EBADF, -EINVAL (a bit that is no right), -EPERM (a right h
 * lacks), -EMFILE or -ENOMEM.
 */
int handle_dup(struct task *t, long h, uint32_t rights);

/* Close handle h: 0 or -EBADF. */
int handle_close(struct task *t, long h);

/* Close every handle of t and free its chunks but the first (task teardown). */
void handle_close_all(struct task *t);
