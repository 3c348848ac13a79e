/*
 * Writing a pager: a process pages a region of another process's memory
 * (docs/writing-a-pager.md). The process whose memory it is hands the
 * region over with fl_region_delegate; its faults there reach the custom
 * pager through fl_upager_wait, which answers each once: a zeroed page, a
 * copy of one of its staging pages, or SIGBUS for the faulter.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct fl_upager_fault {
	long token;		/* names the fault in the answer */
	uintptr_t addr;		/* the faulting page, in the faulter */
	int pid;		/* the faulter */
	unsigned access;	/* FL_ACCESS_* */
};

/*
 * A new region of len bytes in the caller, at hint if free, paged by
 * process pager_pid: its address, or MAP_FAILED with errno (EINVAL: bad
 * length or prot, or pager_pid is the caller; ESRCH: no such process).
 */
void *fl_region_delegate(void *hint, size_t len, int prot, int pager_pid);

/*
 * The next fault for the caller to page: 1 with *f, 0 when nothing is
 * left (no fault waits and no live process has a region it pages), -1
 * with errno.
 */
int fl_upager_wait(struct fl_upager_fault *f);

/*
 * Answer a fault: a zeroed page; a copy of the caller's staging page at
 * src (in its MAP_SHARED|MAP_ANONYMOUS memory, fl_upager_staging); SIGBUS
 * for the faulter. prot: PROT_* the page gets (0: read and write). A new
 * frame is charged to the caller's pool: a custom pager pays for the
 * memory it gives. 0, or -1 with errno: ESRCH (no such fault: answered already, or its faulter is
 * gone), EFAULT (src is not a staging page), EINVAL, ENOMEM.
 */
int fl_upager_zero(long token, int prot);
int fl_upager_copy(long token, const void *src, int prot);
int fl_upager_fail(long token);

/*
 * Protect: a page the caller gave (in a region it pages) keeps only the
 * rights in keep (PROT_*, 0 for none); its next access that needs more
 * faults to the caller, who gives them back with fl_upager_allow(token,
 * prot) — how a pager tracks writes. 0, or -1 with errno: ESRCH, EACCES
 * (not a region the caller pages), ENOENT (the page is not there), EINVAL.
 * fl_upager_allow on a fault whose page is not there: EINVAL.
 */
int fl_upager_protect(int pid, const void *addr, int keep);
int fl_upager_allow(long token, int prot);

/*
 * Take a page away from a process (in a region the caller pages), saving
 * it into the caller's staging page at dst first: its next access is a
 * fault for the caller again. 0, or -1 with errno: ESRCH (no such
 * process), EACCES (not a region the caller pages), ENOENT (the page is
 * not there), EFAULT (dst is not a staging page).
 */
int fl_upager_evict(int pid, const void *addr, void *dst);

/*
 * Snapshot the whole region holding addr in process pid (a region the
 * caller pages), copy-on-write: nothing is copied until someone writes.
 * The snapshot's id (> 0), or -1 with errno: ESRCH, EACCES, EAGAIN (32
 * snapshots at once), ENOMEM. It lasts as long as the caller.
 */
int fl_upager_snapshot(int pid, const void *addr);

/*
 * Put the region back as it was at the snapshot (which stays, for another
 * restore): 0, or -1 with errno: ESRCH (no such snapshot of the caller's,
 * or its process is gone), EACCES (the region changed shape).
 */
int fl_upager_restore(int snapshot);

/* pages of staging memory: shared with the system pager, so it can copy from them. */
void *fl_upager_staging(size_t pages);

/*
 * The fault loop: decide(fault, arg) for every fault until nothing is
 * left to page; decide answers with the calls above and returns 0 to go
 * on, nonzero to stop. 0, or -1 with errno.
 */
int fl_upager_loop(int (*decide)(const struct fl_upager_fault *f, void *arg), void *arg);
