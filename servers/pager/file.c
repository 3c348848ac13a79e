/*
 * Mappings of files the fs server holds (docs/fs.md "Mappings"). The
 * pages come from the fs server's page cache: the pager asks for a page
 * through the event ring (FL_FS_EV_PAGE) and parks the faults that wait
 * for it; the fs server answers with the page's frame (FL_PAGER_FS_PAGE),
 * which the pager keeps, so a later fault on that page, in any process,
 * needs no round trip. The pager never waits for the fs server.
 *
 * MAP_SHARED maps the page-cache frame itself: every mapper, and read()
 * and write(), see the same bytes. MAP_PRIVATE maps it read-only and gives
 * a write a private copy (then the page is the mapping's own, copy-on-write
 * across fork like anonymous memory). A page wholly past the end of the
 * file is SIGBUS.
 *
 * The fs server keeps its cache within a budget: it evicts a page
 * (FL_PAGER_FS_EVICT), which the pager unmaps everywhere and lets go of,
 * and it asks which pages shared mappings wrote (FL_PAGER_FS_DIRTY): the
 * kernel's dirty bits, read and cleared (query) in every mapping. The bits
 * of a shared mapping that goes (munmap, exit) are kept in a dirty set
 * until the fs server asks.
 *
 * Programs spawned or exec'd from a file are private mappings of it too
 * (file_exec, proc.c's launches), with a byte limit: a data segment's
 * page where bss begins is a copy with zeros past the file bytes. A page
 * of a bootfs file may come as a page of the bootfs frame itself (no
 * copy in the fs server): the frames are kept with the page they hold.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <faultline/abi.h>
#include <faultline/fs.h>
#include <faultline/ipc.h>
#include <faultline/mem.h>
#include <faultline/syscalls.gen.h>
#include "memobj.h"
#include "pager.h"
#include "private.h"

/* A fault waiting for a page of a file. */
struct waiter {
	struct waiter *next;
	uint64_t page;			/* the file's page */
	int pid, reply;
	uint64_t w[4];			/* the fault message, served again when the page comes */
};

/* What the pager holds of one fs object: its size and the frames it was given. */
struct fcache {
	struct fcache *next;
	uint64_t id;			/* the fs server's object id */
	uint64_t size;			/* bytes, as the fs server last said */
	unsigned users;			/* file objects on it */
	uint64_t received;		/* map and exec answers naming it, all let go by its unref */
	struct pagemap frames;		/* page -> frame_entry(): a frame handle and the page in it */
	struct waiter *waiting;
	struct file *objs;		/* the file objects on it, through file.next */
};

struct file {
	struct memobj obj;
	struct fcache *fc;
	uint64_t first;			/* the file's page at the object's byte 0 */
	uint64_t valid;			/* object bytes past it read as zero (a program's bss; else all valid) */
	bool shared;			/* MAP_SHARED: the frames themselves */
	struct private private;		/* MAP_PRIVATE: pages written, copies of their own */
	struct file *next;		/* the next on fc */
};

/* A request in flight to the fs server, answered by the token: an mmap, or a page. */
struct ask {
	struct ask *next;
	uint64_t token;
	struct fcache *fc;		/* a page of fc (NULL: an mmap, or fc gone) */
	uint64_t page;
	enum { ASK_PAGE, ASK_MMAP, ASK_SYNC, ASK_EXEC } kind;
	struct sync_wait *sync;		/* a sync's msync (NULL: MS_ASYNC, or gone) */
	struct launch *launch;		/* an exec's or spawn's (proc.c) */
	int pid, reply;			/* the mmap's (an exec's: pid) */
	uintptr_t addr;
	uint64_t len, offset;
	unsigned prot, flags;
};

/* Pages of object id written by shared mappings since gone, not yet told to the fs server. */
struct dirtyset {
	struct dirtyset *next;
	uint64_t id;
	struct pagemap pages;		/* page -> (void *)1 */
};

static struct fcache *caches;
static struct dirtyset *dirtysets;
static struct ask *asks;
static struct memobj *file_object(struct fcache *c, uint64_t offset, uint64_t len, bool shared);
static uint64_t next_token = 1;

static struct ask *ask_new(void)
{
	struct ask *a = calloc(1, sizeof(*a));

	if (a) {
		a->token = next_token++;
		a->next = asks;
		asks = a;
	}
	return a;
}

/* The ask with token, taken off the list (NULL: none). */
static struct ask *ask_take(uint64_t token, int kind)
{
	for (struct ask **at = &asks; *at; at = &(*at)->next) {
		struct ask *a = *at;

		if (a->token == token && (int)a->kind == kind) {
			*at = a->next;
			return a;
		}
	}
	return NULL;
}

static void ask_drop(struct ask *a)
{
	ask_take(a->token, (int)a->kind);
	free(a);
}

