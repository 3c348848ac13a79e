/*
 * x86_64 register sets for thread_read_regs / thread_write_regs
 * (FL_REGS_GENERAL, FL_REGS_FP; FL_REGS_TLS is one uint64_t: FS_BASE).
 */
#pragma once

#include <stdint.h>

struct fl_regs_general {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip;
	uint64_t rflags;	/* writes keep only CF PF AF ZF SF TF DF OF; IF is always set */
};

/* The FXSAVE image: x87, MMX, SSE (xmm0-15) and MXCSR. No AVX: CR4.OSXSAVE is off. */
struct fl_regs_fp {
	uint8_t fxsave[512];
} __attribute__((aligned(16)));
