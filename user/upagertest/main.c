/*
 * Custom pagers, tested from both sides: the test (pid 1) pages regions of
 * its children. A copy from a staging page arrives byte for byte; a failed
 * fault is SIGBUS in the faulter's wait status; an answer given twice, or
 * after the faulter died, is ESRCH; a faulter whose pager never answers can
 * still be killed; a pager's death ends its faulters with SIGBUS; bad
 * delegations and bad answers get their errors. TAP; exits with the number
 * of failures.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <faultline/abi.h>
#include <faultline/mem.h>
#include "tap.h"
#include <faultline/process.h>
#include <faultline/syscalls.gen.h>
#include <faultline/upager.h>

#define PAGE	4096


static int status_of(pid_t pid)
{
	int st = -1;

	return waitpid(pid, &st, 0) == pid ? st : -1;
}

/* A child whose one page at a delegated region is read (checked against want) or written. */
static pid_t faulter(pid_t pager, int write, const char *want)
{
	pid_t c = fork();

	if (c == 0) {
		volatile char *r = fl_region_delegate(NULL, PAGE, PROT_READ | PROT_WRITE, pager);

		if (r == MAP_FAILED)
			_exit(2);
		if (write)
			r[0] = 1;
		else if (want && memcmp((const char *)r, want, strlen(want) + 1))
			_exit(3);
		_exit(0);
	}
	return c;
}

static void copy_exact(char *staging)
{
	struct fl_upager_fault f = { 0 };
	pid_t c;
	int got, st;

	strcpy(staging, "staged bytes, copied into the faulter");
	memset(staging + 100, 0x5a, PAGE - 100);
	c = faulter(getpid(), 0, "staged bytes, copied into the faulter");
	got = fl_upager_wait(&f);
	check(got == 1 && f.pid == c && !(f.access & FL_ACCESS_WRITE),
	      "the child's read fault reaches its pager", "got %d pid %d/%d access %#x", got,
	      f.pid, c, f.access);
	check(fl_upager_copy(f.token, staging, PROT_READ) == 0, "answered with a staging page",
	      "%d", errno);
	errno = 0;
	check(fl_upager_zero(f.token, 0) == -1 && errno == ESRCH,
	      "answering the same fault twice: ESRCH", "%d", errno);
	st = status_of(c);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the child read the staged bytes exactly",
	      "%#x", st);
}

static void fail_is_sigbus(void)
{
	struct fl_upager_fault f = { 0 };
	pid_t c = faulter(getpid(), 1, NULL);
	int st;

	fl_upager_wait(&f);
	check(fl_upager_fail(f.token) == 0 && (st = status_of(c), WIFSIGNALED(st)) &&
	      WTERMSIG(st) == SIGBUS, "a failed fault: SIGBUS in the wait status", "-");
}

static void never_answered(void)
{
	struct fl_upager_fault f = { 0 };
	pid_t c = faulter(getpid(), 1, NULL);
	int st;

	fl_upager_wait(&f);
	kill(c, SIGKILL);
	st = status_of(c);
	errno = 0;
	check(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
	      "a faulter whose pager never answers can be killed", "%#x", st);
	check(fl_upager_zero(f.token, 0) == -1 && errno == ESRCH,
	      "an answer after the faulter died: ESRCH", "%d", errno);
}

/* The pager is a child that exits holding a fault: the faulter, its sibling, gets SIGBUS. */
static void pager_dies(void)
{
	volatile pid_t *shared = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
				      -1, 0);
	pid_t pg, c;
	int st, pst;

	shared[0] = 0;
	if ((pg = fork()) == 0) {		/* the custom pager: takes one fault, then dies */
		struct fl_upager_fault f;

		while (!shared[0])
			fl_yield();
		_exit(fl_upager_wait(&f) == 1 ? 0 : 1);
	}
	if ((c = fork()) == 0) {		/* the faulter: delegates, then says so, then writes */
		volatile char *r = fl_region_delegate(NULL, PAGE, PROT_READ | PROT_WRITE, pg);

		shared[0] = 1;
		if (r != MAP_FAILED)
			r[0] = 1;
		_exit(2);
	}
	pst = status_of(pg);
	st = status_of(c);
	check(WIFEXITED(pst) && WEXITSTATUS(pst) == 0 && WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS,
	      "a pager's death ends its faulter with SIGBUS", "pager %#x, faulter %#x", pst, st);
	munmap((void *)shared, PAGE);
}

