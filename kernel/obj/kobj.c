/* Reference counting of kernel objects (under the kernel lock). */
#include <kernel.h>
#include <obj.h>

void kobj_init(struct kobj *o, const struct kobj_ops *ops)
{
	o->ops = ops;
	o->refs = 1;
}

void kobj_get(struct kobj *o)
{
	assert(o->refs > 0);
	o->refs++;
}

void kobj_put(struct kobj *o)
{
	assert(o->refs > 0);
	if (--o->refs == 0)
		o->ops->release(o);
}

void kobj_get_n(struct kobj *o, uint32_t n)
{
	assert(o->refs > 0 && o->refs + n > o->refs);
	o->refs += n;
}

void kobj_put_n(struct kobj *o, uint32_t n)
{
	assert(o->refs >= n);
	o->refs -= n;
	if (o->refs == 0)
		o->ops->release(o);
}
