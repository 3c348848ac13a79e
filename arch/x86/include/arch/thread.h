/*
 * The x86_64 half of struct thread (kernel/include/thread.h).
 *
 * A thread's user registers live in the struct trap_frame at the top of
 * its kernel stack (include/arch/trap.h), whichever way it entered the
 * kernel: syscall, interrupt or exception. struct arch_thread holds the
 * rest: the kernel stack pointer saved by arch_context_switch (the
 * callee-saved registers are pushed on that stack), the TLS base and the
 * FP/SIMD state, both switched eagerly.
 */
#pragma once

#include <types.h>
#include <faultline/regs.h>

struct arch_thread {
	uint64_t rsp;			/* kernel stack pointer while switched out */
	uint64_t fs_base;		/* TLS base: FS_BASE while the thread runs */
	struct fl_regs_fp fp;		/* FXSAVE image while switched out */
};
