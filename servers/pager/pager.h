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
#define PROC_MAX	256		/* processes at once (zombies included) */
#define PROC_NAME_MAX	32

/* Where things go in a process (docs/process.md). */
#define USER_LO		0x10000ul		/* nothing below: NULL stays a fault */
#define USER_HI		0x800000000000ul	/* 47 bits on both architectures */
#define MMAP_BASE	0x100000000000ul	/* where mmap looks first without a hint */
#define STACK_TOP	0x7ff000000000ul
#define IPCBUF_VA	0x7ff000010000ul	/* the thread's IPC buffer, one page, pinned */
#define STACK_INIT	(128ul << 10)		/* the stack region at the start */
#define STACK_MAX	(8ul << 20)		/* how far it may grow */
#define STACK_GUARD	(64ul << 10)		/* free space it keeps from the region below */
#define HEAP_MAX	(1ul << 30)		/* how far brk may move */
#define REGIONS_MAX	65536			/* regions per process (Linux: 65530) */
#define ZERO_AROUND	16			/* pages a read fault maps the zero frame over */

/*
 * Badges: a process's requests arrive with its pid, its threads' faults
 * with the pid and FAULT_BADGE, on a handle the process never holds, so a
 * process cannot pass a message of its own off as a fault.
 */
#define FAULT_BADGE	0x40000000u

/* Region flags (struct region.flags) beside the MAP_* ones. */
#define REGION_STACK	0x1000000u		/* grows down on a fault below it */
#define REGION_HEAP	0x2000000u		/* the brk area */
#define REGION_NOWRITE	0x4000000u		/* a shared file mapping its fd may not write: mprotect EACCES */
#define REGION_RANDOM	0x8000000u		/* MADV_RANDOM: no fault-around */

struct proc {
	int pid;			/* 0: a free slot */
	int parent;			/* pid, 0: the pager */
	char name[PROC_NAME_MAX];
	int task, pool, thread;		/* handles: the pager keeps them (-1: none) */
	int given[5];			/* its handles: the pager, its task, its pool, the system pool, the fs server */
	struct region_map map;
	uintptr_t brk_base, brk;	/* the heap: [brk_base, brk) */
	uintptr_t mmap_next;		/* where mmap without a hint looks first */
	bool zombie;			/* ended; wstatus waits for the parent */
	int wstatus;			/* POSIX wait status */
	int wait_reply;			/* a parked waitpid's reply handle, or -1 */
	int wait_pid;			/* what it waits for: a pid, or -1 for any child */
	struct pending *pending;	/* faults waiting for it as a custom pager */
	int upager_reply;		/* its parked FL_PAGER_FAULT_WAIT, or -1 */
	int delegations;		/* regions of live processes it pages */
	int paged_by;			/* 0, or the pid of the process that pages its memory */
	bool pinned;			/* every page mapped when its region is made (the fs server) */
	uint64_t faults, zero_maps, private_pages, cow_copies, cow_reuses;
};

/* What the pager holds (main.c). */
struct pager {
	const struct fl_bootinfo *bi;
	int self_task, sys_pool;
	int bootfs;			/* the bootfs frame (read) */
	int zero;			/* the zero frame (ZERO_AROUND pages), read-only handle */
	int ep;				/* where requests and faults arrive */
	uint64_t faults, zero_maps, private_pages, cow_copies, cow_reuses;
	uint64_t pages;			/* private-frame records now: frames in use */
	uint64_t shared_pages;		/* frames of shared anonymous objects */
	bool quiet;			/* pager=quiet: exits reported only for pid 1 and the killed */
};
extern struct pager pager;

/* proc.c */
struct proc *proc_find(int pid);		/* a live process or a zombie */
int proc_count(void);				/* live processes and zombies */
struct proc *proc_next(struct proc *p);		/* iterate: proc_next(NULL) is the first */
bool proc_has_live_children(const struct proc *p);
int proc_spawn(const char *path, char *const argv[], char *const envp[], int parent,
	       int paged_by, bool pinned, struct proc **out);
long proc_exec(struct proc *p, int reply, const char *path, char *const argv[],
	       char *const envp[]);
struct cpio_file;
int bootfs_file(const char *path, struct cpio_file *f);
/*
 * Launches: spawn and exec of a program the caller opened (FL_SPAWN_FD),
 * parked until the fs server answers (file.c). proc_launch: 0 (parked) or
 * -errno (the fd still the caller's); then exactly one of launch_fail
 * (the caller answered with err), launch_drop (the caller is gone) and
 * proc_launched (the program runs, or the caller hears why not).
 */
struct launch;
struct fcache;
int proc_launch(struct proc *p, int reply, bool exec, int paged_by, int64_t fd,
		const char *path, char *const argv[], char *const envp[]);
void launch_fail(struct launch *l, int err);
void launch_drop(struct launch *l);
void proc_launched(struct launch *l, struct proc *p, struct fcache *fc, const uint8_t *head,
		   uint64_t size);
long proc_fork(struct proc *parent);
/* A waitpid: the answer now, or PROC_WAIT_PARKED (reply kept until a child ends). */
long proc_wait(struct proc *p, int reply, int pid, unsigned options, uint64_t *wstatus);
#define PROC_WAIT_PARKED	1
void proc_exit(struct proc *p, int status, int signal);

/*
 * fsboot.c: the fs server (servers/fs): started pinned, told of every
 * process's spawn, fork and exit through the event ring (faultline/fs.h).
 */
