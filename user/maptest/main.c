/*
 * File mappings through the pager and the fs server (docs/fs.md
 * "Mappings"): MAP_PRIVATE reads and private copies, MAP_SHARED seen by
 * read() and by other processes without msync, isolation across fork,
 * SIGBUS past the end of a file, /dev/zero private and shared, the
 * files that are not mappable (ENODEV) and the descriptors that may not
 * map (EACCES, EBADF), and a shared write to a disk file reaching the disk
 * (the host checks it with debugfs after the run: tests/guest).
 *
 *   maptest           the cases
 *   maptest --parked  on a slow disk (QEMU throttled): a fault waiting for
 *                     the disk does not hold up another process's faults;
 *                     a program spawned from it runs
 *   maptest --evict   with pagecache=8M and /data/64m (tools/mkdisk.py
 *                     --big64): the page cache stays within its budget,
 *                     and what shared mappings wrote is written back
 *                     (evicted, msync)
 *
 * TAP on stdout (the plan last); exits with the failures (at most 31).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <faultline/abi.h>
#include <faultline/ipc.h>
#include <faultline/msg.h>
#include <faultline/pager.h>
#include <faultline/process.h>
#include <faultline/syscalls.gen.h>
#include "tap.h"

#define MOTD	"Faultline: this line comes from the ext2 disk.\n"	/* tools/mkdisk.py */
#define PAGE	4096

static bool good;

static void check_err(long r, int err, const char *name)
{
	int e = errno;

	good = r == -1 && e == err;
	check(good, name, "got %ld, errno %d (%s); want %d (%s)", r, e, strerror(e), err,
	      strerror(err));
}

static void check_map_err(void *m, int err, const char *name)
{
	check_err(m == MAP_FAILED ? -1 : 0, err, name);
	if (m != MAP_FAILED)
		munmap(m, PAGE);
}

static int status_of(pid_t pid)
{
	int st = -1;

	return waitpid(pid, &st, 0) == pid ? st : -1;
}

/* A file of len bytes of c at path (created or truncated): its fd (O_RDWR), or -1. */
static int make_file(const char *path, char c, size_t len)
{
	static char buf[4 * PAGE];
	int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);

	memset(buf, c, sizeof(buf));
	if (fd >= 0 && len <= sizeof(buf) && write(fd, buf, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	return fd;
}

static void private_maps(void)
{
	int fd = open("/etc/motd", O_RDONLY);
	char *m = fd < 0 ? MAP_FAILED : mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	char back[64] = "";

	check(m != MAP_FAILED && !memcmp(m, MOTD, strlen(MOTD)) && m[strlen(MOTD)] == 0,
	      "MAP_PRIVATE of a disk file: its bytes, zeros after the end", "%s",
	      m == MAP_FAILED ? strerror(errno) : "bytes differ");
	if (m == MAP_FAILED)
		return;
	m[0] = 'f';
	good = pread(fd, back, sizeof(back) - 1, 0) == (ssize_t)strlen(MOTD) && back[0] == 'F';
	check(good && m[0] == 'f', "a write to it is private: the file keeps its bytes", "'%c' '%c'",
	      back[0], m[0]);
	munmap(m, PAGE);
	close(fd);
}

static void shared_maps(void)
{
	int fd = make_file("/tmp/shared", 'a', 2 * PAGE), st;
	char *m = fd < 0 ? MAP_FAILED :
		  mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char c = 0;
	pid_t pid;

	check(m != MAP_FAILED && m[0] == 'a' && m[2 * PAGE - 1] == 'a',
	      "MAP_SHARED of a /tmp file: its bytes", "%s", m == MAP_FAILED ? strerror(errno) : "");
	if (m == MAP_FAILED)
		return;
	m[PAGE + 5] = 'Z';
	good = pread(fd, &c, 1, PAGE + 5) == 1 && c == 'Z';
	check(good, "a store through it is seen by read() at once (no msync)", "'%c'", c);
	good = pwrite(fd, "W", 1, 7) == 1 && m[7] == 'W';
	check(good, "a write() is seen through the mapping at once", "'%c'", m[7]);
	if ((pid = fork()) == 0) {
		int f2 = open("/tmp/shared", O_RDWR);
		char *m2 = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, f2, PAGE);

		if (m2 == MAP_FAILED || m2[5] != 'Z')
			_exit(1);
		m2[6] = 'Y';		/* the parent looks for it */
		_exit(0);
	}
	st = status_of(pid);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0 && m[PAGE + 6] == 'Y',
	      "another process mapping the file shares the page both ways", "status %#x, '%c'",
	      st, m[PAGE + 6]);
	munmap(m, 2 * PAGE);
	close(fd);
}

