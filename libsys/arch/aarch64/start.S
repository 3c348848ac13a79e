/*
 * Program and thread entry. The kernel starts a thread with its argument
 * in x0 and sp at the stack top, every other register zero.
 */
#include <faultline/abi.h>

	.section .text.start, "ax"
	.globl _start
_start:
	bl fl_start		/* fl_start(struct fl_bootinfo *): never returns */
	brk #0

/* fl_thread_entry: x0 -> struct fl_thread_start { fn, arg }; fn(arg), then thread_exit. */
	.text
	.globl fl_thread_entry
fl_thread_entry:
	ldr x1, [x0]
	ldr x0, [x0, #8]
	blr x1
	mov x8, #FL_SYS_thread_exit
	svc #0
	brk #0