struct fl_fs_boot;
int fs_prepare(void);			/* before the first process: 0, or -ENODEV (no fs server) */
bool fs_prepared(void);			/* fs_prepare said 0 */
int fs_start(void);			/* the fs server running: its pid, or -errno */
long fs_client_handle(struct proc *p);	/* p's handle to the fs server in p's table, or -ENODEV */
int fs_boot_make(struct proc *fs, struct fl_fs_boot *boot);
bool fs_room(void);			/* may another process be announced? */
/* An event for the fs server: 0, or -EAGAIN (a map or page request finds no room), -ENODEV. */
int fs_event(uint32_t kind, int pid, int parent, uint64_t a, uint64_t b, uint64_t c);
bool fs_is_server(const struct proc *p);	/* the fs server itself */
void fs_owed_drop(void);		/* an FL_FS_EV_MAP answered without an object */
void fs_gone(struct proc *fs);
void fs_report(void);			/* its fault count, at the end */
bool fs_shutdown(void);			/* asked to write back and end: true, or there is none */		/* it ended: no more events, no handles to it */

/* arch/ARCH/regs.c: the registers fork needs to know. */
struct fl_regs_general;
uintptr_t arch_regs_pc(const struct fl_regs_general *r);
uintptr_t arch_regs_sp(const struct fl_regs_general *r);
void arch_fork_child_regs(struct fl_regs_general *r);

/* vm.c: the address-space requests and the fault path. */
long vm_mmap(struct proc *p, int reply, uintptr_t addr, uint64_t len, unsigned prot,
	     unsigned flags, int fd, uint64_t offset);
#define VM_PARKED	1		/* vm_mmap: the answer comes later */
long vm_place(struct proc *p, uintptr_t addr, uint64_t len, unsigned prot, unsigned flags,
	      struct memobj *o);
struct memobj;

/* file.c: mappings of the fs server's files. */
long file_mmap(struct proc *p, int reply, uintptr_t addr, uint64_t len, unsigned prot,
	       unsigned flags, int fd, uint64_t offset);
long file_mapped_answer(uint64_t token, int64_t result, uint64_t size, bool may_write);
long file_page_answer(uint64_t token, int64_t result, uint64_t size, int frame,
		      uint64_t in_frame);
int file_exec(struct proc *p, int64_t fd, struct launch *l);
long file_exec_answer(uint64_t token, int64_t result, uint64_t size, int frame,
		      uint64_t in_frame);
struct memobj *file_program_object(struct fcache *c, uint64_t offset, uint64_t len,
				   uint64_t valid);
long file_truncated(uint64_t id, uint64_t size);
long file_evict(uint64_t id, uint64_t page);
long file_dirty(uint64_t id, uint64_t *out, unsigned max, bool *more);
long file_synced_answer(uint64_t token, int64_t result);
struct sync_wait *sync_wait_new(struct proc *p, int reply);	/* reply -1: MS_ASYNC */
long sync_wait_start(struct sync_wait *w);
void sync_wait_drop(struct sync_wait *w);
long vm_msync(struct proc *p, int reply, uintptr_t addr, uint64_t len, unsigned flags);
/* The fault w of p served again now (its page came): the answer goes at once. */
void pager_fault_again(struct proc *p, int reply, const uint64_t w[4]);
long vm_munmap(struct proc *p, uintptr_t addr, uint64_t len);
long vm_mprotect(struct proc *p, uintptr_t addr, uint64_t len, unsigned prot);
long vm_madvise(struct proc *p, uintptr_t addr, uint64_t len, unsigned advice);
long vm_brk(struct proc *p, uintptr_t want);
void vm_fault(struct proc *p, int reply, const uint64_t w[4]);
void vm_destroy(struct proc *p);
int vm_fork(struct proc *child, struct proc *parent);
long vm_mappings(struct proc *p, uintptr_t va);
int vm_populate(struct proc *p, uintptr_t start, uintptr_t end, const uint8_t *src,
		uint64_t from, uint64_t to);
int vm_clear(struct proc *p);
void vm_unmap_pages(struct proc *p, uintptr_t start, uintptr_t end);	/* the kernel's side only */
/* The process dies of sig for the fault w: its line (why), then exit. */
void kill_for_fault(struct proc *p, int reply, int sig, const char *what,
		    const uint64_t w[4], const char *why);
const char *access_name(unsigned access);		/* "read", "write", "exec" */

/* upager.c: custom pagers (docs/writing-a-pager.md). */
struct pending;
long upager_delegate(struct proc *p, uintptr_t hint, uint64_t len, unsigned prot, int pager_pid);
void upager_wait(struct proc *c, int reply);
long upager_resolve(struct proc *c, const uint64_t w[4]);
long upager_evict(struct proc *c, int pid, uintptr_t va, uintptr_t dst);
long upager_snapshot(struct proc *c, int pid, uintptr_t va);
long upager_protect(struct proc *c, int pid, uintptr_t va, unsigned keep);
long upager_restore(struct proc *c, int id);
void upager_gone(struct proc *p);	/* p is ending: as a faulter and as a pager */
void upager_check_done(struct proc *c);	/* wake c's wait with 0 if nothing is left */
const char *signal_name(int sig);		/* "SIGSEGV" */
int vm_map_object(struct proc *p, uintptr_t start, uintptr_t end, unsigned prot,
		  unsigned flags, struct memobj *o, uint64_t offset);

/*
 * The pager's scratch window: frame pages mapped into the pager itself for
 * a moment, to fill them (a process's first stack, a partial file page).
 */
void *scratch_map(int frame, uint64_t pages);
void *scratch_map_page(int frame, uint64_t page);	/* one page of frame, read-only */
void scratch_unmap(uint64_t pages);

void pager_report(void);
void pager_power_off(int status);		/* the first process ended */
bool pager_cmdline(const char *key, char *buf, size_t size);	/* key=value, commas as spaces */
void pager_reply(int reply, uint32_t label, uint64_t w0, uint64_t w1, uint64_t w2);
void pager_reply_word3(uint64_t w3);	/* the fourth word of the answer just set */
