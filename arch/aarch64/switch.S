/* arch_stack_switch(stack_top, fn, arg): run fn(arg) on a new stack. */
	.text
	.globl	arch_stack_switch
arch_stack_switch:
	mov	sp, x0
	mov	x0, x2
	mov	x29, #0		/* end of the frame-pointer chain */
	mov	x30, #0
	br	x1
