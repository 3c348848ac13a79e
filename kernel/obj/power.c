/* The power object: holding a handle to it with MANAGE allows power-off. */
#include <obj.h>
#include <power.h>

static void power_release(struct kobj *o)
{
	(void)o;	/* static: never freed */
}

const struct kobj_ops power_ops = { "power", power_release };

struct kobj power_object = { &power_ops, 1 };
