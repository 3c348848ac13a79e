/*
 * Kernel context switch and FP/SIMD save/restore (the C side is
 * arch_context_switch in thread.c). The kernel is built
 * -mgeneral-regs-only, so the FP/SIMD registers always hold the user
 * state of the running thread and only this file touches them.
 */
	.arch	armv8-a+fp+simd

/* Save x19..x30 and sp into the struct arch_context at x0. */
.macro save_prev
	stp	x19, x20, [x0, #0]
	stp	x21, x22, [x0, #16]
	stp	x23, x24, [x0, #32]
	stp	x25, x26, [x0, #48]
	stp	x27, x28, [x0, #64]
	stp	x29, x30, [x0, #80]
	mov	x2, sp
	str	x2, [x0, #96]
.endm

/*
 * context_switch(struct arch_context *prev, struct arch_context *next):
 * save the callee-saved registers, fp, lr and sp into prev, load next's
 * and return on next's stack (to next's caller of context_switch, or for
 * a new thread to arch_thread_first_entry).
 */
	.text
	.globl	context_switch
context_switch:
	save_prev

	ldp	x19, x20, [x1, #0]
	ldp	x21, x22, [x1, #16]
	ldp	x23, x24, [x1, #32]
	ldp	x25, x26, [x1, #48]
	ldp	x27, x28, [x1, #64]
	ldp	x29, x30, [x1, #80]
	ldr	x2, [x1, #96]
	mov	sp, x2
	ret

/*
 * context_switch_to_user(struct arch_context *prev, struct trap_frame *tf):
 * save prev exactly as context_switch does (so it can resume prev later),
 * then return to EL0 from tf, the frame at the top of next's kernel stack
 * (arch_switch_to_user).
 */
	.globl	context_switch_to_user
context_switch_to_user:
	save_prev
	mov	sp, x1
	b	el0_return

/* fp_save(struct arch_fp_state *): q0..q31, FPSR, FPCR. */
	.globl	fp_save
fp_save:
	stp	q0, q1, [x0, #0]
	stp	q2, q3, [x0, #32]
	stp	q4, q5, [x0, #64]
	stp	q6, q7, [x0, #96]
	stp	q8, q9, [x0, #128]
	stp	q10, q11, [x0, #160]
	stp	q12, q13, [x0, #192]
	stp	q14, q15, [x0, #224]
	stp	q16, q17, [x0, #256]
	stp	q18, q19, [x0, #288]
	stp	q20, q21, [x0, #320]
	stp	q22, q23, [x0, #352]
	stp	q24, q25, [x0, #384]
	stp	q26, q27, [x0, #416]
	stp	q28, q29, [x0, #448]
	stp	q30, q31, [x0, #480]
	mrs	x1, fpsr
	mrs	x2, fpcr
	str	w1, [x0, #512]
	str	w2, [x0, #516]
	ret

/* fp_restore(const struct arch_fp_state *) */
	.globl	fp_restore
fp_restore:
	ldp	q0, q1, [x0, #0]
	ldp	q2, q3, [x0, #32]
	ldp	q4, q5, [x0, #64]
	ldp	q6, q7, [x0, #96]
	ldp	q8, q9, [x0, #128]
	ldp	q10, q11, [x0, #160]
	ldp	q12, q13, [x0, #192]
	ldp	q14, q15, [x0, #224]
	ldp	q16, q17, [x0, #256]
	ldp	q18, q19, [x0, #288]
	ldp	q20, q21, [x0, #320]
	ldp	q22, q23, [x0, #352]
	ldp	q24, q25, [x0, #384]
	ldp	q26, q27, [x0, #416]
	ldp	q28, q29, [x0, #448]
	ldp	q30, q31, [x0, #480]
	ldr	w1, [x0, #512]
	ldr	w2, [x0, #516]
	msr	fpsr, x1
	msr	fpcr, x2
	ret

/*
 * A new thread's first switch lands here (arch_thread_init set lr to this
 * and sp to its user frame): do what every return to EL0 does, then
 * leave through the common exit in vectors.S.
 */
	.globl	thread_first_entry
thread_first_entry:
	mov	x29, #0			/* end of the frame-pointer chain */
	bl	arch_thread_first_entry
	b	el0_return
