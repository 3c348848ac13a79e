/* I/O port ranges (x86_64): a driver reads and writes them by system call. */
#pragma once

#include <obj.h>

struct ioport {
	struct kobj obj;
	unsigned base, size;
};

extern const struct kobj_ops ioport_ops;

int ioport_create(unsigned base, unsigned size, struct ioport **out);
