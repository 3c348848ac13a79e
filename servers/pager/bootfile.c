/*
 * Private mappings of a file in the bootfs (a program's text and data):
 * the bootfs frame's pages mapped read-only where they hold nothing but
 * the file's bytes; a write, or a page that is only partly the file's (the
 * head before a segment, the tail where bss begins), gets a private frame
 * holding a copy, the rest zero.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <faultline/abi.h>
#include <faultline/ipc.h>
#include <faultline/syscalls.gen.h>
#include "memobj.h"
#include "pager.h"
#include "private.h"

struct bootfile {
	struct memobj obj;
	uint64_t file_page;		/* the bootfs page holding the object's byte 0 */
	uint64_t head, valid;		/* the file's bytes are [head, valid) of the object */
	struct private private;		/* pages with a frame of their own */
};

/* Whether page n of the object is the file's bytes and nothing else. */
static bool whole(const struct bootfile *b, uint64_t page)
{
	return page * PAGE >= b->head && (page + 1) * PAGE <= b->valid;
}

/* A private frame with page n's file bytes and zeros elsewhere. */
static int private_copy(struct bootfile *b, const struct fault *f, uint64_t page,
			struct fault_answer *a)
{
	long frame;
	int err = fault_new_frame(f, a, &frame);
	uint64_t lo = page * PAGE, from = lo > b->head ? lo : b->head;
	uint64_t to = lo + PAGE < b->valid ? lo + PAGE : b->valid;

	if (err)
		return err;
	if (whole(b, page)) {
		err = (int)fl_frame_copy((int)frame, 0, pager.bootfs, b->file_page + page, 1);
	} else if (from < to) {
		char *dst = scratch_map((int)frame, 1);
		const char *src = (const char *)pager.bi->bootfs_addr + b->file_page * PAGE;

		if (!dst) {
			err = -ENOMEM;
		} else {
			memcpy(dst + (from - lo), src + from, to - from);
			scratch_unmap(1);
		}
	}
	if (!err)
		err = private_add(&b->private, page);
	if (err)
		fl_handle_close((int)frame);
	return err;
}

static int bootfile_fault(struct memobj *o, const struct fault *f, struct fault_answer *a)
{
	struct bootfile *b = (struct bootfile *)o;
	uint64_t page = f->offset / PAGE;
	int err = private_fault(&b->private, f, page, a);

	if (err)
		return err < 0 ? err : 0;
	if ((f->access & FL_ACCESS_WRITE) || !whole(b, page))
		return private_copy(b, f, page, a);
	*a = (struct fault_answer){ FL_FAULT_MAP, { (uint64_t)pager.bootfs, b->file_page + page,
		fault_map_prot(f->prot & ~FL_MAP_WRITE) } };
	return 0;
}

static struct memobj *bootfile_fork(struct memobj *o)
{
	struct bootfile *b = (struct bootfile *)o, *child;

	child = (struct bootfile *)bootfile_create(b->file_page, o->size, b->head, b->valid);
	if (!child)
		return NULL;
	if (private_fork(&child->private, &b->private)) {
		memobj_put(&child->obj);
		return NULL;
	}
	return &child->obj;
}

static unsigned bootfile_mappings(struct memobj *o, uint64_t offset, mapping_fn fn, void *arg)
{
	return private_mappings(&((struct bootfile *)o)->private, offset / PAGE, fn, arg);
}

static void bootfile_discard(struct memobj *o, uint64_t offset, uint64_t len)
{
	private_discard(&((struct bootfile *)o)->private, offset / PAGE, len / PAGE);
}

static void bootfile_release(struct memobj *o)
{
	struct bootfile *b = (struct bootfile *)o;

	private_free(&b->private);
	free(b);
}

static const struct memobj_ops bootfile_ops = {
	.kind = "bootfs file",
	.fault = bootfile_fault,
	.split = memobj_share,
	.fork = bootfile_fork,
	.mappings = bootfile_mappings,
	.discard = bootfile_discard,
	.release = bootfile_release,
};

/*
 * An object of size bytes whose byte 0 is at bootfs page file_page; only
 * [head, valid) are the file's, the rest reads as zero.
 */
struct memobj *bootfile_create(uint64_t file_page, uint64_t size, uint64_t head, uint64_t valid)
{
	struct bootfile *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->obj = (struct memobj){ .ops = &bootfile_ops, .refs = 1, .size = size };
	b->private.owner = &b->obj;
	b->file_page = file_page;
	b->head = head;
	b->valid = valid;
	return &b->obj;
}
