/*
 * The C halves of the entries from user mode (vectors.S): system calls,
 * interrupts and exceptions. Each takes the kernel lock, does its work
 * and leaves through x86_user_exit. Interrupts stay masked throughout.
 *
 * The user registers are the trap frame at the top of the thread's
 * kernel stack, and user_return restores every one of them from there
 * (sysretq or iretq). So whatever is written into that frame while the
 * thread is in the kernel, by arch_syscall_set_extra or by another
 * thread's thread_write_regs while this one waits, is what user mode
 * sees, however long the thread blocked and whichever way it returns.
 */
#include <arch.h>
#include <cpu.h>
#include <kernel.h>
#include <sched.h>
#include <syscall.h>
#include <thread.h>
#include <faultline/abi.h>
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

/*
 * The registers a system call returns besides rax: its argument
 * registers, in the frame syscall_entry built. Nothing writes them after
 * this (x86_syscall sets only rax), so they reach user mode through
 * sysretq or iretq alike, also when the thread blocked in between.
 */
void arch_syscall_set_result(struct thread *t, long r)
{
	struct trap_frame *tf = x86_user_frame(t->kstack_top);

	assert(tf->vector == VEC_SYSCALL);
	tf->rax = (uint64_t)r;
}

void arch_syscall_set_extra(struct thread *t, const unsigned long w[6])
{
	struct trap_frame *tf = x86_user_frame(t->kstack_top);

	/* a fault or interrupt frame holds user registers that must not change */
	assert(tf->vector == VEC_SYSCALL);
	tf->rdi = w[0];
	tf->rsi = w[1];
	tf->rdx = w[2];
	tf->r10 = w[3];
	tf->r8 = w[4];
	tf->r9 = w[5];
}

void arch_syscall_set_message(struct thread *t, long r, uint64_t badge, uint64_t tag,
			      const uint64_t w[4])
{
	struct trap_frame *tf = x86_user_frame(t->kstack_top);

	assert(tf->vector == VEC_SYSCALL);
	tf->rax = (uint64_t)r;
	tf->rdi = badge;
	tf->rsi = tag;
	tf->rdx = w[0];
	tf->r10 = w[1];
	tf->r8 = w[2];
	tf->r9 = w[3];
}

/* The FL_FAULT_* class of a CPU exception from user mode. */
static unsigned fault_kind(uint64_t vector)
{
	switch (vector) {
	case VEC_PAGE_FAULT:
		return FL_FAULT_PAGE;
	case VEC_INVALID_OPCODE:
		return FL_FAULT_UNDEFINED;
	case VEC_ALIGNMENT_CHECK:
		return FL_FAULT_ALIGNMENT;
	case VEC_BREAKPOINT:
	case VEC_DEBUG:
		return FL_FAULT_BREAKPOINT;
	case VEC_DIVIDE_ERROR:
	case VEC_X87_FP:
	case VEC_SIMD_FP:
		return FL_FAULT_ARITHMETIC;
	case VEC_GENERAL_PROTECTION:
	case VEC_STACK_SEGMENT:
	case VEC_SEGMENT_NOT_PRESENT:
		return FL_FAULT_PROTECTION;
	default:
		return FL_FAULT_OTHER;
	}
}

/* FL_ACCESS_* from a page fault's error code. */
static unsigned page_fault_access(uint64_t error)
{
	unsigned access = error & PF_FETCH ? FL_ACCESS_EXEC :
			  error & PF_WRITE ? FL_ACCESS_WRITE : FL_ACCESS_READ;

	if (error & (PF_PRESENT | PF_RESERVED))
		access |= FL_ACCESS_PRESENT;
	return access;
}

/*
 * An exception of the running thread's: describe it to user_fault. For a
 * fault the frame's rip is the faulting instruction, so returning from
 * here re-executes it unless the handler changed the registers. #BP and
 * #DB are traps: rip is the next instruction (after the int3, after the
 * single-stepped one), where the thread goes on. The description lives
 * in this stack frame, which stays while user_fault waits for the handler.
 */
static void x86_user_fault(struct trap_frame *tf)
{
	struct fault_info f = {
		.kind = fault_kind(tf->vector),
		.addr = x86_fault_address(tf),
		.pc = tf->rip,
		.sp = tf->rsp,
	};

	if (tf->vector == VEC_PAGE_FAULT) {
		f.access = page_fault_access(tf->error);
		f.describe = x86_page_fault_describe;	/* only if a message needs it */
		f.syndrome = tf->error;
	} else {
		f.what = x86_exception_kind(tf, NULL, 0);	/* a constant */
	}
	user_fault(&f);
}

void x86_user_trap(struct trap_frame *tf)
{
	char kind[X86_KIND_MAX];

	kernel_lock();
	switch (tf->vector) {
	case VEC_TIMER:
		timer_tick();
		lapic_eoi();
		break;
	case VEC_SPURIOUS:
		break;
	case VEC_IRQ_BASE ... VEC_IRQ_BASE + IRQ_LINES - 1:
	case VEC_MSIX_BASE ... VEC_MSIX_BASE + MSIX_VECTORS - 1:
		x86_irq_dispatch(tf->vector);
		break;
	case VEC_NMI:
	case VEC_DOUBLE_FAULT:
	case VEC_MACHINE_CHECK:
		/* the machine's trouble, not the thread's */
		panic_trap(x86_exception_kind(tf, kind, sizeof(kind)), x86_fault_address(tf),
			   tf->rip, tf->rbp, tf);
	default:
		if (tf->vector >= VEC_EXCEPTIONS)
			panic("trap: unexpected vector %lu from user mode", (unsigned long)tf->vector);
		x86_user_fault(tf);
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
 * thread's general protection fault, reported where it happened; if its
 * handler resumes it without a new pc, it faults again.
 */
static __attribute__((noinline, cold)) void bad_return_pc(struct trap_frame *tf)
{
	while (tf->rip >= USER_TOP) {
		struct fault_info f = {
			.kind = FL_FAULT_PROTECTION,
			.addr = tf->rip,
			.pc = tf->rip,
			.sp = tf->rsp,
			.what = "general protection (non-canonical pc)",
		};

		user_fault(&f);
		sched_exit_to_user();
	}
}

void x86_user_exit(struct trap_frame *tf)
{
	sched_exit_to_user();
	if (tf->rip >= USER_TOP)	/* rare: kept out of the common path's frame */
		bad_return_pc(tf);
	kernel_unlock();
}
