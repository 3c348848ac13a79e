/*
 * Checked access to user memory. The kernel never dereferences a user
 * pointer: these walk the task's page table, honour its user and write
 * bits, and copy through the direct map. Anything not mapped that way is
 * -EFAULT, never a kernel fault.
 */
#pragma once

#include <types.h>

struct task;

int copy_from_user(struct task *t, void *dst, uintptr_t src, size_t len);
int copy_to_user(struct task *t, uintptr_t dst, const void *src, size_t len);
