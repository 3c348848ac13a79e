/* arch_stack_switch(stack_top, fn, arg): call fn(arg) on a new stack, never return. */
	.text
	.globl arch_stack_switch
arch_stack_switch:
	mov	%rdi, %rsp
	pushq	$0		/* a null return address ends backtraces; keeps the ABI alignment */
	xor	%ebp, %ebp
	mov	%rdx, %rdi
	jmp	*%rsi
