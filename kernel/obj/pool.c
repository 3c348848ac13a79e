/* Pools. */
#include <errno.h>
#include <kernel.h>
#include <memlayout.h>
#include <mm/frame.h>
#include <mm/kalloc.h>
#include <pool.h>

/* Frames the kernel keeps for itself (its objects, interrupt-time needs). */
#define KERNEL_RESERVE_PAGES	256

static void pool_release(struct kobj *o)
{
	struct pool *p = (struct pool *)o, *parent = p->parent;

	assert(p->used == 0);	/* whatever it paid for holds a reference */
	pool_uncharge(parent, p->quota);
	pool_kfree(parent, p, sizeof(*p));
	kobj_put(&parent->obj);
}

const struct kobj_ops pool_ops = { "pool", pool_release };

struct pool system_pool;

void pool_init(void)
{
	size_t free = frame_count_free();

	kobj_init(&system_pool.obj, &pool_ops);
	system_pool.obj.refs = 1;	/* never released */
	system_pool.quota = free > KERNEL_RESERVE_PAGES ? free - KERNEL_RESERVE_PAGES : 0;
}

int pool_charge(struct pool *p, uint64_t pages)
{
	if (!p)
		return 0;
	if (pages > p->quota - p->used)
		return -ENOMEM;
	p->used += pages;
	return 0;
}

void pool_uncharge(struct pool *p, uint64_t pages)
{
	if (!p)
		return;
	assert(p->used >= pages);
	p->used -= pages;
}

int pool_create(struct pool *parent, uint64_t quota, struct pool **out)
{
	struct pool *p;

	if (pool_charge(parent, quota))
		return -ENOMEM;
	p = pool_kalloc(parent, sizeof(*p));
	if (!p) {
		pool_uncharge(parent, quota);
		return -ENOMEM;
	}
	kobj_init(&p->obj, &pool_ops);
	p->parent = parent;
	kobj_get(&parent->obj);
	p->quota = quota;
	*out = p;
	return 0;
}

static uint64_t pages_for(uint64_t bytes)
{
	return (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
}

void *pool_kalloc(struct pool *p, size_t size)
{
	size_t bytes = kalloc_size(size);
	uint64_t more;
	void *o;

	if (!p)
		return kalloc(size);
	more = pages_for(p->object_bytes + bytes) - pages_for(p->object_bytes);
	if (pool_charge(p, more))
		return NULL;
	o = kalloc(size);
	if (!o) {
		pool_uncharge(p, more);
		return NULL;
	}
	p->object_bytes += bytes;
	return o;
}

void pool_kfree(struct pool *p, void *o, size_t size)
{
	size_t bytes = kalloc_size(size);

	kfree(o, size);
	if (!p)
		return;
	assert(p->object_bytes >= bytes);
	pool_uncharge(p, pages_for(p->object_bytes) - pages_for(p->object_bytes - bytes));
	p->object_bytes -= bytes;
}

int pool_frame_alloc(struct pool *p, size_t pages, size_t align, paddr_t *pa)
{
	int err = pool_charge(p, pages);

	if (err)
		return err;
	err = frame_alloc(pages, align, pa);
	if (err)
		pool_uncharge(p, pages);
	return err;
}

void pool_frame_free(struct pool *p, paddr_t pa, size_t pages)
{
	frame_free(pa, pages);
	pool_uncharge(p, pages);
}
