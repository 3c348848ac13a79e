/* The kernel's event counters (kstat system call), since boot. */
#pragma once

#include <stdint.h>

struct fl_kstat {
	uint64_t kernel_entries;	/* system calls, user exceptions, interrupts */
	uint64_t syscalls;
	uint64_t faults;		/* user exceptions */
	uint64_t interrupts;
	uint64_t as_switches;		/* user page-table switches (CR3 / TTBR0 writes) */
	uint64_t tlb_flushes;		/* TLB invalidation operations issued */
	uint64_t pages_zeroed;		/* by frame allocation */
	uint64_t pages_copied;		/* by frame_copy and FL_FAULT_COPY */
	uint64_t context_switches;
	uint64_t ipc_fastpath;		/* calls and replies the IPC fastpath carried */
};
