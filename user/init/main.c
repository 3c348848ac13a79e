/*
 * bin/init: the first process, and the demo `./faultline run` shows. With
 * numbers from the kernel (pool counters, kstat) and the pager's stats:
 * demand-zero memory and the zero page, a copy-on-write fork, the last
 * sharer keeping its pages without copies, shared anonymous memory, a
 * file read through a mapping (the fs server's page cache), and a child
 * killed for a bad access. Then it ends with 0, which powers the machine off.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <faultline/abi.h>
#include <faultline/kstat.h>
#include <faultline/mem.h>
#include <faultline/pager.h>
#include <faultline/process.h>
#include <faultline/syscalls.gen.h>

#define PAGE	4096ul
#define PAGES	1024
#define CHILD_WRITES 16

/* Pages the process's pool pays for now. */
static long used(void)
{
	struct fl_pool_info info = { 0 };	/* (the kernel writes only present, writable pages) */

	return fl_pool_info(fl_self_pool(), &info) < 0 ? -1 : (long)info.used;
}

static uint64_t copied(void)
{
	struct fl_kstat k = { 0 };	/* written first: the kernel writes only present, writable pages */

	return fl_kstat(&k, sizeof(k)) ? 0 : k.pages_copied;
}

static void demand_zero(volatile char *p)
{
	long before = used(), read, written;
	int sum = 0;

	for (unsigned i = 0; i < PAGES; i++)
		sum += p[i * PAGE];
	read = used();
	for (unsigned i = 0; i < PAGES; i += 4)
		p[i * PAGE] = 1;
	written = used();
	printf("init: demand-zero: mmap of %d pages allocated nothing; reading them all: %ld pages "
	       "(page tables: reads map the shared zero frame%s); writing every 4th: %ld\n",
	       PAGES, read - before, sum ? ", not zero!" : "", written - read);
}

static void cow_fork(volatile char *p)
{
	uint64_t before;
	int st = 0, seen;
	pid_t c = fork();

	if (c == 0) {		/* the kernel's copies for exactly these writes: the exit code */
		before = copied();
		for (unsigned i = 0; i < CHILD_WRITES; i++)
			p[i * 4 * PAGE] = 2;
		_exit((int)(copied() - before));
	}
	waitpid(c, &st, 0);
	seen = p[0];			/* the child wrote 2 here, in its copy */
	before = copied();
	for (unsigned i = 0; i < CHILD_WRITES; i++)
		p[i * 4 * PAGE] = 3;
	printf("init: copy-on-write fork of %d written pages: the child wrote %d and the kernel "
	       "copied %d; the parent, their last sharer, wrote them again: %lu copies; the parent "
	       "saw its own %d, not the child's 2\n", PAGES / 4, CHILD_WRITES,
	       WIFEXITED(st) ? WEXITSTATUS(st) : -1, (unsigned long)(copied() - before), seen);
}

static void shared_memory(void)
{
	volatile int *s = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int st = 0;
	pid_t c;

	if (s == MAP_FAILED)
		return;
	s[0] = 0;
	if ((c = fork()) == 0) {
		s[0] = 42;
		_exit(0);
	}
	waitpid(c, &st, 0);
	printf("init: shared anonymous memory: the child wrote 42 into a MAP_SHARED page, "
	       "the parent reads %d\n", s[0]);
	munmap((void *)s, PAGE);
}

/* A file mapped: its first line read through the mapping, not read(). */
static void file_mapping(void)
{
	int fd = open("/etc/motd", O_RDONLY), n = 0;
	struct stat st;
	const char *m;

	if (fd < 0 || fstat(fd, &st) < 0 || st.st_size == 0 ||
	    (m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0)) == MAP_FAILED) {
		printf("init: a file mapping: /etc/motd cannot be mapped\n");
		return;
	}
	while (n < st.st_size && m[n] != '\n')
		n++;
	printf("init: a file mapping: the first line of /etc/motd, read through mmap: %.*s\n", n,
	       m);
	munmap((void *)m, (size_t)st.st_size);
	close(fd);
}

static void bad_access(void)
{
	int st = 0;
	pid_t c = fork();

	if (c == 0)
		_exit(*(volatile int *)0x1000);
	waitpid(c, &st, 0);
	printf("init: a child that read address 0x1000 ended with wait status %#x: %s %d\n", st,
	       WIFSIGNALED(st) ? "killed by signal" : "exited with", WIFSIGNALED(st) ?
	       WTERMSIG(st) : WEXITSTATUS(st));
}

int main(int argc, char **argv)
{
	volatile char *p;
	uint64_t f[3] = { 0 }, cow[3] = { 0 };

	printf("init: hello from pid %d on %s (%s, %d argument%s)\n", getpid(), fl_platform(),
	       argv[0], argc, argc == 1 ? "" : "s");
	p = mmap(NULL, PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 1;
	demand_zero(p);
	cow_fork(p);
	shared_memory();
	file_mapping();
	bad_access();
	fl_pager_stats(-1, FL_STATS_FAULTS, f);
	fl_pager_stats(-1, FL_STATS_COW, cow);
	printf("init: the pager served %lu faults: %lu zero-page maps, %lu private frames made, "
	       "%lu copy-on-write copies, %lu reuses without a copy\n", (unsigned long)f[0],
	       (unsigned long)f[1], (unsigned long)f[2], (unsigned long)cow[0],
	       (unsigned long)cow[1]);
	return 0;
}
