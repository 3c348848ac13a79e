/* The kernel stack switch (the C side is arch_context_switch in thread.c). */

/* Push the callee-saved registers and store the stack pointer in *rdi. */
.macro save_prev
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rdi)
.endm

	.text
/*
 * x86_switch(&prev_rsp, next_rsp): save the callee-saved registers on the
 * current kernel stack, store its pointer, and resume the stack next_rsp
 * where it stopped, or, for a new thread, at the frame arch_thread_init
 * built (struct switch_frame in thread.c: r15 at the lowest address).
 */
	.globl x86_switch
x86_switch:
	save_prev
	movq	%rsi, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret

/*
 * x86_switch_to_user(&prev_rsp, tf): save exactly as x86_switch does (so
 * x86_switch can resume prev later), then return to user mode from the
 * trap frame tf at the top of next's kernel stack (arch_switch_to_user).
 */
	.globl x86_switch_to_user
x86_switch_to_user:
	save_prev
	movq	%rsi, %rsp
	jmp	user_return
