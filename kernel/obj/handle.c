/* Handle tables (kernel/include/handle.h). */
#include <errno.h>
#include <faultline/abi.h>
#include <handle.h>
#include <kernel.h>
#include <memlayout.h>
#include <pool.h>
#include <task.h>

/* Slot i of t's table, free or not; i < t->handles_cap. */
static struct handle *entry(struct task *t, unsigned i)
{
	if (i < HANDLE_CHUNK)
		return &t->handles[i];
	return &t->chunks[i / HANDLE_CHUNK][i % HANDLE_CHUNK];
}

/*
 * Add slots to t's table: the rest of the last chunk, or a new chunk
 * (paid for by t's pool), never past t's max. 0, -EMFILE or -ENOMEM.
 * Kept out of line: installing into a table with room (the IPC fastpath's
 * reply handle) should not pay for its registers.
 */
static __attribute__((noinline)) int grow(struct task *t)
{
	unsigned cap = t->handles_cap, more;
	paddr_t pa;

	if (cap >= t->handles_max)
		return -EMFILE;
	if (cap % HANDLE_CHUNK == 0) {
		if (pool_frame_alloc(t->pool, 1, 1, &pa))
			return -ENOMEM;
		t->chunks[cap / HANDLE_CHUNK] = pa_to_kva(pa);	/* zeroed: all free */
	}
	more = MIN(HANDLE_CHUNK - cap % HANDLE_CHUNK, t->handles_max - cap);
	t->handles_cap += more;
	t->handles_free += more;
	return 0;
}

int handle_reserve(struct task *t, unsigned n)
{
	while (t->handles_free < n) {
		int err = grow(t);

		if (err)
			return err;
	}
	return 0;
}

int handle_table_grow(struct task *t, unsigned max)
{
	if (max > FL_HANDLES_LIMIT || max < t->handles_max)
		return -EINVAL;
	if (max > HANDLE_CHUNK && !t->chunks) {
		t->chunks = pool_kalloc(t->pool, HANDLE_CHUNKS * sizeof(*t->chunks));
		if (!t->chunks)
			return -ENOMEM;
		t->chunks[0] = t->handles;
	}
	t->handles_max = max;
	return 0;
}

unsigned handle_count(struct task *t)
{
	return t->handles_cap - t->handles_free;
}

/* The lowest free slot of t at or above the hint (one is free), its number in *h. */
static struct handle *free_slot(struct task *t, unsigned *h)
{
	unsigned i = t->handle_hint;

	for (; i < HANDLE_CHUNK; i++) {		/* the first chunk: no directory */
		if (!t->handles[i].obj) {
			*h = i;
			return &t->handles[i];
		}
	}
	for (; i < t->handles_cap; i++) {
		if (!entry(t, i)->obj) {
			*h = i;
			return entry(t, i);
		}
	}
	panic("handle_install: %u slots free but none found", t->handles_free);
}

/* A slot of t for o (no reference taken): the handle, -EMFILE or -ENOMEM. */
static int install(struct task *t, struct kobj *o, uint32_t rights, uint32_t badge)
{
	struct handle *s;
	unsigned h;

	if (!t->handles_free) {
		int err = grow(t);

		if (err)
			return err;
	}
	s = free_slot(t, &h);
	*s = (struct handle){ o, rights, badge };
	t->handles_free--;
	t->handle_hint = h + 1;
	return (int)h;
}

int handle_install_badged(struct task *t, struct kobj *o, uint32_t rights, uint32_t badge)
{
	int h = install(t, o, rights, badge);

	if (h >= 0)
		kobj_get(o);
	return h;
}

int handle_install_moved(struct task *t, struct kobj *o, uint32_t rights)
{
	return install(t, o, rights, 0);
}

int handle_install(struct task *t, struct kobj *o, uint32_t rights)
{
	return handle_install_badged(t, o, rights, 0);
}

/* The slot of handle h (any number), or NULL. */
static struct handle *slot(struct task *t, long h)
{
	struct handle *s;

	if ((unsigned long)h < HANDLE_CHUNK)
		s = &t->handles[h];
	else if ((unsigned long)h < t->handles_cap)
		s = &t->chunks[h / HANDLE_CHUNK][h % HANDLE_CHUNK];
	else
		return NULL;
	return s->obj ? s : NULL;
}

/* handle_lookup's checks of slot s. */
static inline int check(struct handle *s, const struct kobj_ops *ops, uint32_t rights,
			struct handle **out)
{
	if (!s->obj)
		return -EBADF;
	if (ops && s->obj->ops != ops)
		return -EINVAL;
	if ((s->rights & rights) != rights)
		return -EPERM;
	*out = s;
	return 0;
}

/* handle_lookup past the first chunk: out of line, reached by a tail call. */
static __attribute__((noinline)) int lookup_far(struct task *t, long h,
						const struct kobj_ops *ops, uint32_t rights,
						struct handle **out)
{
	struct handle *s = slot(t, h);

	return s ? check(s, ops, rights, out) : -EBADF;
}

/*
 * Every system call comes here. A handle in the first chunk costs what it
 * did in a flat table: one compare, then the slot. The rest goes out of
 * line, so that it costs the common case no registers (x86_64: the same
 * instructions as the flat table; AArch64: two moves more).
 */
int handle_lookup(struct task *t, long h, const struct kobj_ops *ops, uint32_t rights,
		  struct handle **out)
{
	if ((unsigned long)h >= HANDLE_CHUNK)
		return lookup_far(t, h, ops, rights, out);
	return check(&t->handles[h], ops, rights, out);
}

int handle_get(struct task *t, long h, const struct kobj_ops *ops, uint32_t rights,
	       struct kobj **out)
{
	struct handle *s;
	int err = handle_lookup(t, h, ops, rights, &s);

	if (!err)
		*out = s->obj;
	return err;
}

int handle_dup(struct task *t, long h, uint32_t rights)
{
	struct handle *s = slot(t, h);

	if (!s)
		return -EBADF;
	if (rights & ~(uint32_t)FL_RIGHTS_ALL)
		return -EINVAL;
	if (rights & ~s->rights)
		return -EPERM;
	/* s stays valid: installing allocates new chunks, never moves old ones */
	return handle_install_badged(t, s->obj, rights, s->badge);
}

int handle_close(struct task *t, long h)
{
	struct handle *s = slot(t, h);
	struct kobj *o;

	if (!s)
		return -EBADF;
	o = s->obj;
	*s = (struct handle){ NULL, 0, 0 };
	t->handles_free++;
	if ((unsigned)h < t->handle_hint)
		t->handle_hint = (unsigned)h;
	kobj_put(o);
	return 0;
}

void handle_close_all(struct task *t)
{
	for (unsigned i = 0; i < t->handles_cap; i++)
		if (entry(t, i)->obj)
			handle_close(t, i);
	/* chunk 0 is t->handles, freed with the task's other tables */
	for (unsigned c = 1; c * HANDLE_CHUNK < t->handles_cap; c++)
		pool_frame_free(t->pool, kva_to_pa(t->chunks[c]), 1);
	if (t->chunks)
		pool_kfree(t->pool, t->chunks, HANDLE_CHUNKS * sizeof(*t->chunks));
	t->chunks = NULL;
	t->handles_cap = HANDLE_CHUNK;
	t->handles_free = HANDLE_CHUNK;
	t->handle_hint = 0;
}
