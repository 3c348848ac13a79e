/*
 * AArch64 register sets for thread_read_regs / thread_write_regs
 * (FL_REGS_GENERAL, FL_REGS_FP; FL_REGS_TLS is one uint64_t: TPIDR_EL0).
 */
#pragma once

#include <stdint.h>

struct fl_regs_general {
	uint64_t x[31];		/* x0..x30 (x30 is the link register) */
	uint64_t sp;		/* SP_EL0 */
	uint64_t pc;		/* ELR_EL1: where the thread resumes */
	uint64_t pstate;	/* writes keep only N Z C V; the thread stays at EL0 */
};

struct fl_regs_fp {
	uint64_t v[64];		/* q0..q31, low half first */
	uint32_t fpsr, fpcr;
};