static void bad_input(char *staging)
{
	struct fl_upager_fault f = { 0 };
	char local[PAGE] __attribute__((aligned(PAGE)));
	pid_t c;
	int e[4];

	errno = 0;
	fl_region_delegate(NULL, PAGE, PROT_READ, getpid());
	e[0] = errno;
	errno = 0;
	fl_region_delegate(NULL, PAGE, PROT_READ, 12345);
	e[1] = errno;
	errno = 0;
	fl_region_delegate(NULL, 0, PROT_READ, 1);
	e[2] = errno;
	check(e[0] == EINVAL && e[1] == ESRCH && e[2] == EINVAL,
	      "delegating to oneself, to no process, or nothing: EINVAL, ESRCH, EINVAL",
	      "%d %d %d", e[0], e[1], e[2]);
	errno = 0;
	check(fl_upager_zero(987654, 0) == -1 && errno == ESRCH, "an unknown fault: ESRCH", "%d",
	      errno);
	c = faulter(getpid(), 1, NULL);
	fl_upager_wait(&f);
	memset(local, 1, sizeof(local));
	errno = 0;
	e[0] = fl_upager_copy(f.token, local, 0) == -1 ? errno : 0;	/* not a staging page */
	errno = 0;
	e[1] = fl_upager_copy(f.token, staging, 0x40) == -1 ? errno : 0;	/* a bad prot */
	check(e[0] == EFAULT && e[1] == EINVAL,
	      "a copy from private memory: EFAULT; a bad prot: EINVAL; the fault stays",
	      "%d %d", e[0], e[1]);
	check(fl_upager_zero(f.token, 0) == 0 && WIFEXITED(status_of(c)),
	      "then a valid answer lets the faulter go on", "-");
	errno = 0, e[0] = fl_upager_restore(999) < 0 ? errno : 0;
	errno = 0, e[1] = fl_upager_snapshot(getpid(), staging) < 0 ? errno : 0;
	errno = 0, e[2] = fl_upager_snapshot(123456, staging) < 0 ? errno : 0;
	check(e[0] == ESRCH && e[1] == EACCES && e[2] == ESRCH,
	      "snapshot and restore: no such snapshot, not a region we page, no process",
	      "%d %d %d", e[0], e[1], e[2]);
}

/* Eviction: the page comes out into staging; bad requests get their errors. */
static void evicting(char *staging)
{
	struct fl_upager_fault f = { 0 };
	char local[PAGE] __attribute__((aligned(PAGE)));
	pid_t me = getpid(), c;
	int e[5];

	if ((c = fork()) == 0) {
		volatile char *r = fl_region_delegate(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, me);
		long ep = fl_endpoint_create();

		r[0] = 0x77;
		for (;;)			/* stays, its page resident, until killed */
			fl_recv((int)ep);
	}
	fl_upager_wait(&f);
	fl_upager_zero(f.token, 0);
	fl_yield();				/* let it finish its write */
	memset(staging, 0, PAGE);
	errno = 0, e[0] = fl_upager_evict(c, (void *)(f.addr + PAGE), staging) ? errno : 0;
	errno = 0, e[1] = fl_upager_evict(c, (void *)f.addr, local) ? errno : 0;
	errno = 0, e[2] = fl_upager_evict(c, (void *)0x7fefffff0000, staging) ? errno : 0;
	errno = 0, e[3] = fl_upager_evict(123456, (void *)f.addr, staging) ? errno : 0;
	check(e[0] == ENOENT && e[1] == EFAULT && e[2] == EACCES && e[3] == ESRCH,
	      "evict: a page not there, not into staging, not ours, no process",
	      "%d %d %d %d", e[0], e[1], e[2], e[3]);
	e[4] = fl_upager_evict(c, (void *)f.addr, staging);
	check(e[4] == 0 && staging[0] == 0x77 && staging[1] == 0,
	      "evict saves the page into staging", "%d %#x", e[4], staging[0]);
	kill(c, SIGKILL);
	status_of(c);
}

