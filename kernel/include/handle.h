/*
 * Handles: a task's table of (object, rights). A handle is an index into
 * it; every system call names its objects by handle, and a task can touch
 * only what it holds.
 */
#pragma once

#include <obj.h>

#define HANDLES_MAX	256	/* FL_HANDLES_MAX: two pages of entries per task */

struct handle {
	struct kobj *obj;	/* NULL: free slot */
	uint32_t rights;	/* FL_RIGHT_* */
	uint32_t badge;		/* endpoints and notifications: who sends (0: none) */
};

struct task;

/* Give task a handle to o with rights (taking a reference): the handle, or -EMFILE. */
int handle_install(struct task *t, struct kobj *o, uint32_t rights);
int handle_install_badged(struct task *t, struct kobj *o, uint32_t rights, uint32_t badge);

/* How many free handle slots t has, up to want (to check before a transfer). */
int handle_free_slots(struct task *t, int want);

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
 * lacks) or -EMFILE.
 */
int handle_dup(struct task *t, long h, uint32_t rights);

/* Close handle h: 0 or -EBADF. */
int handle_close(struct task *t, long h);

/* Close every handle of t (task teardown). */
void handle_close_all(struct task *t);
