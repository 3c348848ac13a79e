/* The power capability handed to the root task in its boot-info block. */
#pragma once

#include <obj.h>

extern const struct kobj_ops power_ops;
extern struct kobj power_object;