/* A page given is the pager's to pay for; protect and allow refuse what is not there. */
static void protect_errors(void)
{
	struct fl_upager_fault f[3] = { { 0 } };
	struct fl_pool_info info = { 0 };
	pid_t me = getpid(), c;
	long before, after;
	int e[2];

	if ((c = fork()) == 0) {
		volatile char *r = fl_region_delegate(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, me);
		long ep = fl_endpoint_create();

		r[0] = 1;			/* fault 1: a write */
		(void)r[PAGE];			/* fault 2: a read, left waiting for a while */
		for (;;)			/* then it stays until killed */
			fl_recv((int)ep);
	}
	fl_pool_info(fl_self_pool(), &info);
	before = (long)info.used;
	fl_upager_wait(&f[0]);
	fl_upager_zero(f[0].token, 0);
	fl_pool_info(fl_self_pool(), &info);
	after = (long)info.used;
	check(after >= before + 1, "a page a custom pager gives is charged to its own pool",
	      "used %ld -> %ld", before, after);
	fl_upager_wait(&f[1]);			/* the read of page 1 */
	errno = 0, e[0] = fl_upager_protect(c, (void *)(f[0].addr + PAGE), PROT_READ) ? errno : 0;
	e[1] = fl_upager_protect(c, (void *)f[0].addr, PROT_READ);
	check(e[0] == ENOENT && e[1] == 0, "protect: a page not there ENOENT; a page given: 0",
	      "%d %d", e[0], e[1]);
	errno = 0, e[0] = fl_upager_allow(f[1].token, 0) ? errno : 0;	/* page 1 has none */
	check(e[0] == EINVAL, "allow on a fault whose page is not there: EINVAL", "%d", e[0]);
	fl_upager_zero(f[1].token, PROT_READ);
	kill(c, SIGKILL);
	status_of(c);
}

/* Write tracking: a page given, protected read-only, written again: the pager allows it. */
static void write_fault_after_protect(void)
{
	struct fl_upager_fault f = { 0 };
	volatile int *flag = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
				  -1, 0);
	pid_t me = getpid(), c;
	int got, st, writes = 0;

	flag[0] = 0;
	if ((c = fork()) == 0) {
		volatile char *r = fl_region_delegate(NULL, PAGE, PROT_READ | PROT_WRITE, me);

		r[0] = 1;
		flag[0] = 1;
		while (flag[0] != 2)		/* until the parent has protected it */
			fl_yield();
		r[0] = 2;
		_exit(r[0] == 2 ? 0 : 1);
	}
	fl_upager_wait(&f);
	writes += !!(f.access & FL_ACCESS_WRITE);
	fl_upager_zero(f.token, 0);
	while (flag[0] != 1)
		fl_yield();
	fl_upager_protect(c, (void *)f.addr, PROT_READ);
	flag[0] = 2;
	got = fl_upager_wait(&f);
	writes += got == 1 && (f.access & FL_ACCESS_WRITE) && (f.access & FL_ACCESS_PRESENT);
	fl_upager_allow(f.token, 0);
	st = status_of(c);
	check(writes == 2 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "a write to a protected page comes to its pager, which allows it", "%d %#x", writes,
	      st);
	munmap((void *)flag, PAGE);
}

int main(void)
{
	char *staging = fl_upager_staging(1);
	struct fl_upager_fault f;

	printf("1..20\n");
	copy_exact(staging);
	fail_is_sigbus();
	never_answered();
	pager_dies();
	bad_input(staging);
	evicting(staging);
	protect_errors();
	write_fault_after_protect();
	check(fl_upager_wait(&f) == 0, "with no children and no regions, nothing is left to page",
	      "-");
	return tap_done();
}