static void fork_isolation(void)
{
	int fd = make_file("/tmp/priv", 'p', PAGE), st;
	char *m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	pid_t pid;

	if (m == MAP_FAILED) {
		check(0, "MAP_PRIVATE across fork", "mmap: %s", strerror(errno));
		return;
	}
	m[0] = 'q';			/* the parent's copy before the fork */
	if ((pid = fork()) == 0) {
		bool ok = m[0] == 'q' && m[1] == 'p';

		m[1] = 'c';		/* the child's own */
		_exit(ok && m[1] == 'c' ? 0 : 1);
	}
	st = status_of(pid);
	m[2] = 'r';
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0 && m[1] == 'p' && m[2] == 'r',
	      "MAP_PRIVATE across fork: each side's writes its own", "status %#x", st);
	munmap(m, PAGE);
	close(fd);
}

/* A child touching the second page of a one-page file's two-page mapping: SIGBUS. */
static void past_the_end(void)
{
	int fd = make_file("/tmp/short", 's', 100), st;
	pid_t pid;

	if ((pid = fork()) == 0) {
		volatile char *m = mmap(NULL, 2 * PAGE, PROT_READ, MAP_PRIVATE, fd, 0);

		if (m == MAP_FAILED || m[99] != 's' || m[100] != 0)
			_exit(1);
		(void)m[PAGE];		/* wholly past the end of the file */
		_exit(2);
	}
	st = status_of(pid);
	check(WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS,
	      "a page wholly past the end of the file: SIGBUS (the partial page reads zeros)",
	      "status %#x", st);
	close(fd);
}

/*
 * ftruncate shrinking a mapped file: the pages past the new end go from
 * every mapping (shared ones, and private copies too): SIGBUS; the rest of
 * the last page reads zeros; grown again, the pages come back as the file.
 */
static void truncated(void)
{
	int fd = make_file("/tmp/trunc", 't', 2 * PAGE), st[2];
	char *s = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	pid_t pid[2];

	if (s == MAP_FAILED || p == MAP_FAILED) {
		check(0, "ftruncate of a mapped file", "mmap: %s", strerror(errno));
		return;
	}
	s[PAGE] = 'x';			/* both pages mapped, the private one copied */
	p[PAGE] = 'y';
	good = ftruncate(fd, 100) == 0 && s[99] == 't' && s[100] == 0;
	check(good, "ftruncate to 100 bytes: the rest of the mapped page reads zeros", "'%c' %d",
	      s[99], s[100]);
	for (int i = 0; i < 2; i++)
		if ((pid[i] = fork()) == 0) {
			(void)*(volatile char *)(i ? p + PAGE : s + PAGE);
			_exit(0);
		}
	st[0] = status_of(pid[0]);
	st[1] = status_of(pid[1]);
	check(WIFSIGNALED(st[0]) && WTERMSIG(st[0]) == SIGBUS && WIFSIGNALED(st[1]) &&
	      WTERMSIG(st[1]) == SIGBUS,
	      "a page past the new end, though mapped before: SIGBUS (shared and private)",
	      "status %#x %#x", st[0], st[1]);
	good = ftruncate(fd, 2 * PAGE) == 0 && pwrite(fd, "N", 1, PAGE) == 1 && s[PAGE] == 'N' &&
	       s[PAGE + 1] == 0;
	check(good, "grown again: the page comes back with the file's bytes", "'%c'", s[PAGE]);
	munmap(s, 2 * PAGE);
	munmap(p, 2 * PAGE);
	close(fd);
}

