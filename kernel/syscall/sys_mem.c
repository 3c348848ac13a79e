/* Memory system calls: pools, frames, mappings (docs/kernel.md). */
#include <errno.h>
#include <faultline/abi.h>
#include <faultline/mem.h>
#include <frameobj.h>
#include <handle.h>
#include <kstat.h>
#include <memlayout.h>
#include <pool.h>
#include <sched.h>
#include <string.h>
#include <syscall.h>
#include <task.h>
#include <uaccess.h>
#include <umap.h>

static struct task *self(void)
{
	return sched_current()->task;
}

/*
 * The pool behind handle h if it has rights; *phys gets FL_RIGHT_PHYS if
 * the handle has it too: the frames and child pools made from it pass it
 * on (a trusted driver's DMA frames come from such a pool).
 */
static int get_pool(int h, uint32_t rights, struct pool **out, uint32_t *phys)
{
	struct handle *slot;
	int err = handle_lookup(self(), h, &pool_ops, rights, &slot);

	if (err)
		return err;
	*out = (struct pool *)slot->obj;
	if (phys)
		*phys = slot->rights & FL_RIGHT_PHYS;
	return 0;
}

static int get_frame(int h, uint32_t rights, struct frame **out)
{
	struct kobj *o;
	int err = handle_get(self(), h, &frame_ops, rights, &o);

	if (!err)
		*out = (struct frame *)o;
	return err;
}

/* A frame and the rights its handle carries. */
static int get_frame_rights(int h, uint32_t rights, struct frame **out, uint32_t *has)
{
	struct handle *s;
	int err = handle_lookup(self(), h, &frame_ops, rights, &s);

	if (err)
		return err;
	*out = (struct frame *)s->obj;
	*has = s->rights;
	return 0;
}

static int get_task(int h, uint32_t rights, struct task **out)
{
	struct kobj *o;
	int err = handle_get(self(), h, &task_ops, rights, &o);

	if (err)
		return err;
	*out = to_task(o);
	return (*out)->dead ? -ESRCH : 0;
}

/* Install a new object's handle, or drop the object. */
static long install_new(struct kobj *o, uint32_t rights)
{
	long h = handle_install(self(), o, rights);

	kobj_put(o);
	return h;
}

long sys_pool_create(int parent, uint64_t pages)
{
	struct pool *p, *child;
	uint32_t phys;
	int err = get_pool(parent, FL_RIGHT_MANAGE, &p, &phys);

	if (err)
		return err;
	err = pool_create(p, pages, &child);
	return err ? err : install_new(&child->obj, (FL_RIGHTS_ALL & ~FL_RIGHT_PHYS) | phys);
}

long sys_pool_info(int pool, void *buf)
{
	struct fl_pool_info info;
	struct pool *p;
	int err = get_pool(pool, FL_RIGHT_READ, &p, NULL);

	if (err)
		return err;
	info = (struct fl_pool_info){ p->quota, p->used };
	return copy_to_user(self(), (uintptr_t)buf, &info, sizeof(info));
}

long sys_frame_alloc(int pool, uint64_t pages)
{
	size_t align = IS_ALIGNED(pages, LARGE_PAGE_SIZE / PAGE_SIZE) ?
		       LARGE_PAGE_SIZE / PAGE_SIZE : 1;
	struct frame *f;
	struct pool *p;
	uint32_t phys;
	int err = get_pool(pool, FL_RIGHT_MANAGE, &p, &phys);

	if (err)
		return err;
	if (pages == 0 || pages > FL_FRAME_PAGES_MAX)
		return -EINVAL;
	err = frame_create(p, pages, align, &f);
	return err ? err : install_new(&f->obj, (FL_RIGHTS_ALL & ~FL_RIGHT_PHYS) | phys);
}

long sys_frame_phys(int frame)
{
	struct frame *f;
	int err = get_frame(frame, FL_RIGHT_PHYS, &f);

	return err ? err : (long)f->pa;
}


long sys_map(int task, uintptr_t va, int frame, uint64_t offset, uint64_t pages, unsigned int prot)
{
	struct task *t;
	struct frame *f;
	uint32_t rights;
	int err = get_task(task, FL_RIGHT_MANAGE, &t);

	if (err || (err = get_frame_rights(frame, frame_rights(prot), &f, &rights)))
		return err;
	return umap_map(t, va, f, offset, pages, prot, umap_may_write(rights));
}

