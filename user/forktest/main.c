/*
 * The pager II from a process's side: fork with copy-on-write (both sides
 * writing, trees of forks, a page shared by many, the last sharer keeping
 * its page without a copy, mprotect in a child), waitpid's forms and the
 * wait statuses of signals, a fork of 32 MiB that copies nothing until
 * written, a fork bomb and a memory bomb that leave the system up, and
 * the system pool back where it was when everything has exited. Copies
 * are counted by the kernel (kstat.pages_copied), not by the pager.
 * TAP on stdout; exits 0 when all pass.
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
#include "tap.h"
#include <faultline/kstat.h>
#include <faultline/mem.h>
#include <faultline/pager.h>
#include <faultline/process.h>
#include <faultline/syscalls.gen.h>

#define PAGE	4096ul

static volatile uint64_t data_words[1024] = { 1 };	/* .data: private after fork */

static uint64_t copied(void)
{
	struct fl_kstat k = { 0 };	/* written first: the kernel writes only present, writable pages */

	return fl_kstat(&k, sizeof(k)) ? 0 : k.pages_copied;
}

static long pool_used(int pool)
{
	struct fl_pool_info info = { 0 };	/* (the kernel writes only present, writable pages) */

	return fl_pool_info(pool, &info) < 0 ? -1 : (long)info.used;
}

/* The pager's own heap (FL_STATS_PAGER): charged to the system pool, never given back. */
static long pager_heap(void)
{
	uint64_t c[3] = { 0 };

	return fl_pager_stats(-1, FL_STATS_PAGER, c) ? -1 : (long)c[0];
}

static uint64_t cow_reuses(void)
{
	uint64_t c[3] = { 0 };

	fl_pager_stats(-1, FL_STATS_COW, c);
	return c[1];
}

/* Wait for pid: its wait status, or -1. */
static int status_of(pid_t pid)
{
	int st = -1;

	return waitpid(pid, &st, 0) == pid ? st : -1;
}

static bool exited(int st, int code)
{
	return st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == code;
}

/* A child that blocks until it is killed. */
static void block_forever(void)
{
	long ep = fl_endpoint_create();

	for (;;)
		fl_recv((int)ep);
}

static void fork_basics(void)
{
	pid_t me = getpid(), child;
	int st;

	data_words[0] = 11;
	child = fork();
	if (child == 0) {
		bool ok = getppid() == me && getpid() != me && data_words[0] == 11;

		data_words[0] = 22;			/* its own copy */
		_exit(ok && data_words[0] == 22 ? 7 : 1);
	}
	check(child > 0, "fork gives the parent the child's pid", "%d", child);
	st = status_of(child);
	check(exited(st, 7), "the child sees its pids and the parent's data, and writes its own",
	      "status %#x", st);
	check(data_words[0] == 11, "the child's write did not reach the parent", "%lu",
	      (unsigned long)data_words[0]);
}

/* Three levels of forks, each writing its own value: every process sees only its line. */
static int tree(int level, uint64_t value)
{
	int bad = 0;

	data_words[level] = value;
	if (level == 3)
		return 0;
	for (int i = 0; i < 2; i++) {
		pid_t c = fork();

		if (c == 0)
			_exit(tree(level + 1, value * 10 + (uint64_t)i + 1) ? 1 : 0);
		if (c < 0 || !exited(status_of(c), 0))
			bad++;
	}
	for (int l = 1; l <= level; l++)	/* the children's writes did not reach us */
		if (data_words[l] != (l == level ? value : data_words[l]))
			bad++;
	return bad || data_words[level] != value;
}

static void fork_tree(void)
{
	int bad = tree(1, 1);

	check(!bad && data_words[1] == 1, "a fork tree three levels deep, writes on every side",
	      "%d bad", bad);
}

