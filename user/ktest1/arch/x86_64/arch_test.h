/* x86_64 register-set access for the Kernel I test. */
#pragma once

#include <faultline/regs.h>
#include <faultline/sys.h>

#define KERNEL_TEXT_ADDR	0xffffffff80101000ul
#define TOP_SYSCALL_PC		0x7ffffffffffeul

/* How far a handler moves pc to resume after each fault (see arch_test.S). */
#define UNDEFINED_SKIP		2
#define BREAKPOINT_SKIP		0
#define ALIGNMENT_SKIP		4
#define HAS_ALIGNMENT_TRAP	0	/* QEMU's TCG does not model #AC */
#define DIVIDE_SKIP		2
#define HAS_DIVIDE_TRAP		1

static inline uint64_t regs_pc(const struct fl_regs_general *r) { return r->rip; }
static inline uint64_t regs_sp(const struct fl_regs_general *r) { return r->rsp; }
static inline uint64_t regs_arg(const struct fl_regs_general *r) { return r->rdi; }
static inline void regs_set_pc(struct fl_regs_general *r, uint64_t v) { r->rip = v; }
static inline void regs_set_arg(struct fl_regs_general *r, uint64_t v) { r->rdi = v; }

/* xmm0's low 64 bits in the FXSAVE image (offset 160). */
static inline void fp_set_reg0(struct fl_regs_fp *f, uint64_t v)
{
	memcpy(f->fxsave + 160, &v, sizeof(v));
}
