/*
 * Threads on AArch64: the first way to EL0, the context switch (eager
 * FP/SIMD and TPIDR_EL0 switching), and the register sets.
 *
 * A user thread's registers are in the trap frame at the top of its
 * kernel stack whenever it is not running: it can only have stopped
 * inside the kernel, entered from EL0 (a system call, an exception or an
 * interrupt), and the frame is where the EL0 vectors saved them.
 */
#include <arch.h>
#include <arch/mmu.h>
#include <arch/sysreg.h>
#include <arch/thread.h>
#include <cpu.h>
#include <errno.h>
#include <faultline/abi.h>
#include <faultline/regs.h>
#include <kernel.h>
#include <string.h>
#include <task.h>
#include <thread.h>

/* context.S */
void context_switch(struct arch_context *prev, struct arch_context *next);
/* Save like context_switch, then leave for EL0 through the frame tf. */
void context_switch_to_user(struct arch_context *prev, struct trap_frame *tf);
void fp_save(struct arch_fp_state *fp);
void fp_restore(const struct arch_fp_state *fp);
extern char thread_first_entry[];

#define SPSR_EL0T	0x0		/* EL0, AArch64, D A I F unmasked */
#define SPSR_NZCV	0xf0000000ul	/* what a user may set in pstate */
#define FPSR_MASK	0xf800009ful	/* N Z C V QC, cumulative exception bits */
#define FPCR_MASK	0x07c89f00ul	/* AHP DN FZ RMode FZ16, trap enables */

_Static_assert(sizeof(((struct fl_regs_general *)0)->x) == sizeof(((struct trap_frame *)0)->x),
	       "x0..x30 in both layouts");
_Static_assert(sizeof(((struct fl_regs_fp *)0)->v) == sizeof(((struct arch_fp_state *)0)->q),
	       "q0..q31 in both layouts");
_Static_assert(__builtin_offsetof(struct arch_context, fp) == 80 &&
	       __builtin_offsetof(struct arch_context, sp) == 96, "context.S offsets");
_Static_assert(__builtin_offsetof(struct arch_fp_state, fpsr) == 512 &&
	       __builtin_offsetof(struct arch_fp_state, fpcr) == 516, "context.S FP offsets");

/*
 * The first switch to t runs thread_first_entry (context.S) on the user
 * frame built here: sched_exit_to_user, kernel_unlock, el0_return.
 */
void arch_thread_init(struct thread *t, uintptr_t kstack_top,
		      uintptr_t pc, uintptr_t sp, uintptr_t arg)
{
	struct trap_frame *tf = arch_user_frame(kstack_top);

	memset(tf, 0, sizeof(*tf));
	tf->x[0] = arg;
	tf->sp = sp;
	tf->elr = pc;
	tf->spsr = SPSR_EL0T;
	memset(&t->arch, 0, sizeof(t->arch));
	t->arch.ctx.sp = (uintptr_t)tf;
	t->arch.ctx.lr = (uintptr_t)thread_first_entry;
}

/*
 * Only user threads (t->task set) own FP/SIMD and TLS state: the kernel
 * never touches those registers, so switching to and from an idle thread
 * leaves them alone.
 */
/* Everything a switch does but change stacks. */
static inline __attribute__((always_inline)) void switch_state(struct thread *prev,
							     struct thread *next)
{
	if (prev->task) {
		fp_save(&prev->arch.fp);
		prev->arch.tls = read_sysreg(tpidr_el0);
	}
	if (next->task) {
		fp_restore(&next->arch.fp);
		write_sysreg(tpidr_el0, next->arch.tls);
		arch_pt_activate_user(next->task->pt);
	} else {
		arch_pt_deactivate_user();
	}
	arch_this_cpu()->kstack_top = next->kstack_top;
}

void arch_context_switch(struct thread *prev, struct thread *next)
{
	switch_state(prev, next);
	context_switch(&prev->arch.ctx, &next->arch.ctx);
}

void arch_switch_to_user(struct thread *prev, struct thread *next)
{
	switch_state(prev, next);
	kernel_unlock();	/* next leaves the kernel: what its exit path would do */
	context_switch_to_user(&prev->arch.ctx, arch_user_frame(next->kstack_top));
}

int arch_regs_get(struct thread *t, unsigned set, void *buf, size_t len)
{
	const struct trap_frame *tf = arch_user_frame(t->kstack_top);

	switch (set) {
	case FL_REGS_GENERAL: {
		struct fl_regs_general *r = buf;

		if (len != sizeof(*r))
			return -EINVAL;
		if (t->state == THREAD_INACTIVE) {
			/* no frame yet: thread_start will set pc, sp and x0 */
			memset(r, 0, sizeof(*r));
			return 0;
		}
		memcpy(r->x, tf->x, sizeof(r->x));
		r->sp = tf->sp;
		r->pc = tf->elr;
		r->pstate = tf->spsr;
		return 0;
	}
	case FL_REGS_FP: {
		struct fl_regs_fp *r = buf;

		if (len != sizeof(*r))
			return -EINVAL;
		memcpy(r->v, t->arch.fp.q, sizeof(r->v));
		r->fpsr = t->arch.fp.fpsr;
		r->fpcr = t->arch.fp.fpcr;
		return 0;
	}
	case FL_REGS_TLS:
		if (len != sizeof(uint64_t))
			return -EINVAL;
		memcpy(buf, &t->arch.tls, sizeof(uint64_t));
		return 0;
	}
	return -EINVAL;
}

/*
 * pc must be a user address (else -EINVAL); an unaligned pc or sp, or an
 * sp outside user space, is the thread's own business: its next
 * instruction faults at EL0 and becomes a user exception. pstate keeps
 * only N Z C V: the thread stays at EL0t with interrupts unmasked. FPSR
 * and FPCR keep their architected bits.
 */
int arch_regs_set(struct thread *t, unsigned set, const void *buf, size_t len)
{
	struct trap_frame *tf = arch_user_frame(t->kstack_top);

	switch (set) {
	case FL_REGS_GENERAL: {
		const struct fl_regs_general *r = buf;

		if (len != sizeof(*r))
			return -EINVAL;
		if (!arch_user_addr_ok(r->pc, 1))
			return -EINVAL;
		memcpy(tf->x, r->x, sizeof(tf->x));
		tf->sp = r->sp;
		tf->elr = r->pc;
		tf->spsr = SPSR_EL0T | (r->pstate & SPSR_NZCV);
		return 0;
	}
	case FL_REGS_FP: {
		const struct fl_regs_fp *r = buf;

		if (len != sizeof(*r))
			return -EINVAL;
		memcpy(t->arch.fp.q, r->v, sizeof(r->v));
		t->arch.fp.fpsr = r->fpsr & FPSR_MASK;
		t->arch.fp.fpcr = r->fpcr & FPCR_MASK;
		return 0;
	}
	case FL_REGS_TLS: {
		uint64_t tls;

		if (len != sizeof(tls))
			return -EINVAL;
		memcpy(&tls, buf, sizeof(tls));
		if (!arch_user_addr_ok(tls, 1))
			return -EINVAL;
		t->arch.tls = tls;
		return 0;
	}
	}
	return -EINVAL;
}