static struct ask *asked(const struct fcache *c, uint64_t page)
{
	for (struct ask *a = asks; a; a = a->next)
		if (a->kind == ASK_PAGE && a->fc == c && a->page == page)
			return a;
	return NULL;
}

static struct dirtyset *dirtyset_find(uint64_t id, bool make)
{
	struct dirtyset *d = dirtysets;

	while (d && d->id != id)
		d = d->next;
	if (!d && make && (d = calloc(1, sizeof(*d)))) {
		d->id = id;
		d->next = dirtysets;
		dirtysets = d;
	}
	return d;
}

/* Free d once it holds nothing. */
static void dirtyset_tidy(struct dirtyset *d)
{
	struct dirtyset **at = &dirtysets;

	if (d->pages.count)
		return;
	while (*at != d)
		at = &(*at)->next;
	*at = d->next;
	pagemap_free(&d->pages);
	free(d);
}

static void dirtyset_add(uint64_t id, uint64_t page)
{
	struct dirtyset *d = dirtyset_find(id, true);

	if (!d || pagemap_set(&d->pages, page, (void *)1))
		printf("pager: no memory: page %llu of file object %llu may not be written back\n",
		       (unsigned long long)page, (unsigned long long)id);
}

static struct fcache *find_cache(uint64_t id)
{
	struct fcache *c = caches;

	while (c && c->id != id)
		c = c->next;
	return c;
}

/* The cache of object id: a user more; *made if it is new. */
static struct fcache *fcache_get(uint64_t id, uint64_t size, bool *made)
{
	struct fcache *c = find_cache(id);

	*made = false;
	if (c) {
		c->users++;
		c->size = size;
		return c;
	}
	if (!(c = calloc(1, sizeof(*c))))
		return NULL;
	*c = (struct fcache){ .next = caches, .id = id, .size = size, .users = 1 };
	caches = c;
	*made = true;
	return c;
}

/*
 * A kept frame: the handle + 1 in the low 32 bits, the page of the frame
 * holding the file's page above them (a page of the bootfs frame, which
 * the fs server answers bootfs files' pages with: never mapped writable,
 * as no descriptor of a bootfs file may write, so no mapping of it may).
 */
static void *frame_entry(int frame, uint64_t in_frame)
{
	return (void *)(uintptr_t)((uint64_t)(uint32_t)(frame + 1) | in_frame << 32);
}

static int entry_frame(const void *entry)
{
	return (int)((uintptr_t)entry & 0xffffffffu) - 1;
}

static bool close_frame(uint64_t page, void *entry, void *arg)
{
	(void)page, (void)arg;
	fl_handle_close(entry_frame(entry));
	return true;
}

/* The last file object let go: its frames go back and the fs server may drop the object. */
static void fcache_put(struct fcache *c)
{
	struct fcache **at;

	if (--c->users)
		return;
	for (at = &caches; *at != c; at = &(*at)->next)
		;
	*at = c->next;
	for (struct ask *a = asks; a; a = a->next)
		if (a->fc == c)
			a->fc = NULL;	/* its answer finds nobody */
	pagemap_each(&c->frames, 0, UINT64_MAX, close_frame, NULL);
	pagemap_free(&c->frames);
	while (c->waiting) {		/* faulters of pages never answered: gone with the mapping */
		struct waiter *w = c->waiting;

		c->waiting = w->next;
		fl_handle_close(w->reply);
		free(w);
	}
	fs_event(FL_FS_EV_UNREF, 0, 0, c->id, c->received, 0);
	free(c);
}

/* The frame kept for c's page (-1: none), and in *in_frame (unless NULL) its page holding it. */
static int frame_of(const struct fcache *c, uint64_t page, uint64_t *in_frame)
{
	const void *entry = pagemap_get(&c->frames, page);

	if (in_frame)
		*in_frame = (uintptr_t)entry >> 32;
	return entry_frame(entry);
}

/* The fs server's frame (its page in_frame) kept as c's page: 0, or -errno (frame closed unless kept). */
static int keep_frame(struct fcache *c, uint64_t page, int frame, uint64_t in_frame)
{
	if (frame < 0)
		return -EIO;		/* an answer without its frame */
	if (in_frame > UINT32_MAX) {
		fl_handle_close(frame);
		return -EIO;
	}
	if (frame_of(c, page, NULL) >= 0) {
		fl_handle_close(frame);	/* one came before */
		return 0;
	}
	if (pagemap_set(&c->frames, page, frame_entry(frame, in_frame))) {
		fl_handle_close(frame);
		return -ENOMEM;
	}
	return 0;
}