static void dev_zero(void)
{
	int fd = open("/dev/zero", O_RDWR), st;
	char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	char *s = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	pid_t pid;

	check(p != MAP_FAILED && p[0] == 0 && p[2 * PAGE - 1] == 0,
	      "/dev/zero MAP_PRIVATE: zeros", "%s", p == MAP_FAILED ? strerror(errno) : "");
	if (p == MAP_FAILED || s == MAP_FAILED)
		return;
	p[0] = 1;
	s[0] = 1;
	if ((pid = fork()) == 0) {
		p[0] = 2;
		s[0] = 2;
		_exit(0);
	}
	st = status_of(pid);
	check(WIFEXITED(st) && p[0] == 1 && s[0] == 2,
	      "/dev/zero: MAP_PRIVATE private across fork, MAP_SHARED shared", "%d %d", p[0], s[0]);
	close(fd);
}

static void not_mappable(void)
{
	int null = open("/dev/null", O_RDWR), con = open("/dev/console", O_RDWR);
	int dir = open("/etc", O_RDONLY), wr = open("/tmp/shared", O_WRONLY);
	int ro = open("/tmp/shared", O_RDONLY), p[2];

	pipe(p);
	check_map_err(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, null, 0), ENODEV,
		      "mmap of /dev/null: ENODEV");
	check_map_err(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, con, 0), ENODEV,
		      "mmap of /dev/console: ENODEV");
	check_map_err(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, p[0], 0), ENODEV,
		      "mmap of a pipe: ENODEV");
	check_map_err(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, dir, 0), ENODEV,
		      "mmap of a directory: ENODEV");
	check_map_err(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, wr, 0), EACCES,
		      "mmap of an O_WRONLY descriptor: EACCES");
	check_map_err(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0), EACCES,
		      "MAP_SHARED with PROT_WRITE of an O_RDONLY descriptor: EACCES");
	check_map_err(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, 60, 0), EBADF,
		      "mmap of a descriptor not open: EBADF");
	{
		char *m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
		char *s = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, ro, 0);

		check(m != MAP_FAILED, "MAP_PRIVATE with PROT_WRITE of an O_RDONLY descriptor is fine",
		      "%s", m == MAP_FAILED ? strerror(errno) : "");
		if (m != MAP_FAILED)
			munmap(m, PAGE);
		check_err(s == MAP_FAILED ? 0 : mprotect(s, PAGE, PROT_READ | PROT_WRITE), EACCES,
			  "mprotect adding PROT_WRITE to a MAP_SHARED map of an O_RDONLY fd: EACCES");
		if (s != MAP_FAILED)
			munmap(s, PAGE);
	}
	close(null), close(con), close(dir), close(wr), close(ro), close(p[0]), close(p[1]);
}

/* The fs server's answers to the pager, sent by anyone else: EPERM, nothing done. */
static void not_the_fs_server(void)
{
	long r[7] = {
		fl_pager_call(FL_PAGER_FS_MAPPED, 1, 1, 4096, 1),
		fl_pager_call(FL_PAGER_FS_PAGE, 1, 0, 4096, 0),
		fl_pager_call(FL_PAGER_FS_TRUNCATE, 1, 0, 0, 0),
		fl_pager_call(FL_PAGER_FS_SYNCED, 1, 0, 0, 0),
		fl_pager_call(FL_PAGER_FS_EVICT, 1, 0, 0, 0),
		fl_pager_call(FL_PAGER_FS_DIRTY, 1, 0, 0, 0),
		fl_pager_call(FL_PAGER_FS_EXEC, 1, 1, 4096, 0),
	};

	check(r[0] == -EPERM && r[1] == -EPERM && r[2] == -EPERM && r[3] == -EPERM &&
	      r[4] == -EPERM && r[5] == -EPERM && r[6] == -EPERM,
	      "the fs server's calls made by a process: EPERM",
	      "%ld %ld %ld %ld %ld %ld %ld", r[0], r[1], r[2], r[3], r[4], r[5], r[6]);
}

