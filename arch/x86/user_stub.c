/*
 * Stand-ins for user.c while Kernel I is not built (FAULTLINE_KERNEL1
 * off): nothing ever runs in user mode then, so nothing calls these.
 */
#include <kernel.h>
#include <arch/setup.h>

void x86_syscall(struct trap_frame *tf)
{
	panic("syscall without Kernel I (rip %#lx)", (unsigned long)tf->rip);
}

void x86_user_trap(struct trap_frame *tf)
{
	panic("user-mode trap without Kernel I (vector %lu)", (unsigned long)tf->vector);
}

void x86_user_exit(struct trap_frame *tf)
{
	panic("return to user mode without Kernel I (rip %#lx)", (unsigned long)tf->rip);
}