/* Park the fault f until page comes, asking for it once: FAULT_PARKED, or -errno. */
static int wait_for(struct fcache *c, const struct fault *f, uint64_t page)
{
	struct waiter *w = malloc(sizeof(*w));
	struct ask *a;
	int err;

	if (!w)
		return -ENOMEM;
	if (!asked(c, page)) {
		if (!(a = ask_new())) {
			free(w);
			return -ENOMEM;
		}
		a->fc = c;
		a->page = page;
		if ((err = fs_event(FL_FS_EV_PAGE, 0, 0, c->id, page, a->token))) {
			ask_drop(a);
			free(w);
			return err;
		}
	}
	*w = (struct waiter){ .next = c->waiting, .page = page, .pid = f->proc->pid,
			      .reply = f->reply };
	memcpy(w->w, f->msg, sizeof(w->w));
	c->waiting = w;
	return FAULT_PARKED;
}

/* The bytes of the new frame from byte at on: zeros (past a program segment's file bytes). */
static int zero_tail(long frame, uint64_t at)
{
	char *page = scratch_map((int)frame, 1);

	if (!page)
		return -ENOMEM;
	memset(page + at, 0, PAGE - at);
	scratch_unmap(1);
	return 0;
}

/*
 * A private copy of the cached frame's page for a write (or a read of a
 * page written before, or of one straddling fo->valid: zeros past it).
 */
static int private_copy(struct file *fo, const struct fault *f, int from, uint64_t from_page,
			struct fault_answer *a)
{
	long frame;
	int err = fault_new_frame(f, a, &frame);

	if (err)
		return err;
	if ((err = (int)fl_frame_copy((int)frame, 0, from, from_page, 1)) ||
	    (f->offset + PAGE > fo->valid &&
	     (err = zero_tail(frame, fo->valid > f->offset ? fo->valid - f->offset : 0))) ||
	    (err = private_add(&fo->private, f->offset / PAGE))) {
		fl_handle_close((int)frame);
		return err;
	}
	return 0;
}

/*
 * Fault-around (Linux's fault_around_bytes): a read of a page whose frame
 * the pager holds also maps, read-only, the pages of the same aligned
 * window of AROUND pages whose frames it holds, inside the region and the
 * file, so reading a cached file sequentially takes a fault per window,
 * not per page. Never over a mapping (map refuses: EEXIST), never a
 * private copy's page, never write access (a write faults, so a shared
 * page's dirty bit starts clear and a private page is copied). A region
 * advised MADV_RANDOM takes one page per fault.
 */
#define AROUND	16

/* A run of pages for map_around: consecutive addresses from va, one map_frames call. */
struct run {
	uintptr_t va;
	unsigned n;
	struct fl_map_entry e[AROUND];
};

/* Map the run (nothing is replaced: map_frames skips what is mapped); false when memory ran out. */
static bool run_map(struct proc *p, struct run *run, unsigned prot)
{
	long r = run->n ? fl_map_frames(p->task, run->va, run->e, run->n, prot) : 0;

	run->n = 0;
	return r != -ENOMEM;
}

/* map_around's walk over the window's kept frames (pagemap_each: those present, in order). */
struct around {
	struct file *fo;
	const struct fault *f;
	unsigned prot;
	bool dry;			/* memory ran out: nothing more is mapped */
	uint64_t next;			/* the file page that would continue the run */
	struct run run;
};

static bool around_page(uint64_t page, void *entry, void *arg)
{
	struct around *a = arg;
	const struct region *r = a->f->region;
	uint64_t off = (page - a->fo->first) * PAGE;		/* the object's byte */
	uintptr_t va = r->start + (off - r->offset);
	/* a private page past the file's bytes is a copy with zeros: the fault makes it */
	bool take = va != a->f->va &&
		    (a->fo->shared || (!private_has(&a->fo->private, off / PAGE) &&
				       off + PAGE <= a->fo->valid));

	if (a->run.n && (!take || page != a->next))	/* a gap ends a run */
		a->dry |= !run_map(a->f->proc, &a->run, a->prot);
	if (take && !a->dry) {
		if (!a->run.n)
			a->run.va = va;
		a->run.e[a->run.n++] = (struct fl_map_entry){ .frame = entry_frame(entry),
							       .page = (uintptr_t)entry >> 32 };
		a->next = page + 1;
	}
	return false;
}

static void map_around(struct file *fo, const struct fault *f)
{
	const struct region *r = f->region;
	uintptr_t lo = f->va & ~(AROUND * PAGE - 1), hi = lo + AROUND * PAGE;
	uintptr_t from = lo > r->start ? lo : r->start, to = hi < r->end ? hi : r->end;
	uint64_t first = fo->first + (r->offset + (from - r->start)) / PAGE;
	/* not past the object, nor wholly past the end of the file: SIGBUS when touched */
	uint64_t end = fo->first + fo->obj.size / PAGE, eof = (fo->fc->size + PAGE - 1) / PAGE;
	struct around a;		/* (not initialised whole: the run's 16 entries) */

	if (r->flags & REGION_RANDOM)
		return;
	end = end < eof ? end : eof;
	if (first >= end)
		return;
	if (end - first > (to - from) / PAGE)
		end = first + (to - from) / PAGE;
	a.fo = fo;
	a.f = f;
	a.prot = fault_map_prot(f->prot & ~PROT_WRITE);
	a.dry = false;
	a.run.n = 0;
	pagemap_each(&fo->fc->frames, first, end - first, around_page, &a);
	if (!a.dry)
		run_map(f->proc, &a.run, a.prot);
}

