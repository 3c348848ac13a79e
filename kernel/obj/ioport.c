/* I/O port ranges a user driver may use (x86_64; none exist elsewhere). */
#include <errno.h>
#include <ioport.h>
#include <mm/kalloc.h>

static void ioport_release(struct kobj *o)
{
	kfree(o, sizeof(struct ioport));
}

const struct kobj_ops ioport_ops = { "ioport", ioport_release };

int ioport_create(unsigned base, unsigned size, struct ioport **out)
{
	struct ioport *p = kalloc(sizeof(*p));

	if (!p)
		return -ENOMEM;
	kobj_init(&p->obj, &ioport_ops);
	p->base = base;
	p->size = size;
	*out = p;
	return 0;
}
