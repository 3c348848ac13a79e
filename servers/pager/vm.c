/*
 * Address spaces: mmap, munmap, mprotect and brk on a process's regions,
 * and the fault path (legal address? legal access? then the region's
 * memory object resolves it). The kernel's page tables follow: unmap and
 * protect remove what a region no longer allows; faults add the rest.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <faultline/abi.h>
#include <faultline/ipc.h>
#include <faultline/syscalls.gen.h>
#include "memobj.h"
#include "pager.h"

#define PROT_ALL	(PROT_READ | PROT_WRITE | PROT_EXEC)

/* A region's PROT_* bits are handed to the kernel as FL_MAP_* bits. */
_Static_assert(PROT_READ == FL_MAP_READ && PROT_WRITE == FL_MAP_WRITE &&
	       PROT_EXEC == FL_MAP_EXEC, "PROT_* and FL_MAP_* agree");
#define MAP_KNOWN	(MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_NORESERVE)

/* ---- answers the memory-object kinds share -------------------------- */

unsigned fault_map_prot(unsigned prot)
{
	unsigned p = prot | FL_MAP_READ;

	return (p & FL_MAP_WRITE) && (p & FL_MAP_EXEC) ? p | FL_MAP_WX : p;
}

void fault_allow(const struct fault *f, struct fault_answer *a)
{
	*a = (struct fault_answer){ FL_FAULT_ALLOW, { fault_map_prot(f->prot) } };
}

int fault_new_frame(const struct fault *f, struct fault_answer *a, long *frame)
{
	long h = fl_frame_alloc(f->proc->pool, 1);

	if (h < 0)
		return (int)h;
	*frame = h;
	*a = (struct fault_answer){
		FL_FAULT_MAP, { (uint64_t)h | FL_HANDLE_MOVE, 0, fault_map_prot(f->prot) } };
	pager.private_pages++;
	f->proc->private_pages++;
	return 0;
}

void fault_zero_frame(const struct fault *f, struct fault_answer *a)
{
	*a = (struct fault_answer){
		FL_FAULT_ZERO, { (uint64_t)f->proc->pool, 0, fault_map_prot(f->prot) } };
	pager.private_pages++;
	f->proc->private_pages++;
}

struct memobj *private_memory(struct proc *p, uint64_t size)
{
	return p->paged_by ? delegated_create(size, p->paged_by) : anon_create(size);
}

/* ---- the regions of an object (the reverse map's second half) ---------- */

void memobj_link(struct memobj *o, struct region *r)
{
	r->obj_next = o->mappers;
	o->mappers = r;
}

void memobj_unlink(struct memobj *o, struct region *r)
{
	struct region **at = &o->mappers;

	while (*at && *at != r)
		at = &(*at)->obj_next;
	if (*at)
		*at = r->obj_next;
}

unsigned memobj_mappers(struct memobj *o, uint64_t page, mapping_fn fn, void *arg)
{
	uint64_t at = page * PAGE;
	unsigned n = 0;

	for (struct region *r = o->mappers; r; r = r->obj_next) {
		if (at < r->offset || at - r->offset >= r->end - r->start)
			continue;
		if (fn)
			fn(r->owner, r->start + (at - r->offset), arg);
		n++;
	}
	return n;
}

/* ---- regions ---------------------------------------------------------- */

/* The kernel's side of a range: nothing mapped there any more. */
void vm_unmap_pages(struct proc *p, uintptr_t start, uintptr_t end)
{
	while (start < end) {
		long done = fl_unmap(p->task, start, end - start);

		if (done <= 0) {
			printf("pager: unmap %#lx..%#lx of pid %d failed (%ld)\n",
			       (unsigned long)start, (unsigned long)end, p->pid, done);
			return;
		}
		start += (uintptr_t)done;
	}
}

/*
 * Cut the region containing at (if any) so that a region boundary falls
 * there: 0 or -ENOMEM.
 */