static int file_fault(struct memobj *o, const struct fault *f, struct fault_answer *a)
{
	struct file *fo = (struct file *)o;
	uint64_t page = fo->first + f->offset / PAGE, in;
	int err, frame;

	if (!fo->shared && (err = private_fault(&fo->private, f, f->offset / PAGE, a)))
		return err < 0 ? err : 0;
	/*
	 * No frame: the fs server says (the size the pager last heard may be
	 * old: a write may have grown the file), with the frame, or -EFAULT
	 * past the end.
	 */
	if ((frame = frame_of(fo->fc, page, &in)) < 0)
		return wait_for(fo->fc, f, page);
	if (!fo->shared && ((f->access & FL_ACCESS_WRITE) || f->offset + PAGE > fo->valid))
		return private_copy(fo, f, frame, in, a);
	if (!(f->access & FL_ACCESS_WRITE))
		map_around(fo, f);
	/*
	 * Writable only for a write (a page read first faults again when it
	 * is first written), so the kernel's dirty bit, set when a writable
	 * page is mapped, says which pages a shared mapping wrote.
	 */
	*a = (struct fault_answer){ FL_FAULT_MAP, { (uint64_t)frame, in,
		fault_map_prot(fo->shared && (f->access & FL_ACCESS_WRITE) ? f->prot :
			       f->prot & ~FL_MAP_WRITE) } };
	return 0;
}

/* msync (vm.c): what waits for the fs server's writebacks. */
struct sync_wait {
	int pid, reply;			/* reply -1: MS_ASYNC, nobody waits */
	unsigned pending;		/* writebacks asked, not answered */
	int err;			/* the first error */
	uint64_t asked[16];		/* objects asked already (more: asked again, harmless) */
	unsigned nasked;
};

struct sync_wait *sync_wait_new(struct proc *p, int reply)
{
	struct sync_wait *w = calloc(1, sizeof(*w));

	if (w) {
		w->pid = p->pid;
		w->reply = reply;
	}
	return w;
}

/* The msync's answer once nothing is pending: 0, or the first error. */
static void sync_done(struct sync_wait *w)
{
	if (w->reply >= 0 && fl_reply(w->reply, FL_TAG(0, 0, 0), (uint64_t)(int64_t)w->err, 0, 0,
				      0) < 0)
		fl_handle_close(w->reply);
	free(w);
}

/*
 * All asked: VM_PARKED (answered when the writebacks are), or the answer
 * now (nothing to wait for, or MS_ASYNC).
 */
long sync_wait_start(struct sync_wait *w)
{
	long err = w->err;

	if (w->pending && w->reply >= 0)
		return VM_PARKED;
	sync_wait_drop(w);
	return err;
}

/* Nobody waits (MS_ASYNC, or the msync failed): the answers find nobody. */
void sync_wait_drop(struct sync_wait *w)
{
	for (struct ask *a = asks; a; a = a->next)
		if (a->sync == w)
			a->sync = NULL;
	free(w);
}

/* A shared file mapping in msync's range: its object written back (once per msync). */
static int file_sync(struct memobj *o, struct sync_wait *w)
{
	struct file *fo = (struct file *)o;
	struct ask *a;
	int err;

	for (unsigned i = 0; i < w->nasked && i < 16; i++)
		if (w->asked[i] == fo->fc->id)
			return 0;
	if (!(a = ask_new()))
		return -ENOMEM;
	a->kind = ASK_SYNC;
	a->sync = w;
	if ((err = fs_event(FL_FS_EV_SYNC, 0, 0, fo->fc->id, 0, a->token))) {
		ask_drop(a);
		return err;
	}
	if (w->nasked < 16)
		w->asked[w->nasked] = fo->fc->id;
	w->nasked++;
	w->pending++;
	return 0;
}

/* The fs server's FL_PAGER_FS_SYNCED: one writeback of an msync done. 0, or -ESRCH. */
long file_synced_answer(uint64_t token, int64_t result)
{
	struct ask *a = ask_take(token, ASK_SYNC);
	struct sync_wait *w = a ? a->sync : NULL;

	if (!a)
		return -ESRCH;
	free(a);
	if (!w)
		return 0;		/* MS_ASYNC, or its process gone */
	if (result < 0 && !w->err)
		w->err = (int)result;
	if (--w->pending == 0) {
		struct proc *p = proc_find(w->pid);

		if (!p || p->zombie) {
			fl_handle_close(w->reply);
			free(w);
		} else {
			sync_done(w);
		}
	}
	return 0;
}

