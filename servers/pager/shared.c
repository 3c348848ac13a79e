/*
 * Shared anonymous memory (MAP_SHARED | MAP_ANONYMOUS): one set of frames
 * for every mapper, across fork. Frames come in chunks of CHUNK_PAGES,
 * allocated zeroed on the first touch of the chunk and charged to the
 * system pool (a shared object outlives the process that made it); the
 * pager keeps one handle per chunk and maps the page itself on every
 * fault, reads included (no zero page: the next write must land in the
 * frame the others see).
 */
#include <errno.h>
#include <stdlib.h>
#include <faultline/abi.h>
#include <faultline/ipc.h>
#include <faultline/syscalls.gen.h>
#include "memobj.h"
#include "pagemap.h"
#include "pager.h"

#define CHUNK_PAGES	16		/* 64 KiB per frame handle */

struct shared {
	struct memobj obj;
	struct pagemap chunks;		/* chunk number -> frame handle + 1 */
};

static int chunk_frame(struct shared *s, uint64_t chunk)
{
	uintptr_t h = (uintptr_t)pagemap_get(&s->chunks, chunk);
	long f;

	if (h)
		return (int)(h - 1);
	if ((f = fl_frame_alloc(pager.sys_pool, CHUNK_PAGES)) < 0)
		return (int)f;
	if (pagemap_set(&s->chunks, chunk, (void *)(uintptr_t)(f + 1))) {
		fl_handle_close((int)f);
		return -ENOMEM;
	}
	pager.shared_pages += CHUNK_PAGES;
	return (int)f;
}

static int shared_fault(struct memobj *o, const struct fault *f, struct fault_answer *a)
{
	uint64_t page = f->offset / PAGE;
	int frame = chunk_frame((struct shared *)o, page / CHUNK_PAGES);

	if (frame < 0)
		return frame;
	*a = (struct fault_answer){ FL_FAULT_MAP,
		{ (uint64_t)frame, page % CHUNK_PAGES, fault_map_prot(f->prot) } };
	return 0;
}

static int shared_frame(struct memobj *o, uint64_t offset, int *frame, uint64_t *page)
{
	int f = chunk_frame((struct shared *)o, offset / PAGE / CHUNK_PAGES);

	if (f < 0)
		return f;
	*frame = f;
	*page = offset / PAGE % CHUNK_PAGES;
	return 0;
}

/* Every mapper of the object that covers the page maps the same frame. */
static unsigned shared_mappings(struct memobj *o, uint64_t offset, mapping_fn fn, void *arg)
{
	return memobj_mappers(o, offset / PAGE, fn, arg);
}

static void shared_discard(struct memobj *o, uint64_t offset, uint64_t len)
{
	(void)o;		/* the frames stay: other mappers, or a later mapping, see them */
	(void)offset;
	(void)len;
}

static bool close_chunk(uint64_t chunk, void *entry, void *arg)
{
	(void)chunk;
	(void)arg;
	fl_handle_close((int)((uintptr_t)entry - 1));
	pager.shared_pages -= CHUNK_PAGES;
	return true;
}

static void shared_release(struct memobj *o)
{
	struct shared *s = (struct shared *)o;

	pagemap_each(&s->chunks, 0, UINT64_MAX, close_chunk, NULL);
	pagemap_free(&s->chunks);
	free(s);
}

static const struct memobj_ops shared_ops = {
	.kind = "shared anonymous",
	.fault = shared_fault,
	.split = memobj_share,
	.fork = memobj_share,		/* the child maps the same frames */
	.mappings = shared_mappings,
	.frame = shared_frame,
	.discard = shared_discard,
	.release = shared_release,
	.shared = true,
};

struct memobj *shared_create(uint64_t size)
{
	struct shared *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->obj = (struct memobj){ .ops = &shared_ops, .refs = 1, .size = size };
	return &s->obj;
}
