/* AArch64 register-set access for the Kernel I test. */
#pragma once

#include <faultline/regs.h>
#include <faultline/sys.h>

#define KERNEL_TEXT_ADDR	0xffffffffc0200000ul
#define TOP_SYSCALL_PC		0x7ffffffffffcul

/* How far a handler moves pc to resume after each fault (see arch_test.S). */
#define UNDEFINED_SKIP		4
#define BREAKPOINT_SKIP		4
#define ALIGNMENT_SKIP		4
#define HAS_ALIGNMENT_TRAP	1
#define DIVIDE_SKIP		0
#define HAS_DIVIDE_TRAP		0	/* integer division by zero gives 0 */

static inline uint64_t regs_pc(const struct fl_regs_general *r) { return r->pc; }
static inline uint64_t regs_sp(const struct fl_regs_general *r) { return r->sp; }
static inline uint64_t regs_arg(const struct fl_regs_general *r) { return r->x[0]; }
static inline void regs_set_pc(struct fl_regs_general *r, uint64_t v) { r->pc = v; }
static inline void regs_set_arg(struct fl_regs_general *r, uint64_t v) { r->x[0] = v; }

/* d0, the low half of q0. */
static inline void fp_set_reg0(struct fl_regs_fp *f, uint64_t v)
{
	f->v[0] = v;
}
