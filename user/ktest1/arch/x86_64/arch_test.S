/* x86_64 pieces of the Kernel I test (see ../../main.c). */
#include <faultline/abi.h>

/* uint64_t arch_read_tls(void): the first word at the TLS base (%fs:0). */
	.text
	.globl arch_read_tls
arch_read_tls:
	movq %fs:0, %rax
	ret

/* Thread entry that records xmm0 as the kernel left it, then exits. */
	.globl arch_fp_probe
arch_fp_probe:
	movq %xmm0, fp_probe_low(%rip)
	movl $FL_SYS_thread_exit, %eax
	syscall
	ud2

/* An undefined instruction. */
	.globl arch_undefined
arch_undefined:
	ud2

/* Faults a handler resumes from: ud2 (2 bytes, pc stays on it), int3 (a
   trap: pc already past it), div by zero (2 bytes, pc stays on it). */
	.globl arch_undefined_then_return
arch_undefined_then_return:
	ud2
	ret

	.globl arch_breakpoint_then_return
arch_breakpoint_then_return:
	int3
	ret

	.globl arch_divide_by_zero
arch_divide_by_zero:
	xorl %ecx, %ecx
	movl $1, %eax
	xorl %edx, %edx
	divl %ecx
	ret

/* A misaligned load with EFLAGS.AC set: #AC (a fault: pc stays on the
   4-byte load); AC is cleared again after it. */
	.globl arch_misaligned_then_return
arch_misaligned_then_return:
	pushfq
	orl $0x40000, (%rsp)
	popfq
	movl 1(%rsp), %eax
	pushfq
	andl $~0x40000, (%rsp)
	popfq
	ret

/* The last instruction of user space: a system call whose return address,
   0x800000000000, is not canonical: the kernel must not sysret there. */
	.section .user_top, "ax"
	.fill 4094, 1, 0xcc
	.globl arch_top_syscall
arch_top_syscall:
	syscall

/* Its address, for C (the small code model cannot reach it directly). */
	.data
	.balign 8
	.globl arch_top_syscall_addr
arch_top_syscall_addr:
	.quad arch_top_syscall

/* Where arch_fp_probe leaves what it saw. */
	.bss
	.balign 8
	.globl fp_probe_low
fp_probe_low:
	.quad 0
