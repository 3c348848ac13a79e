/*
 * Entries from EL0: system calls, user exceptions and interrupts, and a
 * new thread's first way out to EL0. vectors.S saves the user registers
 * in the frame at the top of the thread's kernel stack and calls
 * trap_el0(); el0_return restores them and erets.
 */
#include <arch.h>
#include <arch/mmu.h>
#include <arch/platform.h>
#include <arch/sysreg.h>
#include <arch/thread.h>
#include <arch/trapframe.h>
#include <cpu.h>
#include <kernel.h>
#include <sched.h>
#include <syscall.h>
#include <thread.h>

/*
 * A user exception. Accessed/dirty emulation first (mmu.c): an access flag
 * fault or the first write to a clean page is fixed and simply retried.
 * Otherwise ELR is the faulting instruction: a thread the handler
 * resumes without changing its pc executes it again. user_fault() may
 * return after the handler rewrote the frame (thread_write_regs); it is
 * restored as it is then. Out of line: the svc path keeps a small frame.
 */
static __attribute__((noinline)) void el0_fault(struct trap_frame *tf)
{
	struct fault_info f;

	if (mmu_user_ad_fault(tf))
		return;	/* accessed/dirty emulation: retry the access */
	trap_user_fault(tf, &f);
	user_fault(&f);
}

static void el0_sync(struct trap_frame *tf)
{
	switch (ESR_EC(tf->esr)) {
	case EC_SVC64:
		/*
		 * svc #imm: any immediate; ELR already points past the svc.
		 * The handler may have set x1..x6 (arch_syscall_set_extra);
		 * nothing after this touches the frame but el0_return.
		 */
		tf->x[0] = (uint64_t)syscall_dispatch(tf->x[8], tf->x);
		return;
	case EC_WFX:
		/* wfi/wfe trap (SCTLR_EL1.nTWI/nTWE = 0): a hint, skip it */
		tf->elr += 4;
		return;
	}
	el0_fault(tf);
}

/*
 * The registers a system call returns besides x0: x1..x6 of the frame
 * el0_return restores. Also right for a thread blocked in a system call
 * (its frame is at the top of its own kernel stack until it returns).
 */
void arch_syscall_set_result(struct thread *t, long r)
{
	arch_user_frame(t->kstack_top)->x[0] = (uint64_t)r;
}

void arch_syscall_set_extra(struct thread *t, const unsigned long w[6])
{
	struct trap_frame *tf = arch_user_frame(t->kstack_top);

	for (int i = 0; i < 6; i++)
		tf->x[1 + i] = w[i];
}

void arch_syscall_set_message(struct thread *t, long r, uint64_t badge, uint64_t tag,
			      const uint64_t w[4])
{
	struct trap_frame *tf = arch_user_frame(t->kstack_top);

	tf->x[0] = (uint64_t)r;
	tf->x[1] = badge;
	tf->x[2] = tag;
	tf->x[3] = w[0];
	tf->x[4] = w[1];
	tf->x[5] = w[2];
	tf->x[6] = w[3];
}

/*
 * Every exception from EL0. The kernel lock is taken on entry and dropped
 * just before el0_return; sched_exit_to_user() may switch threads (this
 * one resumes here later, its frame intact on its own stack).
 */
void trap_el0(struct trap_frame *tf, unsigned long vector)
{
	kernel_lock();
	if (vector == VEC_EL0_SYNC)
		el0_sync(tf);
	else if (vector == VEC_EL0_IRQ)
		irqchip_handle();
	else
		trap_unexpected(tf, vector);	/* FIQ, SError */
	sched_exit_to_user();
	kernel_unlock();
}

void arch_thread_first_entry(void);

/* A new thread, switched to for the first time, on its way to EL0. */
void arch_thread_first_entry(void)
{
	sched_exit_to_user();
	kernel_unlock();
}