static struct memobj *file_fork(struct memobj *o)
{
	struct file *fo = (struct file *)o, *child;

	if (fo->shared)
		return memobj_get(o);	/* one object: the same frames */
	fo->fc->users++;
	if (!(child = (struct file *)file_object(fo->fc, fo->first * PAGE, o->size, false))) {
		fo->fc->users--;
		return NULL;
	}
	child->valid = fo->valid;
	if (private_fork(&child->private, &fo->private)) {
		memobj_put(&child->obj);
		return NULL;
	}
	return &child->obj;
}

static unsigned file_mappings(struct memobj *o, uint64_t offset, mapping_fn fn, void *arg)
{
	struct file *fo = (struct file *)o;

	if (fo->shared)
		return memobj_mappers(o, offset / PAGE, fn, arg);
	return private_mappings(&fo->private, offset / PAGE, fn, arg);
}

static void file_discard(struct memobj *o, uint64_t offset, uint64_t len)
{
	struct file *fo = (struct file *)o;

	if (!fo->shared)
		private_discard(&fo->private, offset / PAGE, len / PAGE);
}

static void file_release(struct memobj *o)
{
	struct file *fo = (struct file *)o;
	struct file **at = &fo->fc->objs;

	while (*at != fo)
		at = &(*at)->next;
	*at = fo->next;
	private_free(&fo->private);
	fcache_put(fo->fc);
	free(fo);
}

/* A shared region's pages going: each held page's dirty bit (or, the task gone, a guess). */
struct going {
	struct region *r;
	struct file *fo;
	bool gone;
};

static bool keep_dirty(uint64_t page, void *entry, void *arg)
{
	struct going *g = arg;
	uintptr_t va = g->r->start + (page - g->fo->first) * PAGE - g->r->offset;
	long q = g->gone ? -1 : fl_query(((struct proc *)g->r->owner)->task, va, FL_QUERY_CLEAR);

	(void)entry;
	if (q < 0 || (q & FL_QUERY_DIRTY))
		dirtyset_add(g->fo->fc->id, page);
	return false;
}

/*
 * A region of a shared file mapping is about to lose its pages: their
 * dirty bits kept for the fs server. gone: the task is destroyed already
 * (exit), so every page it may have written counts as written.
 */
static void file_unmapping(struct memobj *o, struct region *r, bool gone)
{
	struct file *fo = (struct file *)o;
	struct going g = { r, fo, gone };
	uint64_t first = fo->first + r->offset / PAGE;

	if (gone && (r->flags & REGION_NOWRITE))
		return;			/* never writable */
	pagemap_each(&fo->fc->frames, first, (r->end - r->start) / PAGE, keep_dirty, &g);
}

static const struct memobj_ops file_private_ops = {
	.kind = "file (private)",
	.fault = file_fault,
	.split = memobj_share,
	.fork = file_fork,
	.mappings = file_mappings,
	.discard = file_discard,
	.release = file_release,
};

/* MAP_SHARED: fork shares the frames as they are mapped (FL_COPY_SHARE); msync writes back. */
static const struct memobj_ops file_shared_ops = {
	.kind = "file (shared)",
	.shared = true,
	.sync = file_sync,
	.unmapping = file_unmapping,
	.fault = file_fault,
	.split = memobj_share,
	.fork = file_fork,
	.mappings = file_mappings,
	.discard = file_discard,
	.release = file_release,
};

/* A mapping of len bytes of c from byte offset (a page multiple): shared or private. */
static struct memobj *file_object(struct fcache *c, uint64_t offset, uint64_t len, bool shared)
{
	struct file *fo = calloc(1, sizeof(*fo));

	if (!fo)
		return NULL;
	fo->obj = (struct memobj){ .ops = shared ? &file_shared_ops : &file_private_ops,
				   .refs = 1, .size = len };
	fo->private.owner = &fo->obj;
	fo->fc = c;
	fo->first = offset / PAGE;
	fo->valid = UINT64_MAX;
	fo->shared = shared;
	fo->next = c->objs;
	c->objs = fo;
	return &fo->obj;
}

/*
 * mmap of fd: the fs server says what fd is (FL_FS_EV_MAP); the request
 * waits, parked with its reply handle, for file_mapped_answer. VM_PARKED,
 * or -ENODEV (no fs server), -EAGAIN (its ring is full), -ENOMEM.
 */
