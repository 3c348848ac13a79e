/*
 * The exception vector table (VBAR_EL1) and the register save/restore
 * around trap_entry(tf, vector) in trap.c.
 *
 * Every entry first checks the stack it is about to use. Kernel stacks
 * are 16 KiB with an unmapped 16 KiB guard below, in 32 KiB-aligned slots
 * of the stack area (kernel/mm/kstack.c), so an address in the stack area
 * is on a stack iff bit KSTACK_SHIFT is set. If the frame plus
 * TRAP_HEADROOM would reach the guard, saving registers there would fault
 * again and again; instead the exception moves to this CPU's emergency
 * stack and is reported as a kernel stack overflow.
 *
 * Scratch registers before anything is saved: SP_EL0 holds x0 (the kernel
 * never runs on SP_EL0, and the user's SP_EL0 is in its frame while the
 * kernel runs: el0_return reloads it). The overflow path, which never
 * returns, also uses TPIDR_EL0 and TPIDRRO_EL0.
 *
 * Entries from EL0 (AArch64) need no stack check: SP_EL1 is then always
 * the top of the running thread's kernel stack (el0_return leaves it
 * there, and each thread's stack is its own), so the frame lands at
 * kstack_top - TF_SIZE, where arch_regs_get/set find the user registers.
 * They save SP_EL0 as the frame's sp and go to trap_el0() in user.c,
 * which takes the kernel lock, handles the exception, calls
 * sched_exit_to_user() and releases the lock; el0_return restores the
 * (possibly changed) frame and erets.
 */
#include <arch/trapframe.h>

/* One 128-byte vector slot: stack check, save x0/x1, x1 = vector number. */
.macro ventry vector
	.balign	128
	sub	sp, sp, #TF_SIZE
	msr	sp_el0, x0
	mov	x0, sp
	sub	x0, x0, #TRAP_HEADROOM
	tbnz	x0, #KSTACK_SHIFT, 1f	/* not in a guard */
	asr	x0, x0, #30
	cmn	x0, #-(KSTACK_AREA_TAG)
	b.ne	1f			/* not in the stack area: the boot stack */
	mov	x0, #\vector
	b	trap_overflow_entry
1:	mrs	x0, sp_el0
	stp	x0, x1, [sp, #TF_X0]
	mov	x1, #\vector
	b	trap_common
.endm

/* A vector slot for exceptions from EL0 (AArch64). */
.macro ventry_el0 vector
	.balign	128
	sub	sp, sp, #TF_SIZE
	stp	x0, x1, [sp, #TF_X0]
	mrs	x0, sp_el0
	str	x0, [sp, #TF_SP]
	mov	x1, #\vector
	b	el0_common
.endm

/* Save x2..x30 and the exception registers; x0/x1 are already saved. */
.macro save_rest
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	str	x30, [sp, #TF_X30]
	mrs	x2, elr_el1
	mrs	x3, spsr_el1
	stp	x2, x3, [sp, #TF_ELR]
	mrs	x2, esr_el1
	mrs	x3, far_el1
	stp	x2, x3, [sp, #TF_ESR]
.endm

	.text
	.balign	2048
	.globl	vectors
vectors:
	ventry	0		/* EL1t: sync, irq, fiq, serror */
	ventry	1
	ventry	2
	ventry	3
	ventry	4		/* EL1h */
	ventry	5
	ventry	6
	ventry	7
	ventry_el0 8		/* EL0 AArch64 */
	ventry_el0 9
	ventry_el0 10
	ventry_el0 11
	ventry	12		/* EL0 AArch32: never entered (SPSR.M[4] is always 0) */
	ventry	13
	ventry	14
	ventry	15

/* ELR, SPSR and x0..x30 from the frame at sp (sp itself is left alone). */
.macro restore_frame
	ldp	x2, x3, [sp, #TF_ELR]
	msr	elr_el1, x2
	msr	spsr_el1, x3
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	ldr	x30, [sp, #TF_X30]
.endm

trap_common:
	save_rest
	add	x2, sp, #TF_SIZE
	str	x2, [sp, #TF_SP]
	mov	x0, sp
	bl	trap_entry

	/* Return to the interrupted context. */
	restore_frame
	add	sp, sp, #TF_SIZE
	eret

el0_common:
	save_rest
	mov	x0, sp
	bl	trap_el0

/* Return to EL0 from the frame at sp (also a new thread's way out). */
	.globl	el0_return
el0_return:
	ldr	x0, [sp, #TF_SP]
	msr	sp_el0, x0
	restore_frame
	add	sp, sp, #TF_SIZE	/* = kstack_top: the next EL0 entry's stack */
	eret

/*
 * The stack is exhausted: x0 = vector, the interrupted x0 in SP_EL0, sp =
 * interrupted sp - TF_SIZE. Build the frame on the emergency stack of
 * this CPU (TPIDR_EL1 -> struct cpu, id) and report; never returns.
 */
trap_overflow_entry:
	msr	tpidr_el0, x0
	msr	tpidrro_el0, x1
	mrs	x1, tpidr_el1
	ldr	w1, [x1, #CPU_ID_OFFSET]
	add	x1, x1, #1
	adrp	x0, emergency_stacks
	add	x0, x0, :lo12:emergency_stacks
	add	x0, x0, x1, lsl #EMERGENCY_STACK_SHIFT
	sub	x0, x0, #TF_SIZE
	add	x1, sp, #TF_SIZE
	str	x1, [x0, #TF_SP]
	mov	sp, x0
	mrs	x0, sp_el0
	mrs	x1, tpidrro_el0
	stp	x0, x1, [sp, #TF_X0]
	save_rest
	mov	x0, sp
	mrs	x1, tpidr_el0
	bl	trap_overflow
1:	wfi
	b	1b