static int cut_at(struct proc *p, uintptr_t at)
{
	struct region *r = region_find(&p->map, at), *tail;
	struct memobj *o;

	if (!r || r->start == at)
		return 0;
	if (p->map.count >= REGIONS_MAX || !(tail = malloc(sizeof(*tail))))
		return -ENOMEM;
	if (!(o = r->obj->ops->split(r->obj))) {
		free(tail);
		return -ENOMEM;
	}
	region_split(&p->map, r, at, tail);
	tail->obj = o;
	memobj_link(o, tail);
	return 0;
}

/* A region's pages unmapped and let go (what the object keeps of them kept first). */
static void region_unmap(struct proc *p, struct region *r)
{
	if (r->obj->ops->unmapping)
		r->obj->ops->unmapping(r->obj, r, false);
	vm_unmap_pages(p, r->start, r->end);
	r->obj->ops->discard(r->obj, r->offset, r->end - r->start);
}

/* Take one whole region out: its pages, its object reference. */
static void region_drop(struct proc *p, struct region *r)
{
	region_unmap(p, r);
	region_remove(&p->map, r);
	memobj_unlink(r->obj, r);
	memobj_put(r->obj);
	free(r);
}

/* Remove [start, end) from every region (holes are fine): 0 or -ENOMEM. */
static int unmap_range(struct proc *p, uintptr_t start, uintptr_t end)
{
	struct region *r;
	int err;

	if ((err = cut_at(p, start)) || (err = cut_at(p, end)))
		return err;
	while ((r = region_next(&p->map, start)) && r->start < end)
		region_drop(p, r);
	return 0;
}

int vm_map_object(struct proc *p, uintptr_t start, uintptr_t end, unsigned prot,
		  unsigned flags, struct memobj *o, uint64_t offset)
{
	struct region *r;
	int err;

	if (p->map.count >= REGIONS_MAX || !(r = malloc(sizeof(*r))))
		return -ENOMEM;
	*r = (struct region){ .start = start, .end = end, .prot = prot, .flags = flags,
			      .obj = o, .offset = offset, .owner = p };
	if ((err = region_insert(&p->map, r)))
		free(r);
	else
		memobj_link(o, r);
	return err;
}

/*
 * A pinned process's pages [start, end), in region r, mapped now: fresh
 * frames from its pool (zeroed by the kernel), the bytes [from, to) of the
 * range copied from src (src is the range's first byte; NULL: nothing to
 * copy), adopted by the region's object as its private pages. A pinned
 * process (the fs server) never faults, so the pager never waits for it.
 */
#define POPULATE_CHUNK	16	/* pages per frame */

int vm_populate(struct proc *p, uintptr_t start, uintptr_t end, const uint8_t *src,
		uint64_t from, uint64_t to)
{
	struct region *r = region_find(&p->map, start);

	if (!r || end > r->end)
		return -EINVAL;
	for (uintptr_t va = start; va < end; va += POPULATE_CHUNK * PAGE) {
		uint64_t n = (end - va) / PAGE < POPULATE_CHUNK ? (end - va) / PAGE : POPULATE_CHUNK;
		uint64_t at = va - start, lo = from > at ? from : at;
		uint64_t hi = to < at + n * PAGE ? to : at + n * PAGE;
		long f = fl_frame_alloc(p->pool, n), err = 0;
		uint8_t *w;

		if (f < 0)
			return (int)f;
		if (src && lo < hi) {
			if ((w = scratch_map((int)f, n))) {
				memcpy(w + (lo - at), src + lo, hi - lo);
				scratch_unmap(n);
			} else {
				err = -ENOMEM;
			}
		}
		if (!err)
			err = fl_map(p->task, va, (int)f, 0, n, fault_map_prot(r->prot));
		fl_handle_close((int)f);
		if (err || (err = r->obj->ops->adopt(r->obj, r->offset + va - r->start, n * PAGE)))
			return (int)err;
	}
	return 0;
}

