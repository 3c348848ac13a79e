/*
 * x86_switch(&prev_rsp, next_rsp): save the callee-saved registers on the
 * current kernel stack, store its pointer, and resume the stack next_rsp
 * where it stopped, or, for a new thread, at the frame arch_thread_init
 * built (struct switch_frame in thread.c: r15 at the lowest address).
 */
	.text
	.globl x86_switch
x86_switch:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
