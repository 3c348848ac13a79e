/*
 * The system pager: the root task. It owns every process's address-space
 * layout (regions backed by memory objects) and resolves every fault with
 * map-and-resume; processes ask it for memory over the protocol of
 * faultline/pager.h. Its own memory is mapped eagerly: it never faults.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <faultline/bootinfo.h>
#include "region.h"

#define PAGE		4096ul
#define PROC_MAX	64		/* processes at once */
#define PROC_NAME_MAX	32

/* Where things go in a process (docs/process.md). */
#define USER_LO		0x10000ul		/* nothing below: NULL stays a fault */
#define USER_HI		0x800000000000ul	/* 47 bits on both architectures */
#define MMAP_BASE	0x100000000000ul	/* where mmap looks first without a hint */
#define STACK_TOP	0x7ff000000000ul
#define STACK_INIT	(128ul << 10)		/* the stack region at the start */
#define STACK_MAX	(8ul << 20)		/* how far it may grow */
#define STACK_GUARD	(64ul << 10)		/* free space it keeps from the region below */
#define HEAP_MAX	(1ul << 30)		/* how far brk may move */

/*
 * Badges: a process's requests arrive with its pid, its threads' faults
 * with the pid and FAULT_BADGE, on a handle the process never holds, so a
 * process cannot pass a message of its own off as a fault.
 */
#define FAULT_BADGE	0x40000000u

/* Region flags (struct region.flags) beside the MAP_* ones. */
#define REGION_STACK	0x1000000u		/* grows down on a fault below it */
#define REGION_HEAP	0x2000000u		/* the brk area */

struct proc {
	int pid;			/* 0: a free slot */
	int parent;			/* pid, 0: the pager */
	char name[PROC_NAME_MAX];
	int task, pool;			/* handles: the pager keeps them */
	struct region_map map;
	uintptr_t brk_base, brk;	/* the heap: [brk_base, brk) */
	bool exiting;
};

/* What the pager holds (main.c). */
struct pager {
	const struct fl_bootinfo *bi;
	int self_task, sys_pool;
	int bootfs;			/* the bootfs frame (read) */
	int zero;			/* the zero frame, read-only handle */
	int ep;				/* where requests and faults arrive */
	uint64_t faults, zero_maps, private_pages;
};
extern struct pager pager;

/* proc.c */
struct proc *proc_find(int pid);
int proc_spawn(const char *path, char *const argv[], int parent, struct proc **out);
void proc_exit(struct proc *p, int status, int signal);

/* vm.c: the address-space requests and the fault path. */
long vm_mmap(struct proc *p, uintptr_t addr, uint64_t len, unsigned prot, unsigned flags,
	     int fd, uint64_t offset);
long vm_munmap(struct proc *p, uintptr_t addr, uint64_t len);
long vm_mprotect(struct proc *p, uintptr_t addr, uint64_t len, unsigned prot);
long vm_brk(struct proc *p, uintptr_t want);
void vm_fault(struct proc *p, int reply, const uint64_t w[4]);
void vm_destroy(struct proc *p);
const char *signal_name(int sig);		/* "SIGSEGV" */
int vm_map_object(struct proc *p, uintptr_t start, uintptr_t end, unsigned prot,
		  unsigned flags, struct memobj *o, uint64_t offset);

/*
 * The pager's scratch window: frame pages mapped into the pager itself for
 * a moment, to fill them (a process's first stack, a partial file page).
 */
void *scratch_map(int frame, uint64_t pages);
void scratch_unmap(uint64_t pages);

void pager_report(void);
void pager_reply(int reply, uint32_t label, uint64_t w0, uint64_t w1, uint64_t w2);
