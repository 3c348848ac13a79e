/* Frame objects. */
#include <errno.h>
#include <frameobj.h>
#include <kernel.h>
#include <mm/kalloc.h>

static void frame_release(struct kobj *o)
{
	struct frame *f = (struct frame *)o;
	struct pool *pool = f->pool;

	page_owner_set(f->pa, f->pages, NULL);
	if (!pool) {			/* a fixed frame: the kernel's */
		kfree(f, sizeof(*f));
		return;
	}
	pool_frame_free(pool, f->pa, f->pages);
	pool_kfree(pool, f, sizeof(*f));
	kobj_put(&pool->obj);		/* last: the pool may go with it */
}

const struct kobj_ops frame_ops = { "frame", frame_release };

int frame_create(struct pool *pool, size_t pages, size_t align, struct frame **out)
{
	struct frame *f = pool_kalloc(pool, sizeof(*f));
	int err;

	if (!f)
		return -ENOMEM;
	err = pool_frame_alloc(pool, pages, align, &f->pa);
	if (err) {
		pool_kfree(pool, f, sizeof(*f));
		return err;
	}
	kobj_init(&f->obj, &frame_ops);
	f->pages = pages;
	f->pool = pool;
	kobj_get(&pool->obj);	/* a pool outlives what it paid for */
	page_owner_set(f->pa, pages, f);
	*out = f;
	return 0;
}

int frame_create_fixed(paddr_t pa, size_t pages, bool device, struct frame **out)
{
	struct frame *f = kalloc(sizeof(*f));

	if (!f)
		return -ENOMEM;
	kobj_init(&f->obj, &frame_ops);
	f->pa = pa;
	f->pages = pages;
	f->device = device;
	if (page_owner(pa) || page_owner_set(pa, pages, f)) {
		kfree(f, sizeof(*f));	/* one frame object per page: it is taken */
		return -EBUSY;
	}
	*out = f;
	return 0;
}
