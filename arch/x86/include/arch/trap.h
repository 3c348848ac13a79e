/*
 * The trap frame built by vectors.S, and the interrupt vectors in use.
 *
 * Every entry from user mode (syscall, interrupt, exception) leaves the
 * same struct trap_frame at the top of the thread's kernel stack, so a
 * thread's user registers are always at x86_user_frame(kstack_top).
 */
#pragma once

#define VEC_DIVIDE_ERROR	0
#define VEC_DEBUG		1
#define VEC_NMI			2
#define VEC_BREAKPOINT		3
#define VEC_INVALID_OPCODE	6
#define VEC_DOUBLE_FAULT	8
#define VEC_SEGMENT_NOT_PRESENT	11
#define VEC_STACK_SEGMENT	12
#define VEC_GENERAL_PROTECTION	13
#define VEC_PAGE_FAULT		14
#define VEC_X87_FP		16
#define VEC_ALIGNMENT_CHECK	17
#define VEC_MACHINE_CHECK	18
#define VEC_SIMD_FP		19
#define VEC_EXCEPTIONS		32	/* 0..31 are CPU exceptions */
#define VEC_PIC_BASE		0x20	/* the masked 8259s, remapped out of the way */
#define VEC_TIMER		0x30
#define VEC_IRQ_BASE		0x40	/* IOAPIC line n: VEC_IRQ_BASE + n (ioapic.c) */
#define IRQ_LINES		24	/* vectors.S has a stub for each */
#define VEC_MSIX_BASE		0x60	/* MSI-X vector k: VEC_MSIX_BASE + k (msix.c) */
#define MSIX_VECTORS		32	/* in total, all PCI functions together; a stub each */
#define MSIX_LINE_BASE		IRQ_LINES	/* MSI-X vector k is line MSIX_LINE_BASE + k */
#define VEC_SPURIOUS		0xff
#define VEC_SYSCALL		0x100	/* not a vector: marks a frame built by syscall_entry */

/* Page-fault error code bits. */
#define PF_PRESENT	(1u << 0)	/* a present entry denied it (else: not present) */
#define PF_WRITE	(1u << 1)
#define PF_USER		(1u << 2)
#define PF_RESERVED	(1u << 3)
#define PF_FETCH	(1u << 4)	/* an instruction fetch */

/* Offsets into struct trap_frame, for the assembly. */
#define TF_R11		48
#define TF_RCX		112
#define TF_RAX		128
#define TF_VECTOR	136
#define TF_RIP		152
#define TF_CS		160
#define TF_RFLAGS	168
#define TF_RSP		176
#define TF_SIZE		192

/* Offsets into struct x86_cpu (include/arch/setup.h). */
#define X86_CPU_KSTACK_TOP	8
#define X86_CPU_USER_RSP	16

#ifndef __ASSEMBLER__
#include <types.h>

/* Lowest address first: what vectors.S pushed, then what the CPU pushed. */
struct trap_frame {
	uint64_t cr3, cr2;
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;		/* error is 0 for vectors without one */
	uint64_t rip, cs, rflags, rsp, ss;
};

_Static_assert(__builtin_offsetof(struct trap_frame, r11) == TF_R11, "TF_R11");
_Static_assert(__builtin_offsetof(struct trap_frame, rcx) == TF_RCX, "TF_RCX");
_Static_assert(__builtin_offsetof(struct trap_frame, rax) == TF_RAX, "TF_RAX");
_Static_assert(__builtin_offsetof(struct trap_frame, vector) == TF_VECTOR, "TF_VECTOR");
_Static_assert(__builtin_offsetof(struct trap_frame, rip) == TF_RIP, "TF_RIP");
_Static_assert(__builtin_offsetof(struct trap_frame, cs) == TF_CS, "TF_CS");
_Static_assert(__builtin_offsetof(struct trap_frame, rflags) == TF_RFLAGS, "TF_RFLAGS");
_Static_assert(__builtin_offsetof(struct trap_frame, rsp) == TF_RSP, "TF_RSP");
_Static_assert(sizeof(struct trap_frame) == TF_SIZE && TF_SIZE % 16 == 0, "TF_SIZE");

/* The user registers of the thread whose kernel stack ends at kstack_top. */
static inline struct trap_frame *x86_user_frame(uintptr_t kstack_top)
{
	return (struct trap_frame *)kstack_top - 1;
}

/* Called by vectors.S for every vector; frames from user mode go to x86_user_trap. */
void trap(struct trap_frame *tf);
#endif
