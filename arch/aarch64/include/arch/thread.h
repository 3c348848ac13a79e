/*
 * The AArch64 part of a thread (struct thread.arch).
 *
 * A thread's user registers live in the trap frame at the top of its
 * kernel stack (kstack_top - TF_SIZE), where the EL0 vectors put them; its
 * kernel context (callee-saved registers, sp, lr) is saved here by
 * context.S when it switches away inside the kernel. FP/SIMD state and
 * TPIDR_EL0 are switched eagerly (arch_context_switch), so here they are
 * only valid while the thread is not running.
 */
#pragma once

#include <arch/trapframe.h>
#include <types.h>

/* What context.S saves: x19..x28, fp, lr, sp. Offsets are used by context.S. */
struct arch_context {
	uint64_t x19_x28[10];	/* 0 */
	uint64_t fp;		/* 80: x29 */
	uint64_t lr;		/* 88: x30, where the switch resumes */
	uint64_t sp;		/* 96 */
	uint64_t pad;
};

/* The user FP/SIMD registers; fp_save/fp_restore in context.S. */
struct arch_fp_state {
	uint64_t q[64];		/* 0: q0..q31, low half first (struct fl_regs_fp.v) */
	uint32_t fpsr;		/* 512 */
	uint32_t fpcr;		/* 516 */
} __aligned(16);

struct arch_thread {
	struct arch_context ctx;
	struct arch_fp_state fp;
	uint64_t tls;		/* TPIDR_EL0 */
};

/* The user registers of a thread that entered the kernel from EL0. */
static inline struct trap_frame *arch_user_frame(uintptr_t kstack_top)
{
	return (struct trap_frame *)(kstack_top - TF_SIZE);
}