/* Everything in the address space goes (exec): 0 or -ENOMEM. */
int vm_clear(struct proc *p)
{
	return unmap_range(p, USER_LO, USER_HI);
}

/* ---- the requests --------------------------------------------------- */

static bool range_ok(uintptr_t addr, uint64_t len)
{
	return addr % PAGE == 0 && len && len <= USER_HI && addr >= USER_LO &&
	       addr <= USER_HI - len;
}

/*
 * o (len bytes, a page multiple) mapped where mmap's addr and flags say:
 * the address, or -errno (o is put then).
 */
long vm_place(struct proc *p, uintptr_t addr, uint64_t len, unsigned prot, unsigned flags,
	      struct memobj *o)
{
	uintptr_t at;
	int err;

	if (flags & MAP_FIXED) {
		if ((err = unmap_range(p, addr, addr + len))) {	/* vm_mmap checked the range */
			memobj_put(o);
			return err;
		}
		at = addr;
	} else {
		/* without a hint, after the last mapping: one tree walk, not a scan of holes */
		uintptr_t hint = addr && addr % PAGE == 0 ? addr :
				 p->mmap_next > MMAP_BASE ? p->mmap_next : MMAP_BASE;

		if ((err = region_find_hole(&p->map, len, hint, &at))) {
			memobj_put(o);
			return err;
		}
		if (!addr)
			p->mmap_next = at + len;
	}
	if ((err = vm_map_object(p, at, at + len, prot, flags, o, 0))) {
		memobj_put(o);
		return err;
	}
	if (p->pinned && !(flags & MAP_SHARED) && (err = vm_populate(p, at, at + len, NULL, 0, 0))) {
		unmap_range(p, at, at + len);
		return err;
	}
	return (long)at;
}

/*
 * mmap: the address, -errno, or VM_PARKED: a file mapping waits for the
 * fs server (file.c answers reply when it has).
 */
long vm_mmap(struct proc *p, int reply, uintptr_t addr, uint64_t len, unsigned prot,
	     unsigned flags, int fd, uint64_t offset)
{
	struct memobj *o;

	if (!len || (prot & ~PROT_ALL) || (flags & ~MAP_KNOWN))
		return -EINVAL;
	if (((flags & MAP_SHARED) != 0) == ((flags & MAP_PRIVATE) != 0))
		return -EINVAL;			/* exactly one of them */
	if (offset % PAGE || ((flags & MAP_FIXED) && addr % PAGE))
		return -EINVAL;
	if (len > USER_HI - USER_LO)
		return -ENOMEM;
	len = (len + PAGE - 1) & ~(PAGE - 1);
	if ((flags & MAP_FIXED) && !range_ok(addr, len))
		return -ENOMEM;
	if (!(flags & MAP_ANONYMOUS)) {
		if (fd < 0)
			return -EBADF;
		if (offset > UINT64_MAX - len)
			return -EOVERFLOW;
		return file_mmap(p, reply, addr, len, prot, flags, fd, offset);
	}
	if (!(o = flags & MAP_SHARED ? shared_create(len) : private_memory(p, len)))
		return -ENOMEM;
	return vm_place(p, addr, len, prot, flags, o);
}

long vm_munmap(struct proc *p, uintptr_t addr, uint64_t len)
{
	if (addr % PAGE || !len)
		return -EINVAL;
	len = (len + PAGE - 1) & ~(PAGE - 1);
	if (!range_ok(addr, len))
		return -EINVAL;
	return unmap_range(p, addr, addr + len);
}

/* Whether regions cover [start, end) without a hole. */
static bool covered(struct proc *p, uintptr_t start, uintptr_t end)
{
	for (struct region *r; start < end; start = r->end)
		if (!(r = region_find(&p->map, start)))
			return false;
	return true;
}

/*
 * [addr, addr + len) rounded up to whole pages, its end in *end: 0, or
 * -ENOMEM when part of it is not mapped (POSIX's error) or not user space.
 */