long file_mmap(struct proc *p, int reply, uintptr_t addr, uint64_t len, unsigned prot,
	       unsigned flags, int fd, uint64_t offset)
{
	struct ask *a = ask_new();
	int err;

	if (!a)
		return -ENOMEM;
	a->kind = ASK_MMAP;
	a->pid = p->pid;
	a->reply = reply;
	a->addr = addr;
	a->len = len;
	a->offset = offset;
	a->prot = prot;
	a->flags = flags;
	if ((err = fs_event(FL_FS_EV_MAP, p->pid, 0, (uint64_t)fd,
			    prot | (uint64_t)(flags & (MAP_SHARED | MAP_PRIVATE)) << 8, a->token))) {
		ask_drop(a);
		return err;
	}
	return VM_PARKED;
}

/*
 * The cache of object id, which an answer names (a map's or an exec's),
 * with a user more: the answer counted, for its unref. NULL for want of
 * memory (the unref owed paid at once).
 */
static struct fcache *answered_cache(uint64_t id, uint64_t size)
{
	bool made;
	struct fcache *c = fcache_get(id, size, &made);

	if (!c) {
		fs_event(FL_FS_EV_UNREF, 0, 0, id, 1, 0);	/* pays the debt */
		return NULL;
	}
	c->received++;
	if (!made)
		fs_owed_drop();		/* the object's unref is owed once, by its cache */
	return c;
}

/* The object a map answer names, mapped for the ask: the address or -errno. */
static long map_answered(struct ask *a, struct proc *p, int64_t result, uint64_t size,
			 bool may_write)
{
	bool shared = a->flags & MAP_SHARED;
	unsigned nowrite = shared && !may_write ? REGION_NOWRITE : 0;
	struct fcache *c;
	struct memobj *o;

	if (result == FL_FS_MAP_ZERO || result <= 0) {
		fs_owed_drop();		/* no object held: no unref owed */
		if (result != FL_FS_MAP_ZERO)
			return result < 0 ? result : -EIO;
		o = shared ? shared_create(a->len) : private_memory(p, a->len);
		return o ? vm_place(p, a->addr, a->len, a->prot, a->flags | MAP_ANONYMOUS, o) :
			   -ENOMEM;
	}
	if (!(c = answered_cache((uint64_t)result, size)))
		return -ENOMEM;
	if (!(o = file_object(c, a->offset, a->len, shared))) {
		fcache_put(c);
		return -ENOMEM;
	}
	return vm_place(p, a->addr, a->len, a->prot, a->flags | nowrite, o);
}

/* An answer naming object result (or an error) nobody takes now: the unref it owes is paid. */
static void answer_unwanted(int64_t result)
{
	struct fcache *c = result > 0 ? find_cache((uint64_t)result) : NULL;

	if (result > 0 && !c) {
		fs_event(FL_FS_EV_UNREF, 0, 0, (uint64_t)result, 1, 0);	/* pays the debt */
	} else {
		if (c)
			c->received++;	/* let go with the cache's own unref */
		fs_owed_drop();
	}
}

/* The fs server's FL_PAGER_FS_MAPPED: the parked mmap answered. 0, or -ESRCH (no such token). */
long file_mapped_answer(uint64_t token, int64_t result, uint64_t size, bool may_write)
{
	struct ask *a = ask_take(token, ASK_MMAP);
	struct proc *p;
	long r;

	if (!a)
		return -ESRCH;
	p = proc_find(a->pid);
	if (!p || p->zombie) {		/* the mmap's caller is gone */
		answer_unwanted(result);
		fl_handle_close(a->reply);
		free(a);
		return 0;
	}
	r = map_answered(a, p, result, size, may_write);
	if (fl_reply(a->reply, FL_TAG(0, 0, 0), (uint64_t)r, 0, 0, 0) < 0)
		fl_handle_close(a->reply);
	free(a);
	return 0;
}

/*
 * The fs server's FL_PAGER_FS_PAGE: the frame of the page asked for with
 * token (or why not). Every fault waiting for it is served again: mapped,
 * SIGBUS past the end of the file, or SIGBUS if it could not be read.
 */
long file_page_answer(uint64_t token, int64_t result, uint64_t size, int frame, uint64_t in_frame)
{
	struct ask *a = ask_take(token, ASK_PAGE);
	struct fcache *c = a ? a->fc : NULL;
	uint64_t page = a ? a->page : 0;
	long known = a ? 0 : -ESRCH;	/* no longer wanted, or never asked */
	struct waiter *w, **at;

	free(a);
	if (!c) {
		if (frame >= 0)
			fl_handle_close(frame);
		return known;
	}
	c->size = size;
	if (result == 0)
		result = keep_frame(c, page, frame, in_frame);
	else if (frame >= 0)
		fl_handle_close(frame);
	for (at = &c->waiting; (w = *at);) {
		struct proc *p = proc_find(w->pid);

		if (w->page != page) {
			at = &w->next;
			continue;
		}
		*at = w->next;
		if (!p || p->zombie)
			fl_handle_close(w->reply);
		else if (result < 0)
			kill_for_fault(p, w->reply, SIGBUS, access_name(FL_FAULT_ACCESS(w->w[0])),
				       w->w, result == -EFAULT ? "past the end of its file" :
				       "the fs server could not read the page");
		else
			pager_fault_again(p, w->reply, w->w);	/* mapped now */
		free(w);
	}
	return 0;
}

