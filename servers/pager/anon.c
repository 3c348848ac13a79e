/*
 * Anonymous private memory: demand-zero. A read of an untouched page maps
 * the one shared zero frame read-only; a write allocates a zeroed frame
 * from the process's pool and maps it, the frame handle moved into the
 * mapping (the pager keeps no handle per page). Which pages have a frame
 * of their own is all the object remembers.
 */
#include <errno.h>
#include <stdlib.h>
#include <faultline/abi.h>
#include <faultline/ipc.h>
#include <faultline/syscalls.gen.h>
#include "memobj.h"
#include "pager.h"
#include "pageset.h"

struct anon {
	struct memobj obj;
	struct pageset private;		/* pages with a frame of their own */
};

static int anon_fault(struct memobj *o, const struct fault *f, struct fault_answer *a)
{
	struct anon *an = (struct anon *)o;
	uint64_t page = f->offset / PAGE;
	long frame;
	int err;

	if (pageset_has(&an->private, page)) {
		fault_allow(f, a);
		return 0;
	}
	if (!(f->access & FL_ACCESS_WRITE)) {
		/* the zero page: shared, read-only, allocated once */
		*a = (struct fault_answer){ FL_FAULT_MAP,
			{ (uint64_t)pager.zero, 0, fault_map_prot(f->prot & ~FL_MAP_WRITE) } };
		pager.zero_maps++;
		return 0;
	}
	if ((err = pageset_add(&an->private, page)))
		return err;
	if ((err = fault_new_frame(f, a, &frame)))
		pageset_remove(&an->private, page, 1);
	return err;
}

static void anon_discard(struct memobj *o, uint64_t offset, uint64_t len)
{
	pageset_remove(&((struct anon *)o)->private, offset / PAGE, len / PAGE);
}

static void anon_release(struct memobj *o)
{
	struct anon *an = (struct anon *)o;

	pageset_free(&an->private);
	free(an);
}

static const struct memobj_ops anon_ops = {
	.kind = "anonymous",
	.fault = anon_fault,
	.split = memobj_share,
	.discard = anon_discard,
	.release = anon_release,
};

struct memobj *anon_create(uint64_t size)
{
	struct anon *an = calloc(1, sizeof(*an));

	if (!an)
		return NULL;
	an->obj = (struct memobj){ &anon_ops, 1, size };
	return &an->obj;
}