static int mapped_range(struct proc *p, uintptr_t addr, uint64_t len, uintptr_t *end)
{
	len = (len + PAGE - 1) & ~(PAGE - 1);
	*end = addr + len;
	return range_ok(addr, len) && covered(p, addr, *end) ? 0 : -ENOMEM;
}

/* Take from the kernel's present pages what prot no longer allows. */
static int protect_pages(struct proc *p, uintptr_t start, uintptr_t end, unsigned prot)
{
	unsigned keep = prot ? fault_map_prot(prot) & ~FL_MAP_WX : 0;

	while (start < end) {
		long done = fl_protect(p->task, start, end - start, keep);

		if (done <= 0)
			return done ? (int)done : -EIO;
		start += (uintptr_t)done;
	}
	return 0;
}

/*
 * Join the regions from the one before start to the one after end that
 * were split off one another and agree again (the same object, rights
 * and flags, offsets that continue): mprotect back and forth leaves one
 * region, as it began.
 */
static void merge_range(struct proc *p, uintptr_t start, uintptr_t end)
{
	struct region *a = region_next(&p->map, start > USER_LO ? start - 1 : start), *b;

	while (a && a->start <= end && (b = region_next(&p->map, a->end)) && b->start <= end) {
		if (region_merge(&p->map, a, b)) {
			memobj_unlink(b->obj, b);
			memobj_put(b->obj);
			free(b);
		} else {
			a = b;
		}
	}
}

long vm_mprotect(struct proc *p, uintptr_t addr, uint64_t len, unsigned prot)
{
	uintptr_t end;
	int err;

	if (addr % PAGE || (prot & ~PROT_ALL))
		return -EINVAL;
	if (!len)
		return 0;
	if ((err = mapped_range(p, addr, len, &end)))
		return err;
	for (struct region *r = region_find(&p->map, addr); r && r->start < end;
	     r = region_next(&p->map, r->end))
		if ((r->flags & REGION_NOWRITE) && (prot & PROT_WRITE))
			return -EACCES;		/* a shared file its descriptor may not write */
	if ((err = cut_at(p, addr)) || (err = cut_at(p, end)))
		return err;
	for (struct region *r = region_find(&p->map, addr); r && r->start < end;
	     r = region_next(&p->map, r->end))
		r->prot = prot;
	merge_range(p, addr, end);
	return protect_pages(p, addr, end, prot);
}

/*
 * madvise: MADV_RANDOM turns a file mapping's fault-around off (file.c),
 * MADV_NORMAL and MADV_SEQUENTIAL on again; MADV_WILLNEED is taken and
 * does nothing yet; MADV_DONTNEED drops the pages as munmap would but
 * keeps the regions: private pages come back as new (zeros, or the file),
 * shared ones as their object holds them. EINVAL: an unaligned address or
 * unknown advice; ENOMEM: part of the range not mapped.
 */
long vm_madvise(struct proc *p, uintptr_t addr, uint64_t len, unsigned advice)
{
	uintptr_t end;
	int err;

	if (addr % PAGE || advice > MADV_DONTNEED)
		return -EINVAL;
	if (!len)
		return 0;
	if ((err = mapped_range(p, addr, len, &end)))
		return err;
	if (advice == MADV_WILLNEED)
		return 0;
	if ((err = cut_at(p, addr)) || (err = cut_at(p, end)))
		return err;
	for (struct region *r = region_find(&p->map, addr); r && r->start < end;
	     r = region_next(&p->map, r->end)) {
		if (advice == MADV_DONTNEED)
			region_unmap(p, r);
		else if (advice == MADV_RANDOM)
			r->flags |= REGION_RANDOM;
		else
			r->flags &= ~REGION_RANDOM;
	}
	merge_range(p, addr, end);
	return 0;
}