/* The pages of fo at file page first and past it: unmapped in every region, private copies gone. */
static void cut(struct file *fo, uint64_t first)
{
	uint64_t from = first > fo->first ? (first - fo->first) * PAGE : 0;	/* object byte */

	if (from >= fo->obj.size)
		return;
	for (struct region *r = fo->obj.mappers; r; r = r->obj_next) {
		uintptr_t va = r->start + (from > r->offset ? from - r->offset : 0);

		if (va < r->end)
			vm_unmap_pages(r->owner, va, r->end);
	}
	if (!fo->shared)
		private_discard(&fo->private, from / PAGE, (fo->obj.size - from) / PAGE);
}

static bool forget(uint64_t page, void *entry, void *arg)
{
	(void)page, (void)entry, (void)arg;
	return true;
}

/*
 * The fs server's FL_PAGER_FS_TRUNCATE: object id shrank to size. Its
 * pages wholly past the end are unmapped from every mapping (a later
 * access is SIGBUS) and their frames let go. 0, or -ESRCH.
 */

long file_truncated(uint64_t id, uint64_t size)
{
	struct fcache *c = find_cache(id);
	struct dirtyset *d;
	uint64_t first = (size + PAGE - 1) / PAGE;

	if (!c)
		return -ESRCH;
	c->size = size;
	for (struct file *fo = c->objs; fo; fo = fo->next)
		cut(fo, first);
	pagemap_each(&c->frames, first, UINT64_MAX - first, close_frame, NULL);
	if ((d = dirtyset_find(id, false))) {	/* writes past the end are no longer the file's */
		pagemap_each(&d->pages, first, UINT64_MAX - first, forget, NULL);
		dirtyset_tidy(d);
	}
	return 0;
}

/* ---- dirty bits and eviction (the fs server's budget) ---------------- */

/* What a scan of one page's mappings does and finds. */
struct scan {
	bool unmap;			/* unmap it too (evict) */
	bool dirty;			/* a mapping wrote it */
};

/* One mapping of a page-cache frame: its dirty bit read and cleared, and unmapped if asked. */
static void scan_mapping(struct proc *p, uintptr_t va, void *arg)
{
	struct scan *s = arg;
	long q = fl_query(p->task, va, FL_QUERY_CLEAR);

	if (q < 0 || (q & FL_QUERY_DIRTY))
		s->dirty = true;	/* (an error: assume written, never lose a write) */
	if (s->unmap)
		vm_unmap_pages(p, va, va + PAGE);
}

static void unmap_mapping(struct proc *p, uintptr_t va, void *arg)
{
	(void)arg;
	vm_unmap_pages(p, va, va + PAGE);
}

/*
 * Every mapping of c's frame for page: its dirty bit collected (shared
 * mappings: private ones map it read-only), and with unmap, unmapped
 * (private mappings too, where the page is not a copy of their own).
 * Whether one wrote it.
 */
static bool scan_page(struct fcache *c, uint64_t page, bool unmap)
{
	struct scan s = { unmap, false };

	for (struct file *fo = c->objs; fo; fo = fo->next) {
		uint64_t at = page - fo->first;

		if (page < fo->first || at >= fo->obj.size / PAGE)
			continue;
		if (fo->shared)
			memobj_mappers(&fo->obj, at, scan_mapping, &s);
		else if (unmap && !private_has(&fo->private, at))
			memobj_mappers(&fo->obj, at, unmap_mapping, NULL);
	}
	return s.dirty;
}

/*
 * The fs server's FL_PAGER_FS_EVICT: page of object id leaves the page
 * cache. Unmapped everywhere, the frame let go (a later fault asks for it
 * again): 1 if it was written since the fs server last heard, 0 if not,
 * or -ENOENT (no such page held, and no write of it kept).
 */
long file_evict(uint64_t id, uint64_t page)
{
	struct fcache *c = find_cache(id);
	struct dirtyset *d = dirtyset_find(id, false);
	bool dirty = false;
	int frame;

	if (d && pagemap_get(&d->pages, page)) {
		dirty = true;
		pagemap_clear(&d->pages, page);
		dirtyset_tidy(d);
	}
	if (!c || (frame = frame_of(c, page, NULL)) < 0)
		return dirty ? 1 : -ENOENT;
	dirty |= scan_page(c, page, true);
	pagemap_clear(&c->frames, page);
	fl_handle_close(frame);
	return dirty;
}

/* The dirty pages gathered for an answer: at most max, more if some were left. */
struct gather {
	uint64_t *out;
	unsigned n, max;
	bool more;
	struct fcache *c;
};

