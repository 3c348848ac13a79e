/*
 * Kernel objects: everything a handle can name. Each object starts with a
 * struct kobj; its kind's ops say how to release it when the last
 * reference goes. Generic code never switches on the kind.
 */
#pragma once

#include <types.h>

struct kobj;

struct kobj_ops {
	const char *name;		/* "thread", for messages */
	void (*release)(struct kobj *o);	/* free the object's memory */
};

struct kobj {
	const struct kobj_ops *ops;
	uint32_t refs;
};

void kobj_init(struct kobj *o, const struct kobj_ops *ops);
void kobj_get(struct kobj *o);
void kobj_put(struct kobj *o);
/* Take or drop n references at once (mappings of n pages). */
void kobj_get_n(struct kobj *o, uint32_t n);
void kobj_put_n(struct kobj *o, uint32_t n);