/*
 * msync: the shared file mappings in [addr, addr + len) written back by
 * the fs server; with MS_SYNC the answer waits for it (VM_PARKED; file.c
 * answers reply), the first error (ENOSPC, EIO) being msync's. EINVAL: an
 * unaligned address or bad flags; ENOMEM: part of the range not mapped.
 */
long vm_msync(struct proc *p, int reply, uintptr_t addr, uint64_t len, unsigned flags)
{
	struct sync_wait *w;
	uintptr_t end;
	int err = 0;

	if (addr % PAGE || (flags & ~(unsigned)(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) ||
	    ((flags & MS_ASYNC) && (flags & MS_SYNC)))
		return -EINVAL;
	if (!len)
		return 0;
	if ((err = mapped_range(p, addr, len, &end)))
		return err;
	if (!(w = sync_wait_new(p, flags & MS_SYNC ? reply : -1)))
		return -ENOMEM;
	for (struct region *r = region_find(&p->map, addr); !err && r && r->start < end;
	     r = region_next(&p->map, r->end))
		if (r->obj->ops->sync)
			err = r->obj->ops->sync(r->obj, w);
	if (err) {
		sync_wait_drop(w);	/* what was asked still goes; its answers find nobody */
		return err;
	}
	return sync_wait_start(w);
}

/* Grow the heap from old_end to new_end: its top region, or a new one. */
static int heap_grow(struct proc *p, uintptr_t old_end, uintptr_t new_end)
{
	struct region *top = old_end > p->brk_base ? region_find(&p->map, old_end - 1) : NULL;
	struct region *next = region_next(&p->map, old_end);
	struct memobj *o;
	int err;

	if (next && next->start < new_end)
		return -ENOMEM;
	if (top && (top->flags & REGION_HEAP) && top->end == old_end &&
	    top->offset + (new_end - top->start) <= top->obj->size) {
		top->end = new_end;	/* nothing lies between: checked above */
	} else {
		if (!(o = private_memory(p, HEAP_MAX)))
			return -ENOMEM;
		err = vm_map_object(p, old_end, new_end, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS | REGION_HEAP, o, 0);
		if (err) {
			memobj_put(o);
			return -ENOMEM;
		}
	}
	if (p->pinned && vm_populate(p, old_end, new_end, NULL, 0, 0)) {
		unmap_range(p, old_end, new_end);
		return -ENOMEM;
	}
	return 0;
}

/* The break moves within [brk_base, brk_base + HEAP_MAX), never into a region. */
long vm_brk(struct proc *p, uintptr_t want)
{
	uintptr_t old_end = (p->brk + PAGE - 1) & ~(PAGE - 1);
	uintptr_t new_end = (want + PAGE - 1) & ~(PAGE - 1);
	int err = 0;

	if (!want)
		return (long)p->brk;
	if (want < p->brk_base || want - p->brk_base > HEAP_MAX)
		return -ENOMEM;
	if (new_end > old_end)
		err = heap_grow(p, old_end, new_end);
	else if (new_end < old_end)
		err = unmap_range(p, new_end, old_end);
	if (err)
		return err;
	p->brk = want;
	return (long)want;
}

void vm_destroy(struct proc *p)
{
	struct region *r;

	while ((r = region_first(&p->map))) {
		if (r->obj->ops->unmapping)
			r->obj->ops->unmapping(r->obj, r, true);	/* the task went first */
		r->obj->ops->discard(r->obj, r->offset, r->end - r->start);
		region_remove(&p->map, r);
		memobj_unlink(r->obj, r);
		memobj_put(r->obj);
		free(r);
	}
}

/* The reverse map of the frame at va: how many (process, address) map it, or -errno. */
long vm_mappings(struct proc *p, uintptr_t va)
{
	struct region *r = va >= USER_LO && va < USER_HI ? region_find(&p->map, va) : NULL;

	if (!r)
		return -EFAULT;
	return r->obj->ops->mappings(r->obj, r->offset + (va & ~(PAGE - 1)) - r->start, NULL, NULL);
}

/* ---- fork ------------------------------------------------------------ */

/* The kernel's side: child maps what parent does, copy-on-write. */
static int copy_pages(struct proc *child, struct proc *parent, uintptr_t start, uintptr_t end,
		      unsigned mode)
{
	while (start < end) {
		long done = fl_map_copy(child->task, parent->task, start, end - start, mode);

		if (done <= 0)
			return done ? (int)done : -EIO;
		start += (uintptr_t)done;
	}
	return 0;
}

/*
 * Objects the parent's regions share (a split region) are shared by the
 * child's copies too, for the last few objects seen; past that a child
 * region gets a fork of its own, which holds more records but means the
 * same.
 */
#define FORK_SEEN	16

struct fork_objs {
	struct memobj *from[FORK_SEEN], *to[FORK_SEEN];
	unsigned n, next;
};

static struct memobj *child_object(struct fork_objs *m, struct memobj *parent_obj)
{
	struct memobj *o;

	for (unsigned i = 0; i < m->n; i++)
		if (m->from[i] == parent_obj)
			return memobj_get(m->to[i]);
	if (!(o = parent_obj->ops->fork(parent_obj)))
		return NULL;
	m->from[m->next] = parent_obj;
	m->to[m->next] = o;
	m->next = (m->next + 1) % FORK_SEEN;
	if (m->n < FORK_SEEN)
		m->n++;
	return o;
}

/*
 * The child's address space: every region of the parent's, its object's
 * fork (private frames shared copy-on-write), its pages mapped
 * copy-on-write by the kernel. 0 or -errno (the caller destroys the child).
 */
int vm_fork(struct proc *child, struct proc *parent)
{
	struct fork_objs objs = { .n = 0, .next = 0 };
	int err;

	child->brk_base = parent->brk_base;
	child->brk = parent->brk;
	child->mmap_next = parent->mmap_next;
	for (struct region *r = region_first(&parent->map); r; r = region_next(&parent->map, r->end)) {
		struct memobj *o;

		/*
		 * Not the IPC buffer: the kernel writes replies into the parent's
		 * (it never faults on it), so it must stay writable, not become
		 * copy-on-write; the child gets a fresh one (map_ipc_buffer).
		 */
		if (r->start == IPCBUF_VA)
			continue;
		if (!(o = child_object(&objs, r->obj)))
			return -ENOMEM;
		if ((err = vm_map_object(child, r->start, r->end, r->prot, r->flags, o, r->offset))) {
			memobj_put(o);
			return err;
		}
		if ((err = copy_pages(child, parent, r->start, r->end,
				      o->ops->shared ? FL_COPY_SHARE : FL_COPY_COW)))
			return err;
	}
	return 0;
}

/* ---- faults ------------------------------------------------------------ */

/*
 * A fault below a stack region grows it down to the page, if that stays
 * within STACK_MAX of its top and STACK_GUARD above the region below.
 */
static struct region *grow_stack(struct proc *p, uintptr_t va)
{
	struct region *s = region_next(&p->map, va);
	uintptr_t page = va & ~(PAGE - 1), top, lo;

	if (!s || !(s->flags & REGION_STACK) || page < USER_LO + STACK_GUARD)
		return NULL;
	top = s->start - s->offset + s->obj->size;	/* the object ends at the top */
	lo = page - STACK_GUARD;
	if (top - page > STACK_MAX || region_next(&p->map, lo) != s)
		return NULL;		/* too deep, or a region within the guard gap */
	s->offset -= s->start - page;
	s->start = page;
	return s;
}

const char *access_name(unsigned access)
{
	return access & FL_ACCESS_EXEC ? "exec" : access & FL_ACCESS_WRITE ? "write" : "read";
}

static bool access_ok(unsigned prot, unsigned access)
{
	if (access & FL_ACCESS_WRITE)
		return prot & PROT_WRITE;
	if (access & FL_ACCESS_EXEC)
		return prot & PROT_EXEC;
	return prot != PROT_NONE;
}

const char *signal_name(int sig)
{
	switch (sig) {
	case SIGSEGV: return "SIGSEGV";
	case SIGBUS: return "SIGBUS";
	case SIGILL: return "SIGILL";
	case SIGFPE: return "SIGFPE";
	case SIGTRAP: return "SIGTRAP";
	case SIGKILL: return "SIGKILL";
	case SIGABRT: return "SIGABRT";
	case SIGTERM: return "SIGTERM";
	case SIGINT: return "SIGINT";
	case SIGHUP: return "SIGHUP";
	case SIGQUIT: return "SIGQUIT";
	case SIGPIPE: return "SIGPIPE";
	default: return "a signal";
	}
}

/* The process dies of sig: a console line saying why, then exit. */
void kill_for_fault(struct proc *p, int reply, int sig, const char *what,
		    const uint64_t w[4], const char *why)
{
	char at[32] = "";

	if (FL_FAULT_KIND(w[0]) == FL_FAULT_PAGE)
		snprintf(at, sizeof(at), " at 0x%lx", (unsigned long)w[1]);
	printf("pager: pid %d (%s) killed by %s: %s%s, pc 0x%lx: %s\n", p->pid, p->name,
	       signal_name(sig), what, at, (unsigned long)w[2], why);
	fl_handle_close(reply);
	proc_exit(p, 0, sig);
}

static const char *kind_name(unsigned kind)
{
	switch (kind) {
	case FL_FAULT_UNDEFINED: return "undefined instruction";
	case FL_FAULT_ALIGNMENT: return "misaligned access";
	case FL_FAULT_BREAKPOINT: return "breakpoint";
	case FL_FAULT_ARITHMETIC: return "arithmetic exception";
	case FL_FAULT_PROTECTION: return "protection fault";
	default: return "exception";
	}
}

void vm_fault(struct proc *p, int reply, const uint64_t w[4])
{
	unsigned kind = FL_FAULT_KIND(w[0]), access = FL_FAULT_ACCESS(w[0]);
	uintptr_t va = (uintptr_t)w[1];
	struct fault_answer a;
	struct region *r;
	struct fault f;
	int err;

	pager.faults++;
	p->faults++;
	if (kind != FL_FAULT_PAGE)
		return kill_for_fault(p, reply, fl_fault_signal(kind), kind_name(kind), w,
				      "not a page fault");
	if (!(r = region_find(&p->map, va)) && !(r = grow_stack(p, va)))
		return kill_for_fault(p, reply, SIGSEGV, access_name(access), w, "no mapping");
	if (!access_ok(r->prot, access))
		return kill_for_fault(p, reply, SIGSEGV, access_name(access), w, "protection");
	f = (struct fault){ .proc = p, .region = r, .va = va & ~(PAGE - 1), .access = access,
			    .offset = r->offset + (va & ~(PAGE - 1)) - r->start, .prot = r->prot,
			    .reply = reply, .msg = w };
	if (f.offset >= r->obj->size)
		return kill_for_fault(p, reply, SIGBUS, access_name(access), w,
				      "past the end of its object");
	err = r->obj->ops->fault(r->obj, &f, &a);
	if (err == FAULT_PARKED)
		return;			/* a custom pager answers it */
	if (err == -ENOMEM)
		return kill_for_fault(p, reply, SIGKILL, access_name(access), w, "out of memory");
	if (err == -EPIPE)
		return kill_for_fault(p, reply, SIGBUS, access_name(access), w,
				      "its custom pager is gone");
	if (err)
		return kill_for_fault(p, reply, SIGBUS, access_name(access), w,
				      err == -EFAULT ? "past the end of its file" :
				      err == -EAGAIN ? "the fs server is behind" : "the object failed");
	pager_reply(reply, a.label, a.w[0], a.w[1], a.w[2]);
}