static bool gather_kept(uint64_t page, void *entry, void *arg)
{
	struct gather *g = arg;

	(void)entry;
	if (g->n == g->max) {
		g->more = true;
		return false;
	}
	g->out[g->n++] = page;
	return true;
}

static bool gather_held(uint64_t page, void *entry, void *arg)
{
	struct gather *g = arg;

	(void)entry;
	if (g->n == g->max)
		g->more = true;		/* not read: its bit stays for the next call */
	else if (scan_page(g->c, page, false))
		g->out[g->n++] = page;
	return false;
}

/*
 * The fs server's FL_PAGER_FS_DIRTY: the pages of object id written since
 * it last asked, into out (at most max): those kept from mappings gone,
 * then those whose frames shared mappings map (bits cleared as they are
 * read). How many; *more if some are left (their bits not yet read, or
 * still kept), for the next call.
 */
long file_dirty(uint64_t id, uint64_t *out, unsigned max, bool *more)
{
	struct dirtyset *d = dirtyset_find(id, false);
	struct gather g = { out, 0, max, false, find_cache(id) };

	if (d) {
		pagemap_each(&d->pages, 0, UINT64_MAX, gather_kept, &g);
		dirtyset_tidy(d);
	}
	if (g.c)
		pagemap_each(&g.c->frames, 0, UINT64_MAX, gather_held, &g);
	*more = g.more;
	return g.n;
}

/* ---- programs: exec and spawn of a file (proc.c's launches) ------------ */

/*
 * A private mapping of len bytes of c from byte offset (a page multiple)
 * for a program segment: the bytes from valid on read as zero (bss), so a
 * page straddling valid gets a copy of its own even on a read. A user of
 * c more: the object, or NULL.
 */
struct memobj *file_program_object(struct fcache *c, uint64_t offset, uint64_t len,
				   uint64_t valid)
{
	struct file *fo;

	c->users++;
	if (!(fo = (struct file *)file_object(c, offset, len, false))) {
		c->users--;
		return NULL;
	}
	fo->valid = valid;
	return &fo->obj;
}

/*
 * The program at p's fd for l: the fs server is asked (FL_FS_EV_EXEC) and
 * the launch waits for file_exec_answer. 0, or -ENOMEM, -EAGAIN (its ring
 * is full), -ENODEV (no fs server): the fd not consumed.
 */
int file_exec(struct proc *p, int64_t fd, struct launch *l)
{
	struct ask *a = ask_new();
	int err;

	if (!a)
		return -ENOMEM;
	a->kind = ASK_EXEC;
	a->pid = p->pid;
	a->launch = l;
	if ((err = fs_event(FL_FS_EV_EXEC, p->pid, 0, (uint64_t)fd, 0, a->token))) {
		ask_drop(a);
		return err;
	}
	return 0;
}

/* Page 0 of c (the ELF header and program headers) into head. */
static int read_head(struct fcache *c, uint8_t *head)
{
	uint64_t in;
	int frame = frame_of(c, 0, &in);
	const void *page = scratch_map_page(frame, in);

	if (!page)
		return -ENOMEM;
	memcpy(head, page, PAGE);
	scratch_unmap(1);
	return 0;
}

/*
 * The fs server's FL_PAGER_FS_EXEC: the object of the program asked for
 * with token and the frame of its page 0 (kept like a page answer's), or
 * why not. The launch goes on (proc_launched) or fails with the error. 0,
 * or -ESRCH (no such token).
 */
long file_exec_answer(uint64_t token, int64_t result, uint64_t size, int frame,
		      uint64_t in_frame)
{
	static uint8_t head[PAGE];
	struct ask *a = ask_take(token, ASK_EXEC);
	struct launch *l = a ? a->launch : NULL;
	struct proc *p = a ? proc_find(a->pid) : NULL;
	struct fcache *c = NULL;
	int err;

	free(a);
	if (!l || !p || p->zombie) {	/* never asked, or its caller is gone */
		if (frame >= 0)
			fl_handle_close(frame);
		if (!l)
			return -ESRCH;
		answer_unwanted(result);
		launch_drop(l);
		return 0;
	}
	if (result <= 0) {
		fs_owed_drop();		/* no object held: no unref owed */
		err = result < 0 ? (int)result : -EIO;
	} else if (!(c = answered_cache((uint64_t)result, size))) {
		err = -ENOMEM;
	} else {
		err = keep_frame(c, 0, frame, in_frame);
		frame = -1;
		if (!err)
			err = read_head(c, head);
	}
	if (frame >= 0)
		fl_handle_close(frame);
	if (err)
		launch_fail(l, err);
	else
		proc_launched(l, p, c, head, size);
	if (c)
		fcache_put(c);		/* the segments' objects hold it now, if any */
	return 0;
}
