/*
 * Anonymous private memory: demand-zero. A read of an untouched page maps
 * the shared zero frame read-only (and fault-around maps it ahead); a
 * write is answered FL_FAULT_ZERO: the kernel makes a zeroed frame from
 * the process's pool and maps it in the same entry, so the pager neither
 * makes nor keeps a handle per page. Written pages are private frames,
 * shared copy-on-write after fork (private.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <faultline/abi.h>
#include <faultline/ipc.h>
#include <faultline/syscalls.gen.h>
#include "memobj.h"
#include "pager.h"
#include "private.h"

struct anon {
	struct memobj obj;
	struct private private;		/* pages with a frame of their own */
};

/*
 * Fault-around for reads: the pages after a read fault, up to
 * ZERO_AROUND - 1 of them within the region, get the zero frame's other
 * pages (all zeros) with one map, so a sequential read faults once per
 * ZERO_AROUND pages. Only if nothing is mapped there yet (map refuses
 * otherwise, changing nothing). Writes still fault one by one: each needs
 * its own frame.
 */
static void zero_around(const struct fault *f)
{
	uint64_t n = (f->region->end - f->va) / PAGE;

	if (n > ZERO_AROUND)
		n = ZERO_AROUND;
	if (n < 2 || fl_map(f->proc->task, f->va + PAGE, pager.zero, 1, n - 1,
			    fault_map_prot(f->prot & ~FL_MAP_WRITE)))
		return;
	pager.zero_maps += n - 1;
	f->proc->zero_maps += n - 1;
}

static int anon_fault(struct memobj *o, const struct fault *f, struct fault_answer *a)
{
	struct anon *an = (struct anon *)o;
	uint64_t page = f->offset / PAGE;
	int err = private_fault(&an->private, f, page, a);

	if (err)
		return err < 0 ? err : 0;
	if (!(f->access & FL_ACCESS_WRITE)) {
		zero_around(f);
		/* the zero page: shared, read-only, allocated once */
		*a = (struct fault_answer){ FL_FAULT_MAP,
			{ (uint64_t)pager.zero, 0, fault_map_prot(f->prot & ~FL_MAP_WRITE) } };
		pager.zero_maps++;
		f->proc->zero_maps++;
		return 0;
	}
	if ((err = private_add(&an->private, page)))
		return err;
	fault_zero_frame(f, a);		/* made by the kernel in the reply: no frame handle */
	return 0;
}

static struct memobj *anon_fork(struct memobj *o)
{
	struct anon *child = (struct anon *)anon_create(o->size);

	if (!child)
		return NULL;
	if (private_fork(&child->private, &((struct anon *)o)->private)) {
		memobj_put(&child->obj);
		return NULL;
	}
	return &child->obj;
}

static unsigned anon_mappings(struct memobj *o, uint64_t offset, mapping_fn fn, void *arg)
{
	return private_mappings(&((struct anon *)o)->private, offset / PAGE, fn, arg);
}

static void anon_discard(struct memobj *o, uint64_t offset, uint64_t len)
{
	private_discard(&((struct anon *)o)->private, offset / PAGE, len / PAGE);
}

static void anon_release(struct memobj *o)
{
	struct anon *an = (struct anon *)o;

	private_free(&an->private);
	free(an);
}

static int anon_adopt(struct memobj *o, uint64_t offset, uint64_t len);

static const struct memobj_ops anon_ops = {
	.kind = "anonymous",
	.fault = anon_fault,
	.split = memobj_share,
	.fork = anon_fork,
	.adopt = anon_adopt,
	.mappings = anon_mappings,
	.discard = anon_discard,
	.release = anon_release,
};

struct memobj *anon_create(uint64_t size)
{
	struct anon *an = calloc(1, sizeof(*an));

	if (!an)
		return NULL;
	an->obj = (struct memobj){ .ops = &anon_ops, .refs = 1, .size = size };
	an->private.owner = &an->obj;
	return &an->obj;
}

static int anon_adopt(struct memobj *o, uint64_t offset, uint64_t len)
{
	struct anon *an = (struct anon *)o;
	int err = 0;

	for (uint64_t page = offset / PAGE; !err && page < (offset + len) / PAGE; page++)
		err = private_add(&an->private, page);
	return err;
}