/* A page shared by many: each writer gets a copy; the last sharer keeps it without one. */
static void shared_by_many(void)
{
	enum { N = 8 };
	volatile char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				-1, 0);
	uint64_t c0, c1, c2, r0;
	int ok = 1;

	p[0] = 'P';
	c0 = copied();
	for (int i = 0; i < N; i++) {
		pid_t c = fork();

		if (c == 0) {
			bool saw = p[0] == 'P';

			p[0] = (char)('a' + i);
			_exit(saw && p[0] == 'a' + i ? 0 : 1);
		}
		ok &= exited(status_of(c), 0);
	}
	c1 = copied();
	r0 = cow_reuses();
	p[0] = 'Q';				/* every sharer is gone: no copy */
	c2 = copied();
	check(ok && p[0] == 'Q', "8 children read and write a page the parent wrote", "-");
	check(c1 - c0 >= N && c1 - c0 <= N + 4 * N, "each child's write copied the page",
	      "%lu copies", (unsigned long)(c1 - c0));
	check(c2 == c1 && cow_reuses() > r0,
	      "the last sharer writes its page without a copy", "copies %lu, reuses %lu -> %lu",
	      (unsigned long)(c2 - c1), (unsigned long)r0, (unsigned long)cow_reuses());
	munmap((void *)p, PAGE);
}

/*
 * MAP_SHARED | MAP_ANONYMOUS: one set of pages for parent, child and
 * grandchild, a page first touched after the forks included.
 */
static void shared_anon(void)
{
	volatile int *s = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			       -1, 0);
	const size_t second = PAGE / sizeof(int);	/* untouched until the grandchild */
	pid_t c;

	s[0] = 1;
	c = fork();
	if (c == 0) {
		pid_t g;

		s[1] = 2;
		if ((g = fork()) == 0) {
			s[2] = s[0] + s[1];
			s[second] = 4;
			_exit(0);
		}
		_exit(exited(status_of(g), 0) && s[2] == 3 && s[second] == 4 ? 0 : 1);
	}
	check(s != MAP_FAILED && exited(status_of(c), 0) && s[1] == 2 && s[2] == 3 &&
	      s[second] == 4, "shared anonymous memory across two generations of forks",
	      "%d %d %d", s[1], s[2], s[second]);
	s[3] = 5;
	c = fork();
	if (c == 0)
		_exit(s[3] == 5 && munmap((void *)s, 2 * PAGE) == 0 ? 0 : 1);
	check(exited(status_of(c), 0) && s[3] == 5 && s[0] == 1,
	      "a child's munmap leaves the parent's shared pages", "-");
	munmap((void *)s, 2 * PAGE);
}

/* The reverse map: how many mappings share a page's frame, as sharers come and go. */
static void reverse_map(void)
{
	volatile char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				-1, 0);
	long n[4];
	pid_t kids[3];

	p[0] = 1;
	n[0] = fl_pager_call(FL_PAGER_MAPPINGS, (uintptr_t)p, 0, 0, 0);
	for (int i = 0; i < 3; i++)
		if ((kids[i] = fork()) == 0)
			block_forever();
	n[1] = fl_pager_call(FL_PAGER_MAPPINGS, (uintptr_t)p, 0, 0, 0);
	kill(kids[0], SIGKILL);
	status_of(kids[0]);
	n[2] = fl_pager_call(FL_PAGER_MAPPINGS, (uintptr_t)p, 0, 0, 0);
	p[0] = 2;				/* two other holders: a copy of our own */
	n[3] = fl_pager_call(FL_PAGER_MAPPINGS, (uintptr_t)p, 0, 0, 0);
	for (int i = 1; i < 3; i++) {
		kill(kids[i], SIGKILL);
		status_of(kids[i]);
	}
	check(n[0] == 1 && n[1] == 4 && n[2] == 3 && n[3] == 1,
	      "the reverse map follows a page's sharers: 1, 4 after 3 forks, 3, 1 after our copy",
	      "%ld %ld %ld %ld", n[0], n[1], n[2], n[3]);
	check(fl_pager_call(FL_PAGER_MAPPINGS, 8, 0, 0, 0) == -EFAULT,
	      "the reverse map of an unmapped address: EFAULT", "-");
	munmap((void *)p, PAGE);
}

static void mprotect_in_child(void)
{
	char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pid_t c;

	strcpy(p, "parent");
	c = fork();
	if (c == 0) {
		int ok = mprotect(p, PAGE, PROT_READ) == 0 && mprotect(p, PAGE, PROT_READ | PROT_WRITE) == 0;

		strcpy(p, "child");
		_exit(ok && !strcmp(p, "child") ? 0 : 1);
	}
	check(exited(status_of(c), 0) && !strcmp(p, "parent"),
	      "mprotect RO then RW and a write in the child leave the parent's page", "%s", p);
	munmap(p, PAGE);
}

