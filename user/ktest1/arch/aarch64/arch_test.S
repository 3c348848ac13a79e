/* AArch64 pieces of the Kernel I test (see ../../main.c). */
#include <faultline/abi.h>

/* uint64_t arch_read_tls(void): the first word at the TLS base. */
	.text
	.globl arch_read_tls
arch_read_tls:
	mrs x0, tpidr_el0
	ldr x0, [x0]
	ret

/* Thread entry that records d0 (low half of q0) as the kernel left it, then exits. */
	.globl arch_fp_probe
arch_fp_probe:
	adrp x1, fp_probe_low
	str d0, [x1, :lo12:fp_probe_low]
	mov x8, #FL_SYS_thread_exit
	svc #0
	brk #0

/* An undefined instruction. */
	.globl arch_undefined
arch_undefined:
	udf #0

/* Faults a handler resumes from: udf and brk both leave pc on the
   instruction (4 bytes). AArch64 has no divide trap. */
	.globl arch_undefined_then_return
arch_undefined_then_return:
	udf #0
	ret

	.globl arch_breakpoint_then_return
arch_breakpoint_then_return:
	brk #0
	ret

	.globl arch_divide_by_zero
arch_divide_by_zero:
	ret

/* A misaligned exclusive load: an alignment fault (pc stays on it). */
	.globl arch_misaligned_then_return
arch_misaligned_then_return:
	sub sp, sp, #16
	add x1, sp, #1
	ldxr w0, [x1]
	add sp, sp, #16
	ret

/* The last instruction of user space: a system call whose return address
   is 0x800000000000, outside user space. */
	.section .user_top, "ax"
	.fill 1023, 4, 0xd4200000	/* brk #0 */
	.globl arch_top_syscall
arch_top_syscall:
	svc #0

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