/*
 * Several frames' pages at consecutive addresses, what is mapped already
 * left as it is: the entries done before the first that fails, or (none
 * done) its error.
 */
long sys_map_frames(int task, uintptr_t va, const void *list, uint64_t n, unsigned int prot)
{
	struct fl_map_entry e[FL_MAP_FRAMES_MAX];
	struct task *t;
	int err = get_task(task, FL_RIGHT_MANAGE, &t);

	if (err)
		return err;
	if (!IS_ALIGNED(va, PAGE_SIZE) || n == 0 || n > FL_MAP_FRAMES_MAX)
		return -EINVAL;
	if (!arch_user_addr_ok(va, n * PAGE_SIZE))
		return -EFAULT;
	if ((err = umap_pg(prot, NULL)) < 0)
		return err;
	if ((err = copy_from_user(self(), e, (uintptr_t)list, n * sizeof(e[0]))))
		return err;
	for (uint64_t i = 0; i < n; i++) {
		struct frame *f;
		uint32_t rights;

		err = get_frame_rights(e[i].frame, frame_rights(prot), &f, &rights);
		if (!err)
			err = umap_map(t, va + i * PAGE_SIZE, f, e[i].page, 1, prot,
				       umap_may_write(rights));
		if (err && err != -EEXIST)
			return i ? (long)i : err;
	}
	return (long)n;
}

long sys_unmap(int task, uintptr_t va, uint64_t len)
{
	struct task *t;
	int err = get_task(task, FL_RIGHT_MANAGE, &t);

	return err ? err : umap_unmap(t, va, len);
}

long sys_protect(int task, uintptr_t va, uint64_t len, unsigned int prot)
{
	struct task *t;
	int err = get_task(task, FL_RIGHT_MANAGE, &t);

	return err ? err : umap_protect(t, va, len, prot);
}

long sys_map_copy(int dst, int src, uintptr_t va, uint64_t len, unsigned int mode)
{
	struct task *d, *s;
	int err = get_task(dst, FL_RIGHT_MANAGE, &d);

	if (err || (err = get_task(src, FL_RIGHT_MANAGE, &s)))
		return err;
	return umap_copy(d, s, va, len, mode);
}

long sys_query(int task, uintptr_t va, unsigned int flags)
{
	struct task *t;
	int err = get_task(task, flags & FL_QUERY_CLEAR ? FL_RIGHT_MANAGE : FL_RIGHT_READ, &t);

	if (err)
		return err;
	if (flags & ~(unsigned)FL_QUERY_CLEAR)
		return -EINVAL;
	return umap_query(t, va, flags & FL_QUERY_CLEAR);
}

long sys_frame_copy(int dst, uint64_t dst_offset, int src, uint64_t src_offset, uint64_t pages)
{
	struct frame *d, *s;
	int err = get_frame(dst, FL_RIGHT_WRITE, &d);

	if (err || (err = get_frame(src, FL_RIGHT_READ, &s)))
		return err;
	if (pages == 0 || dst_offset >= d->pages || pages > d->pages - dst_offset ||
	    src_offset >= s->pages || pages > s->pages - src_offset)
		return -EINVAL;
	/* page by page, in the direction that never overwrites a page still to be read */
	for (uint64_t i = 0; i < pages; i++) {
		uint64_t k = d->pa + dst_offset * PAGE_SIZE > s->pa + src_offset * PAGE_SIZE ?
			     pages - 1 - i : i;

		arch_copy_page(pa_to_kva(d->pa + (dst_offset + k) * PAGE_SIZE),
			       pa_to_kva(s->pa + (src_offset + k) * PAGE_SIZE));
	}
	kstat.pages_copied += pages;
	return 0;
}

long sys_frame_copy_from(int frame, uint64_t page, int task, uintptr_t va)
{
	struct frame *f;
	struct task *t;
	int err = get_frame(frame, FL_RIGHT_WRITE, &f);

	if (err || (err = get_task(task, FL_RIGHT_MANAGE, &t)))
		return err;
	return umap_read_page(t, va, f, page);
}