static void wait_forms(void)
{
	pid_t a, b;
	int st = 0;

	errno = 0;
	check(waitpid(-1, &st, 0) == -1 && errno == ECHILD, "waitpid with no children: ECHILD",
	      "%d", errno);
	if ((a = fork()) == 0)
		block_forever();
	check(waitpid(a, &st, WNOHANG) == 0, "WNOHANG while the child runs: 0", "-");
	errno = 0;
	check(waitpid(getpid(), &st, 0) == -1 && errno == ECHILD, "waitpid of a non-child: ECHILD",
	      "%d", errno);
	kill(a, SIGTERM);
	st = status_of(a);
	check(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "kill, then the wait status says SIGTERM",
	      "%#x", st);
	if ((a = fork()) == 0)
		_exit(3);
	if ((b = fork()) == 0)
		_exit(4);
	pid_t first = waitpid(-1, &st, 0);
	int st2 = 0;
	pid_t second = wait(&st2);
	check((first == a && exited(st, 3) && second == b && exited(st2, 4)) ||
	      (first == b && exited(st, 4) && second == a && exited(st2, 3)),
	      "waitpid(-1) and wait reap both children with their codes", "%d %#x %d %#x", first,
	      st, second, st2);
	errno = 0;
	check(waitpid(-1, &st, WNOHANG) == -1 && errno == ECHILD, "then no children: ECHILD",
	      "%d", errno);
}

/* A child's child outlives it: init (pid 1, this test) gets it and reaps it. */
static void orphans(void)
{
	int parent_ok, st;
	pid_t c, orphan = -1;
	volatile pid_t *shared = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				      MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	shared[0] = 0;
	shared[1] = 0;
	if ((c = fork()) == 0) {
		pid_t g = fork();

		if (g == 0) {
			while (!shared[1])	/* until its parent has gone */
				fl_yield();
			shared[2] = getppid();
			_exit(6);
		}
		shared[0] = g;
		_exit(0);
	}
	st = status_of(c);
	orphan = shared[0];
	shared[1] = 1;
	parent_ok = exited(st, 0) && orphan > 0;
	st = status_of(orphan);
	check(parent_ok && exited(st, 6) && shared[2] == getpid(),
	      "an orphan goes to init, which reaps it", "orphan %d, status %#x, its parent %d",
	      orphan, st, shared[2]);
	munmap((void *)shared, PAGE);
}

/* Programs from the bootfs as children: arguments, exit status, errors. */
static void spawning(void)
{
	char *const args[] = { "forktest", "exit-with", "9", NULL };
	char *many[FL_SPAWN_ARGS_MAX + 2];
	pid_t c = fl_spawn("bin/forktest", args);
	int st = status_of(c), e[3];

	check(c > 0 && exited(st, 9), "spawn: a program from the bootfs with its arguments",
	      "pid %d, status %#x", c, st);
	errno = 0;
	fl_spawn("bin/nosuch", NULL);
	e[0] = errno;
	errno = 0;
	fl_spawn("etc/motd", NULL);
	e[1] = errno;
	for (int i = 0; i <= FL_SPAWN_ARGS_MAX; i++)
		many[i] = "a";
	many[FL_SPAWN_ARGS_MAX + 1] = NULL;
	errno = 0;
	fl_spawn("bin/forktest", many);
	e[2] = errno;
	check(e[0] == ENOENT && e[1] == EACCES && e[2] == E2BIG,
	      "spawn: ENOENT, EACCES (not executable), E2BIG (129 arguments)", "%d %d %d", e[0],
	      e[1], e[2]);
	if ((c = fork()) == 0) {	/* a forked child has an IPC buffer of its own */
		char *const four[] = { "forktest", "exit-with", "4", NULL };

		_exit(exited(status_of(fl_spawn("bin/forktest", four)), 4) ? 0 : 1);
	}
	check(exited(status_of(c), 0), "a forked child spawns a grandchild and waits for it", "-");
}

static void signal_statuses(void)
{
	pid_t c;
	int st;

	if ((c = fork()) == 0)
		_exit(*(volatile int *)0);
	st = status_of(c);
	check(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "a NULL read: SIGSEGV in the wait status",
	      "%#x", st);
	if ((c = fork()) == 0)
		abort();
	st = status_of(c);
	check(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT, "abort: SIGABRT in the wait status",
	      "%#x", st);
}

