/*
 * The register save area built by vectors.S on every exception, and the
 * constants the vector code shares with C. For an exception from EL0 the
 * frame sits at the top of the thread's kernel stack and sp is SP_EL0.
 */
#pragma once

#define TF_X0		0
#define TF_X30		240
#define TF_SP		248
#define TF_ELR		256
#define TF_SPSR		264
#define TF_ESR		272
#define TF_FAR		280
#define TF_SIZE		288	/* a multiple of 16: sp stays aligned */

/*
 * Stack checks at vector entry (see kernel/mm/kstack.c): a kernel stack
 * pointer has bit KSTACK_SHIFT set; the stack area is the 1 GiB at
 * KSTACK_AREA_BASE, i.e. (sp asr 30) == KSTACK_AREA_TAG. An exception is
 * moved to the emergency stack when its frame plus TRAP_HEADROOM bytes
 * for the handler would reach the guard.
 */
#define KSTACK_SHIFT		14
#define KSTACK_AREA_TAG		-1024
#define TRAP_HEADROOM		2048
#define EMERGENCY_STACK_SHIFT	13	/* 8 KiB per CPU */
#define CPU_ID_OFFSET		8	/* offsetof(struct cpu, id) */

/* Vector numbers: VBAR_EL1 offset / 0x80. */
#define VEC_EL1H_SYNC	4
#define VEC_EL1H_IRQ	5
#define VEC_EL0_SYNC	8
#define VEC_EL0_IRQ	9
#define VEC_COUNT	16

#ifndef __ASSEMBLER__
#include <types.h>

struct trap_frame {
	uint64_t x[31];		/* x0..x30; x29 = fp, x30 = lr */
	uint64_t sp;		/* sp before the exception (SP_EL0 from EL0) */
	uint64_t elr;		/* pc */
	uint64_t spsr;		/* pstate */
	uint64_t esr;
	uint64_t far;
};

_Static_assert(sizeof(struct trap_frame) == TF_SIZE, "trap frame layout");

/* trap.c */
__noreturn void trap_unexpected(struct trap_frame *tf, unsigned long vector);
struct fault_info;
void trap_user_fault(const struct trap_frame *tf, struct fault_info *f);
/* user.c: every exception from EL0 (vectors.S) */
void trap_el0(struct trap_frame *tf, unsigned long vector);
#endif
