/*
 * Entries from EL0: system calls, user exceptions and interrupts, and a
 * new thread's first way out to EL0. vectors.S saves the user registers
 * in the frame at the top of the thread's kernel stack and calls
 * trap_el0(); el0_return restores them and erets.
 */
#include <arch.h>
#include <arch/platform.h>
#include <arch/sysreg.h>
#include <arch/trapframe.h>
#include <cpu.h>
#include <kernel.h>
#include <sched.h>
#include <syscall.h>

static void el0_sync(struct trap_frame *tf)
{
	const char *kind;
	uintptr_t addr;

	switch (ESR_EC(tf->esr)) {
	case EC_SVC64:
		/* svc #imm: any immediate; ELR already points past the svc */
		tf->x[0] = (uint64_t)syscall_dispatch(tf->x[8], tf->x);
		return;
	case EC_WFX:
		/* wfi/wfe trap (SCTLR_EL1.nTWI/nTWE = 0): a hint, skip it */
		tf->elr += 4;
		return;
	}
	kind = trap_user_kind(tf, &addr);
	user_exception(kind, addr, tf->elr);
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
