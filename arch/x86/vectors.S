/*
 * Entries into the kernel and returns to user mode.
 *
 * Interrupts and exceptions: each stub makes the stack look the same (a
 * zero error code where the CPU pushes none, then the vector number);
 * trap_common saves the registers, CR2 and CR3 as a struct trap_frame
 * (include/arch/trap.h) and calls trap(tf). From user mode the CPU has
 * switched to TSS.rsp0, the running thread's kernel stack, so the frame
 * lands at its top; trap_common swaps in the kernel's GS base first and
 * leaves through user_return. From kernel mode it returns with iretq.
 *
 * System calls: syscall_entry builds the same frame by hand on the
 * thread's kernel stack (x86_cpu.kstack_top), calls x86_syscall(tf) and
 * leaves through user_return.
 */
#include <arch/trap.h>

#define USER_DS		0x2b	/* GDT_USER_DATA | 3 (include/arch/setup.h) */
#define USER_CS		0x33	/* GDT_USER_CODE | 3 */
#define RFLAGS_TF	0x100
/* VEC_MSIX_BASE (0x60) .. + MSIX_VECTORS (32) - 1 */
#define MSIX_VECTOR_LIST	0x60,0x61,0x62,0x63,0x64,0x65,0x66,0x67,0x68,0x69,0x6a,0x6b,0x6c,0x6d,0x6e,0x6f,0x70,0x71,0x72,0x73,0x74,0x75,0x76,0x77,0x78,0x79,0x7a,0x7b,0x7c,0x7d,0x7e,0x7f
#if VEC_MSIX_BASE != 0x60 || MSIX_VECTORS != 32
#error "MSIX_VECTOR_LIST does not match VEC_MSIX_BASE and MSIX_VECTORS"
#endif

.macro stub vec, has_error
	.p2align 4
vector_\vec:
	.if !\has_error
	pushq	$0
	.endif
	pushq	$\vec
	jmp	trap_common
.endm

/* Push rax..r15, then CR2 and CR3 (or zeros): the lower part of struct trap_frame. */
.macro save_regs cr
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
	.if \cr
	mov	%cr2, %rax
	pushq	%rax
	mov	%cr3, %rax
	pushq	%rax
	.else
	pushq	$0
	pushq	$0
	.endif
.endm

/* The reverse, leaving %rsp at the vector field. */
.macro restore_regs
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
	.irp v, 0x40,0x41,0x42,0x43,0x44,0x45,0x46,0x47,0x48,0x49,0x4a,0x4b,0x4c,0x4d,0x4e,0x4f,0x50,0x51,0x52,0x53,0x54,0x55,0x56,0x57
	stub \v, 0		/* VEC_IRQ_BASE + line, IRQ_LINES of them */
	.endr
	.irp v, MSIX_VECTOR_LIST
	stub \v, 0		/* VEC_MSIX_BASE + k, MSIX_VECTORS of them */
	.endr
	stub 0xff, 0		/* VEC_SPURIOUS */

/*
 * Here %rsp points at the vector; the CPU's frame (rip, cs, ...) is
 * 16 bytes above. The saved CS says where we came from. One kernel-mode
 * place runs on the user's GS base: the iretq of user_return, so a fault
 * raised by that instruction swaps too (it would be a kernel bug, and the
 * panic report needs the per-CPU data).
 */
	.p2align 4
trap_common:
	testb	$3, 24(%rsp)
	jnz	1f
	cmpq	$user_iretq, 16(%rsp)
	jne	2f
1:	swapgs
2:	save_regs 1
	testb	$3, TF_CS(%rsp)
	jz	3f
	xor	%ebp, %ebp		/* backtraces end here, not in the user's frames */
3:	mov	%rsp, %rdi		/* 16-byte aligned here: 24 words on an aligned frame */
	cld
	call	trap
	testb	$3, TF_CS(%rsp)
	jnz	user_return
	restore_regs
	add	$16, %rsp		/* vector, error code */
	iretq

/*
 * syscall: rcx = user rip, r11 = user rflags, interrupts masked (FMASK),
 * still on the user stack and the user GS base. Build the trap frame a
 * hardware entry would have built, with rcx and r11 saved as they are
 * (the ABI says syscall clobbers them).
 */
	.p2align 4
	.globl syscall_entry
syscall_entry:
	swapgs
	movq	%rsp, %gs:X86_CPU_USER_RSP
	movq	%gs:X86_CPU_KSTACK_TOP, %rsp
	pushq	$USER_DS		/* ss */
	pushq	%gs:X86_CPU_USER_RSP	/* rsp */
	pushq	%r11			/* rflags */
	pushq	$USER_CS		/* cs */
	pushq	%rcx			/* rip */
	pushq	$0			/* error */
	pushq	$VEC_SYSCALL
	save_regs 0
	xor	%ebp, %ebp
	mov	%rsp, %rdi
	call	x86_syscall
	jmp	user_return

/*
 * A new thread's first run: arch_context_switch "returns" here with
 * %rsp at the user frame that arch_thread_init built.
 */
	.p2align 4
	.globl thread_first_entry
thread_first_entry:
	mov	%rsp, %rdi
	call	x86_user_exit
	/* fall through */

/*
 * Back to user mode from the trap frame at %rsp; x86_user_exit has run
 * (the kernel lock is released, interrupts are still masked).
 *
 * sysretq is cheaper, but only safe when the frame is exactly what it can
 * restore: rcx == rip and r11 == rflags (nobody rewrote the registers),
 * no TF (sysret would trap after the first instruction rather than
 * before it), and rip a canonical user address: on Intel CPUs a sysretq
 * to a non-canonical rip raises #GP in ring 0 with the user's rsp
 * already loaded. Everything else goes through iretq. (x86_user_exit
 * never lets a non-canonical rip get this far; this check stays anyway.)
 */
	.p2align 4
	.globl user_return
user_return:
	movq	TF_RIP(%rsp), %rcx
	cmpq	TF_RCX(%rsp), %rcx
	jne	1f
	movq	TF_RFLAGS(%rsp), %r11
	cmpq	TF_R11(%rsp), %r11
	jne	1f
	testl	$RFLAGS_TF, %r11d
	jnz	1f
	shrq	$47, %rcx
	jnz	1f
	restore_regs			/* rcx = rip, r11 = rflags */
	movq	TF_RSP - TF_VECTOR(%rsp), %rsp
	swapgs
	sysretq
1:	restore_regs
	add	$16, %rsp		/* vector, error code */
	swapgs
user_iretq:
	iretq

	.section .rodata
	.p2align 3
	.globl exception_vectors, timer_vector, spurious_vector, irq_vectors, msix_vectors
exception_vectors:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad	vector_\v
	.endr
timer_vector:
	.quad	vector_0x30
spurious_vector:
	.quad	vector_0xff
irq_vectors:
	.irp v, 0x40,0x41,0x42,0x43,0x44,0x45,0x46,0x47,0x48,0x49,0x4a,0x4b,0x4c,0x4d,0x4e,0x4f,0x50,0x51,0x52,0x53,0x54,0x55,0x56,0x57
	.quad	vector_\v
	.endr
msix_vectors:
	.irp v, MSIX_VECTOR_LIST
	.quad	vector_\v
	.endr
