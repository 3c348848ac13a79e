/*
 * Interrupt and exception entry. Each stub makes the stack look the same
 * (a zero error code where the CPU pushes none, then the vector number);
 * trap_common saves the registers, CR2 and CR3 as a struct trap_frame
 * (include/arch/trap.h), calls trap(tf), and returns with iretq.
 *
 * Only kernel mode exists so far: no swapgs, no user segments.
 */

.macro stub vec, has_error
	.p2align 4
vector_\vec:
	.if !\has_error
	pushq	$0
	.endif
	pushq	$\vec
	jmp	trap_common
.endm

	.text
/* Exceptions 8, 10-14, 17, 21, 29 and 30 push an error code. */
	stub 0, 0
	stub 1, 0
	stub 2, 0
	stub 3, 0
	stub 4, 0
	stub 5, 0
	stub 6, 0
	stub 7, 0
	stub 8, 1
	stub 9, 0
	stub 10, 1
	stub 11, 1
	stub 12, 1
	stub 13, 1
	stub 14, 1
	stub 15, 0
	stub 16, 0
	stub 17, 1
	stub 18, 0
	stub 19, 0
	stub 20, 0
	stub 21, 1
	stub 22, 0
	stub 23, 0
	stub 24, 0
	stub 25, 0
	stub 26, 0
	stub 27, 0
	stub 28, 0
	stub 29, 1
	stub 30, 1
	stub 31, 0
	stub 0x30, 0		/* VEC_TIMER */
	stub 0xff, 0		/* VEC_SPURIOUS */

	.p2align 4
trap_common:
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	mov	%cr2, %rax
	pushq	%rax
	mov	%cr3, %rax
	pushq	%rax
	mov	%rsp, %rdi		/* 16-byte aligned here: 24 words on an aligned frame */
	cld
	call	trap
	add	$16, %rsp		/* cr3, cr2 */
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
	add	$16, %rsp		/* vector, error code */
	iretq

	.section .rodata
	.p2align 3
	.globl exception_vectors, timer_vector, spurious_vector
exception_vectors:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad	vector_\v
	.endr
timer_vector:
	.quad	vector_0x30
spurious_vector:
	.quad	vector_0xff
