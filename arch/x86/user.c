/*
 * The C halves of the entries from user mode (vectors.S): system calls,
 * interrupts and exceptions. Each takes the kernel lock, does its work
 * and leaves through x86_user_exit. Interrupts stay masked throughout.
 */
#include <arch.h>
#include <cpu.h>
#include <kernel.h>
#include <sched.h>
#include <syscall.h>
#include <arch/setup.h>
#include <arch/trap.h>
#include <arch/x86.h>

/* syscall: rax = number, rdi rsi rdx r10 r8 r9 = arguments, rax = result. */
void x86_syscall(struct trap_frame *tf)
{
	unsigned long a[6] = { tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8, tf->r9 };

	kernel_lock();
	tf->rax = (uint64_t)syscall_dispatch(tf->rax, a);
	x86_user_exit(tf);
}

void x86_user_trap(struct trap_frame *tf)
{
	kernel_lock();
	switch (tf->vector) {
	case VEC_TIMER:
		timer_tick();
		lapic_eoi();
		break;
	case VEC_SPURIOUS:
		break;
	case VEC_NMI:
	case VEC_DOUBLE_FAULT:
	case VEC_MACHINE_CHECK:
		/* the machine's trouble, not the thread's */
		panic_trap(x86_exception_kind(tf), x86_fault_address(tf), tf->rip, tf->rbp, tf);
	default:
		if (tf->vector >= VEC_EXCEPTIONS)
			panic("trap: unexpected vector %lu from user mode", (unsigned long)tf->vector);
		user_exception(x86_exception_kind(tf), x86_fault_address(tf), tf->rip);
		break;
	}
	x86_user_exit(tf);
}

/*
 * Last stop before user mode: let the scheduler switch, then drop the
 * lock. A return address outside user space cannot be returned to: a
 * syscall in the last two bytes below USER_TOP leaves one (rcx =
 * 0x0000800000000000), and sysretq to it would fault in ring 0 on Intel
 * CPUs. The CPU would refuse to fetch there anyway, so that is the
 * thread's general protection fault, reported where it happened.
 */
void x86_user_exit(struct trap_frame *tf)
{
	sched_exit_to_user();
	while (tf->rip >= USER_TOP) {
		user_exception("general protection (non-canonical pc)", tf->rip, tf->rip);
		sched_exit_to_user();
	}
	kernel_unlock();
}