/*
 * 32 MiB written, then fork: none of it is copied. The child reads it all
 * and copies nothing (kstat), its pool pays only for page tables; the
 * parent's own stack writes while the child lives copy a few pages, not
 * the 8192 of the area.
 */
static void fork_big(void)
{
	const size_t len = 32ul << 20;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t before, after;
	pid_t c;
	int st;

	for (size_t i = 0; i < len; i += PAGE)
		p[i] = 1;
	before = copied();
	c = fork();
	if (c == 0) {
		uint64_t at_start = copied();
		long pool_start = pool_used(fl_self_pool());
		bool same = true;

		for (size_t i = 0; i < len; i += PAGE)
			same &= p[i] == 1;
		_exit(same && copied() == at_start &&
		      pool_used(fl_self_pool()) - pool_start < 64 ? 0 : 1);
	}
	st = status_of(c);
	after = copied();
	check(exited(st, 0) && after - before < 16,
	      "fork of 32 MiB written copies none of it; the child's reads copy nothing",
	      "status %#x, %lu copies", st, (unsigned long)(after - before));
	munmap(p, len);
}

static void fork_bomb(void)
{
	pid_t kids[128];
	int n = 0, reaped = 0;

	for (; n < 128; n++) {
		pid_t c = fork();

		if (c == 0)
			block_forever();
		if (c < 0)
			break;
		kids[n] = c;
	}
	check(n > 8 && n < 128 && errno == EAGAIN, "a fork bomb ends with EAGAIN",
	      "%d children, errno %d", n, errno);
	for (int i = 0; i < n; i++) {
		int killed = kill(kids[i], SIGKILL) == 0, st = status_of(kids[i]);

		reaped += killed && WIFSIGNALED(st);	/* (the macro reads st twice) */
	}
	pid_t c = fork();
	if (c == 0)
		_exit(5);
	check(reaped == n && exited(status_of(c), 5), "after it, every child reaped and fork works",
	      "%d of %d", reaped, n);
}

static void memory_bomb(void)
{
	pid_t c = fork();
	int st;

	if (c == 0) {		/* writes until its pool is dry */
		for (;;) {
			char *p = mmap(NULL, 64ul << 20, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

			if (p == MAP_FAILED)
				_exit(2);
			for (size_t i = 0; i < (64ul << 20); i += PAGE)
				p[i] = 1;
		}
	}
	st = status_of(c);
	check(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
	      "a process that writes more than its pool holds is killed (SIGKILL)", "%#x", st);
}

static void region_bomb(void)
{
	pid_t c = fork();
	int st;

	if (c == 0) {
		long n = 0;

		while (mmap(NULL, PAGE, (n & 1) ? PROT_READ : PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) != MAP_FAILED)
			n++;
		_exit(errno == ENOMEM && n > 60000 && n < 65536 ? 0 : 1);
	}
	st = status_of(c);
	check(exited(st, 0), "an mmap bomb ends with ENOMEM at the region limit", "%#x", st);
}

int main(int argc, char **argv)
{
	long sys_before, sys_after, heap_before, heap_after;

	if (argc == 3 && !strcmp(argv[1], "exit-with"))	/* spawned by spawning() */
		return atoi(argv[2]);
	printf("1..31\n");
	fork_tree();			/* a warm-up: the pager's heap grows to its peak */
	sys_before = pool_used(fl_system_pool());
	heap_before = pager_heap();
	fork_basics();
	fork_tree();
	shared_by_many();
	shared_anon();
	reverse_map();
	mprotect_in_child();
	wait_forms();
	orphans();
	spawning();
	signal_statuses();
	fork_big();
	fork_bomb();
	memory_bomb();
	region_bomb();
	sys_after = pool_used(fl_system_pool());
	heap_after = pager_heap();
	/* the heap's growth and the page tables that map it: one per 2 MiB, and three more */
	check(sys_before > 0 && heap_before > 0 &&
	      sys_after - sys_before >= heap_after - heap_before &&
	      sys_after - sys_before <= heap_after - heap_before + (heap_after - heap_before) / 512 + 3,
	      "everything has exited: the system pool is back but for the pager's heap growth",
	      "used %ld -> %ld, the pager's heap %ld -> %ld pages", sys_before, sys_after,
	      heap_before, heap_after);
	return tap_done();
}