/* FL_PAGER_SPAWN with FL_SPAWN_FD sent by hand (path "x"): the result, w1 in *consumed. */
static long spawn_fd(uint64_t flags, int64_t fd, uint64_t *consumed)
{
	struct fl_ipc_buffer *b = (struct fl_ipc_buffer *)(uintptr_t)fl_getauxval(AT_FL_IPCBUF);
	uint64_t w[4] = { flags, 0, 0, (uint64_t)fd };
	struct fl_msg reply;
	long r;

	memcpy(b->words, "x\0\0\0\0\0\0\0", 8);
	r = fl_call_msg(fl_pager(), FL_TAG(FL_PAGER_SPAWN, 1, 0), w, &reply);
	*consumed = r < 0 ? 0 : reply.w[1];
	return r < 0 ? r : (long)reply.w[0];
}

/* A program's fd that is no descriptor, or flags the pager does not know. */
static void spawn_bad_fd(void)
{
	uint64_t c1 = 9, c2 = 9, c3 = 9;
	struct stat st;
	long r1 = spawn_fd(FL_SPAWN_FD, 63, &c1), r2 = spawn_fd(FL_SPAWN_FD, -1, &c2);
	long r3 = spawn_fd(FL_SPAWN_FD | 0x100, 0, &c3);

	check(r1 == -EBADF && r2 == -EBADF && r3 == -EINVAL && c3 == 0 &&
	      fstat(0, &st) == 0, "spawn of fd 63 or -1: EBADF; unknown flags: EINVAL (fd 0 kept)",
	      "%ld %ld %ld, consumed %llu %llu %llu", r1, r2, r3, (unsigned long long)c1,
	      (unsigned long long)c2, (unsigned long long)c3);
}

/* A shared store to a disk file, then exit: the host finds it in the image (debugfs). */
static void to_the_disk(void)
{
	int fd = make_file("/mapped", '-', 100);
	char *m = fd < 0 ? MAP_FAILED :
		  mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	check(m != MAP_FAILED, "MAP_SHARED of a disk file", "%s",
	      m == MAP_FAILED ? strerror(errno) : "");
	if (m == MAP_FAILED)
		return;
	memcpy(m, "mapped bytes reach the disk\n", 28);
	good = msync(m, PAGE, MS_SYNC) == 0 && msync(m, PAGE, MS_ASYNC) == 0;
	check(good, "msync MS_SYNC and MS_ASYNC of it", "errno %d", errno);
	check_err(msync(m, PAGE, MS_SYNC | MS_ASYNC), EINVAL, "msync with MS_SYNC | MS_ASYNC: EINVAL");
	check_err(msync(m + 1, PAGE, MS_SYNC), EINVAL, "msync of an unaligned address: EINVAL");
	munmap(m, PAGE);
	check_err(msync(m, PAGE, MS_SYNC), ENOMEM, "msync of a range not mapped: ENOMEM");
	close(fd);
}

/*
 * Child A faults on a page of /data/huge the fs server must read from the
 * throttled disk; child B meanwhile takes 64 anonymous faults and exits
 * (it never touches a file: the fs server is busy with the disk). The
 * pager, which parks A's fault, serves B at once: B ends first.
 */
