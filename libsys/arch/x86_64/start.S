/*
 * Program and thread entry. The kernel starts a thread with its argument
 * in rdi and rsp at the stack top, every other register zero.
 */
#include <faultline/abi.h>

	.section .text.start, "ax"
	.globl _start
_start:
	andq $-16, %rsp
	call fl_start		/* fl_start(struct fl_bootinfo *): never returns */
	ud2

/* fl_thread_entry: rdi -> struct fl_thread_start { fn, arg }; fn(arg), then thread_exit. */
	.text
	.globl fl_thread_entry
fl_thread_entry:
	andq $-16, %rsp
	movq 8(%rdi), %rsi
	movq (%rdi), %rax
	movq %rsi, %rdi
	call *%rax
	movl $FL_SYS_thread_exit, %eax
	syscall
	ud2