static void parked(void)
{
	int fd = open("/data/huge", O_RDONLY), st_a = -1, st_b = -1, first;
	pid_t a, b;

	if ((a = fork()) == 0) {
		volatile char *m = mmap(NULL, 1 << 20, PROT_READ, MAP_PRIVATE, fd, 3 << 20);

		_exit(m != MAP_FAILED && m[5 * PAGE + 7] == m[5 * PAGE + 7] ? 0 : 1);
	}
	if ((b = fork()) == 0) {
		char *m = mmap(NULL, 64 * PAGE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		for (int i = 0; m != MAP_FAILED && i < 64; i++)
			m[i * PAGE] = (char)i;
		_exit(m == MAP_FAILED ? 1 : 0);
	}
	first = wait(&st_b);
	if (first == a) {
		st_a = st_b;
		waitpid(b, &st_b, 0);
	} else {
		waitpid(a, &st_a, 0);
	}
	check(first == b && WIFEXITED(st_b) && WEXITSTATUS(st_b) == 0,
	      "a file fault waiting for a slow disk: another process's 64 anonymous faults "
	      "are served meanwhile", "first %d (a %d, b %d)", first, a, b);
	check(WIFEXITED(st_a) && WEXITSTATUS(st_a) == 0, "then the file fault completes",
	      "status %#x", st_a);
	close(fd);
	{
		char *argv[] = { "echo", "maptest: echo spawned from the slow disk", NULL };
		int st = -1;

		fflush(stdout);
		a = fl_spawn("/bin/echo", argv);
		check(a > 0 && waitpid(a, &st, 0) == a && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "a program spawned from the slow disk runs (its pages demand-paged from it)",
		      "pid %d status %#x", a, st);
	}
}

/* ---- the page cache's budget (--evict) ---- */

#define BIG64		"/data/64m"		/* tools/mkdisk.py --big64: 64 MiB of pattern() */
#define BIG64_PAGES	16384ul
#define CAP		2048ul			/* pagecache=8M (tests/guest) */
#define WRITTEN		16			/* pages written through MAP_SHARED, then evicted */

/* /dev/pagecache: the fs server's figures (faultline/fs.h FL_FS_RDEV_PAGECACHE), in pages. */
struct cache_figures {
	unsigned long long cap, pages, high, evicted, written;
};

static bool figures(struct cache_figures *c)
{
	char line[160] = "";
	int fd = open("/dev/pagecache", O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, line, sizeof(line) - 1);

	if (fd >= 0)
		close(fd);
	return n > 0 && sscanf(line, "cap %llu pages %llu high %llu evicted %llu written %llu",
			       &c->cap, &c->pages, &c->high, &c->evicted, &c->written) == 5;
}

/* Byte i of mkdisk.py's pattern(): (i * 131 + i / 4096) mod 256. */
static uint8_t pattern(uint64_t i)
{
	return (uint8_t)(i * 131 + i / PAGE);
}

/* Page p of a mapping of /data/64m: five bytes across it, every byte of every 64th page. */
static bool page_ok(const volatile uint8_t *m, uint64_t p)
{
	static const unsigned at[] = { 0, 1, 1000, 2048, PAGE - 1 };
	uint64_t base = p * PAGE;

	if (p % 64 == 0) {
		for (unsigned i = 0; i < PAGE; i++)
			if (m[base + i] != pattern(base + i))
				return false;
		return true;
	}
	for (unsigned i = 0; i < sizeof(at) / sizeof(at[0]); i++)
		if (m[base + at[i]] != pattern(base + at[i]))
			return false;
	return true;
}

static bool mapped(const void *va)
{
	return fl_query(fl_self_task(), (uintptr_t)va, 0) & FL_QUERY_PRESENT;
}

/*
 * Every page of /data/64m read through a mapping (flags), page by page:
 * the pattern each time, the cache never past its budget, pages evicted;
 * the first pages unmapped by then, and read again, right again.
 */
static void read_through(int fd, int flags, const char *how)
{
	struct cache_figures c0, c1;
	uint8_t *m = mmap(NULL, BIG64_PAGES * PAGE, PROT_READ, flags, fd, 0);
	uint64_t bad = BIG64_PAGES;
	bool gone = true, ok = true;

	check(m != MAP_FAILED && figures(&c0), how, "%s", strerror(errno));
	if (m == MAP_FAILED)
		return;
	for (uint64_t p = 0; p < BIG64_PAGES; p++)
		if (!page_ok(m, p) && bad == BIG64_PAGES)
			bad = p;
	check(bad == BIG64_PAGES, "every page of the 64 MiB file read has the pattern",
	      "page %llu differs", (unsigned long long)bad);
	good = figures(&c1) && c1.high <= c1.cap && c1.pages <= c1.cap;
	check(good, "the page cache stayed within its 8 MiB budget", "cap %llu high %llu",
	      c1.cap, c1.high);
	check(c1.evicted - c0.evicted >= BIG64_PAGES - CAP, "pages were evicted to stay there",
	      "%llu evicted", c1.evicted - c0.evicted);
	for (uint64_t p = 0; p < 16; p++)
		gone &= !mapped(m + p * PAGE);
	for (uint64_t p = 0; p < 16; p++)
		ok &= page_ok(m, p);
	check(gone && ok, "its first pages evicted (unmapped), read again: the pattern again",
	      "unmapped %d, right %d", gone, ok);
	munmap(m, BIG64_PAGES * PAGE);
}

/* What page i of /evicted starts with (tests/guest/make_wtest_expect.py: then 'e's). */
static const char *page_line(int i)
{
	static char line[64];

	snprintf(line, sizeof(line), "page %02d, written through MAP_SHARED, evicted\n", i);
	return line;
}

/*
 * Pages written through a MAP_SHARED mapping of a new file, then forced
 * out of the cache by reading 9 MiB of another: written back as they go
 * (read again from the disk, they have the bytes; the host finds them on
 * the image too: tests/guest, --debugfs-expect /evicted).
 */
static void written_evicted(int big)
{
	static char page[PAGE];
	int fd = open("/evicted", O_CREAT | O_RDWR | O_TRUNC, 0644);
	struct cache_figures c0, c1;
	uint8_t *m = MAP_FAILED, *r = MAP_FAILED;
	bool gone = true, ok = true;
	uint64_t bad = BIG64_PAGES;

	memset(page, 'e', sizeof(page));
	for (int i = 0; fd >= 0 && i < WRITTEN; i++)
		ok &= write(fd, page, PAGE) == PAGE;
	if (fd >= 0 && ok)
		m = mmap(NULL, WRITTEN * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m != MAP_FAILED)
		r = mmap(NULL, (CAP + 256) * PAGE, PROT_READ, MAP_PRIVATE, big, 0);
	check(m != MAP_FAILED && r != MAP_FAILED && figures(&c0),
	      "a new file of 16 pages mapped MAP_SHARED, read-write", "%s", strerror(errno));
	if (m == MAP_FAILED || r == MAP_FAILED)
		return;
	for (int i = 0; i < WRITTEN; i++)
		memcpy(m + i * PAGE, page_line(i), strlen(page_line(i)));
	for (uint64_t p = 0; p < CAP + 256; p++)
		if (!page_ok(r, p) && bad == BIG64_PAGES)
			bad = p;
	good = figures(&c1) && c1.high <= c1.cap;
	check(good && bad == BIG64_PAGES && c1.written - c0.written >= WRITTEN,
	      "9 MiB of another file read: the written pages written back as they were evicted",
	      "page %llu, high %llu, %llu written", (unsigned long long)bad, c1.high,
	      c1.written - c0.written);
	ok = true;
	for (int i = 0; i < WRITTEN; i++) {
		gone &= !mapped(m + i * PAGE);
		ok &= !memcmp(m + i * PAGE, page_line(i), strlen(page_line(i)));
	}
	check(gone && ok, "unmapped, then read again from the disk: the bytes written",
	      "unmapped %d, right %d", gone, ok);
	munmap(r, (CAP + 256) * PAGE);
	munmap(m, WRITTEN * PAGE);
	close(fd);
}

/* The line page i of /msynced starts with (tests/guest/make_wtest_expect.py: then zeros). */
static const char *msync_line(int i)
{
	static char line[32];

	snprintf(line, sizeof(line), "msynced page %03d\n", i);
	return line;
}

/*
 * More pages written through MAP_SHARED than one FL_PAGER_FS_DIRTY answer
 * carries (FL_MSG_BUF_WORDS), then msync: every one written back (the fs
 * server asks again while the pager says there are more), none left dirty
 * (evicted after, none is written again), read back right from the disk.
 */
static void msync_many(int big)
{
	enum { N = FL_MSG_BUF_WORDS + 120 };
	int fd = open("/msynced", O_CREAT | O_RDWR | O_TRUNC, 0644);
	struct cache_figures c0, c1, c2;
	uint8_t *m = MAP_FAILED, *r = MAP_FAILED;
	uint64_t bad = BIG64_PAGES;
	bool gone = true, ok = true;

	if (fd >= 0 && ftruncate(fd, N * PAGE) == 0)
		m = mmap(NULL, N * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	check(m != MAP_FAILED && figures(&c0), "a file of 600 pages mapped MAP_SHARED, read-write",
	      "%s", strerror(errno));
	if (m == MAP_FAILED)
		return;
	for (int i = 0; i < N; i++)
		memcpy(m + i * PAGE, msync_line(i), strlen(msync_line(i)));
	good = msync(m, N * PAGE, MS_SYNC) == 0 && figures(&c1);
	check(good && c1.written - c0.written == N, "each written, msync writes back all 600",
	      "errno %d, %llu written", errno, c1.written - c0.written);
	r = mmap(NULL, (CAP + 256) * PAGE, PROT_READ, MAP_PRIVATE, big, 0);
	for (uint64_t p = 0; r != MAP_FAILED && p < CAP + 256; p++)
		if (!page_ok(r, p) && bad == BIG64_PAGES)
			bad = p;
	good = r != MAP_FAILED && bad == BIG64_PAGES && figures(&c2);
	check(good && c2.written == c1.written, "evicted after: clean, none written again",
	      "page %llu, %llu written", (unsigned long long)bad, c2.written - c1.written);
	for (int i = 0; i < N; i++) {
		gone &= !mapped(m + i * PAGE);
		ok &= !memcmp(m + i * PAGE, msync_line(i), strlen(msync_line(i)));
	}
	check(gone && ok, "read again from the disk: the bytes written", "unmapped %d, right %d",
	      gone, ok);
	if (r != MAP_FAILED)
		munmap(r, (CAP + 256) * PAGE);
	munmap(m, N * PAGE);
	close(fd);
}

static void evict(void)
{
	int fd = open(BIG64, O_RDONLY);
	struct cache_figures c;

	check(fd >= 0 && figures(&c) && c.cap == CAP, "pagecache=8M: a budget of 2048 pages",
	      "fd %d, cap %llu", fd, c.cap);
	if (fd < 0)
		return;
	read_through(fd, MAP_PRIVATE, "/data/64m mapped MAP_PRIVATE");
	read_through(fd, MAP_SHARED, "/data/64m mapped MAP_SHARED, read-only");
	written_evicted(fd);
	msync_many(fd);
	if (figures(&c))
		printf("# /dev/pagecache: cap %llu pages %llu high %llu evicted %llu written %llu\n",
		       c.cap, c.pages, c.high, c.evicted, c.written);
	close(fd);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--parked")) {
		parked();
		printf("1..%d\n", tap_count());
		return tap_done();
	}
	if (argc > 1 && !strcmp(argv[1], "--evict")) {
		evict();
		printf("1..%d\n", tap_count());
		return tap_done();
	}
	private_maps();
	shared_maps();
	fork_isolation();
	past_the_end();
	truncated();
	dev_zero();
	not_mappable();
	not_the_fs_server();
	spawn_bad_fd();
	to_the_disk();
	printf("1..%d\n", tap_count());
	return tap_done();
}
