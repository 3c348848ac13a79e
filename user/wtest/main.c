/*
 * Writing the disk through the fs server: files made, written, appended,
 * truncated, unlinked, renamed, directories made and removed, files past
 * the indirect-block boundaries, many names in one directory, a process
 * killed in the middle of writing, and the errors (EEXIST, ENOTEMPTY,
 * EFBIG, ENAMETOOLONG, ENOSPC). The host checks the image after the run
 * (tests/guest/CMakeLists.txt): e2fsck -fn must find it clean, and
 * debugfs must find in each file kept exactly the bytes written here
 * (tests/guest/make_wtest_expect.py makes the same files; keep the two in
 * step).
 *
 *   wtest            the cases, under /w on the disk (tools/mkdisk.py's image)
 *   wtest --enospc   a tiny disk filled: blocks, then inodes
 *   wtest --writeback  stores through MAP_SHARED written back by msync,
 *                    munmap, exit, fsync and msync after MADV_DONTNEED
 *                    (and one by nothing); then it
 *                    waits for the host to cut the power, so the image
 *                    holds what each of those wrote back, not the shutdown's
 *
 * TAP on stdout (the plan last); exits with the failures (at most 31).
 */
#include <dirent.h>
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
#include <faultline/fs.h>
#include "tap.h"

#define DIRECT_SIZE	40000			/* within the 12 direct blocks */
#define INDIRECT_SIZE	300000			/* past them: single indirect */
#define DOUBLE_AT	(6ull << 20)		/* past 12 + 1024 blocks: double indirect */
#define DOUBLE_LEN	8192
#define TRIPLE_AT	(5ull << 30)		/* past 12 + 1024 + 1024^2 blocks: triple */
#define TRUNC_SIZE	10000
#define MANY		300
#define CHUNK		FL_FS_IO_MAX	/* one request to the fs server */

static unsigned char buf[INDIRECT_SIZE];
static bool good;	/* a case's outcome, taken before errno is read for its message */

/* Byte i of the files with seed s (make_wtest_expect.py's pattern). */
static unsigned char pattern(uint64_t i, unsigned s)
{
	return (unsigned char)(i * 7 + s + i / 4096);
}

static void fill(unsigned char *p, size_t len, uint64_t off, unsigned s)
{
	for (size_t i = 0; i < len; i++)
		p[i] = pattern(off + i, s);
}

/* The first offset of p (len bytes from file offset off) not pattern s, or -1. */
static long bad(const unsigned char *p, size_t len, uint64_t off, unsigned s)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != pattern(off + i, s))
			return (long)(off + i);
	return -1;
}

static bool zeros(const unsigned char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

static void check_err(long r, int err, const char *name)
{
	int e = errno;

	good = r == -1 && e == err;
	check(good, name, "got %ld, errno %d (%s); want %d (%s)", r, e,
	      strerror(e), err, strerror(err));
}

/* Write len bytes of p to path (created or truncated) in writes of step: 0 or -1. */
static int put(const char *path, const void *p, size_t len, size_t step)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	size_t done = 0;

	if (fd < 0)
		return -1;
	while (done < len) {
		size_t n = len - done < step ? len - done : step;

		if (write(fd, (const char *)p + done, n) != (ssize_t)n) {
			close(fd);
			return -1;
		}
		done += n;
	}
	return close(fd);
}

/* Read len bytes of path at off into p: the count, or -1. */
static ssize_t get(const char *path, void *p, size_t len, uint64_t off)
{
	int fd = open(path, O_RDONLY);
	ssize_t r;

	if (fd < 0)
		return -1;
	r = pread(fd, p, len, (off_t)off);
	close(fd);
	return r;
}

static uint64_t size_of(const char *path)
{
	struct stat st;

	return stat(path, &st) ? ~0ull : (uint64_t)st.st_size;
}

static void small_files(void)
{
	static const char hello[] = "hello, disk\n";
	char in[64] = "";
	int fd = open("/w/small", O_CREAT | O_EXCL | O_WRONLY, 0644);

	good = fd >= 0 && write(fd, hello, strlen(hello)) == (ssize_t)strlen(hello) &&
	       fsync(fd) == 0 && close(fd) == 0;
	check(good, "create /w/small (O_EXCL), write, fsync, close",
	      "fd %d, errno %d", fd, errno);
	check(get("/w/small", in, sizeof(in), 0) == (ssize_t)strlen(hello) && !strcmp(in, hello),
	      "read /w/small back", "'%s'", in);
	check_err(open("/w/small", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST,
		  "O_CREAT | O_EXCL of a file that exists: EEXIST");
}

static void big_files(void)
{
	int fd;

	fill(buf, DIRECT_SIZE, 0, 1);
	check(put("/w/direct", buf, DIRECT_SIZE, 3000) == 0 && size_of("/w/direct") == DIRECT_SIZE,
	      "write 40000 bytes in 3000-byte writes (direct blocks)", "size %llu",
	      (unsigned long long)size_of("/w/direct"));
	memset(buf, 0, DIRECT_SIZE);
	check(get("/w/direct", buf, DIRECT_SIZE, 0) == DIRECT_SIZE &&
	      bad(buf, DIRECT_SIZE, 0, 1) < 0, "read them back", "first bad %ld",
	      bad(buf, DIRECT_SIZE, 0, 1));

	fill(buf, INDIRECT_SIZE, 0, 2);
	check(put("/w/indirect", buf, INDIRECT_SIZE, 65536) == 0 &&
	      size_of("/w/indirect") == INDIRECT_SIZE,
	      "write 300000 bytes (past the direct blocks: single indirect)", "size %llu",
	      (unsigned long long)size_of("/w/indirect"));
	memset(buf, 0, INDIRECT_SIZE);
	check(get("/w/indirect", buf, INDIRECT_SIZE, 0) == INDIRECT_SIZE &&
	      bad(buf, INDIRECT_SIZE, 0, 2) < 0, "read them back", "first bad %ld",
	      bad(buf, INDIRECT_SIZE, 0, 2));

	fill(buf, DOUBLE_LEN, DOUBLE_AT, 3);
	fd = open("/w/double", O_CREAT | O_RDWR, 0644);
	check(fd >= 0 && pwrite(fd, buf, DOUBLE_LEN, DOUBLE_AT) == DOUBLE_LEN && close(fd) == 0 &&
	      size_of("/w/double") == DOUBLE_AT + DOUBLE_LEN,
	      "pwrite 8 KiB at 6 MiB (double indirect): the size", "size %llu",
	      (unsigned long long)size_of("/w/double"));
	memset(buf, 0xee, 2 * DOUBLE_LEN);
	check(get("/w/double", buf, 2 * DOUBLE_LEN, DOUBLE_AT - DOUBLE_LEN) == 2 * DOUBLE_LEN &&
	      zeros(buf, DOUBLE_LEN) && bad(buf + DOUBLE_LEN, DOUBLE_LEN, DOUBLE_AT, 3) < 0,
	      "the hole before it reads as zeros, then the bytes", "first bad %ld",
	      bad(buf + DOUBLE_LEN, DOUBLE_LEN, DOUBLE_AT, 3));

	fill(buf, 100, TRIPLE_AT, 6);
	fd = open("/w/triple", O_CREAT | O_RDWR, 0644);
	good = fd >= 0 && pwrite(fd, buf, 100, TRIPLE_AT) == 100 && close(fd) == 0 &&
	       size_of("/w/triple") == TRIPLE_AT + 100;
	check(good,
	      "pwrite 100 bytes at 5 GiB (triple indirect): the size", "size %llu, errno %d",
	      (unsigned long long)size_of("/w/triple"), errno);
	memset(buf, 0, 100);
	check(get("/w/triple", buf, 100, TRIPLE_AT) == 100 && bad(buf, 100, TRIPLE_AT, 6) < 0,
	      "read them back", "first bad %ld", bad(buf, 100, TRIPLE_AT, 6));
	fd = open("/w/triple", O_WRONLY);
	check_err(fd < 0 ? fd : pwrite(fd, "x", 1, 1ll << 45), EFBIG,
		  "pwrite past the largest file (2^45): EFBIG");
	close(fd);
}

static void append_truncate(void)
{
	char in[16] = "";
	int fd;

	put("/w/append", "one\n", 4, 4);
	fd = open("/w/append", O_WRONLY | O_APPEND);
	check(fd >= 0 && lseek(fd, 0, SEEK_SET) == 0 && write(fd, "two\n", 4) == 4 &&
	      close(fd) == 0 && get("/w/append", in, sizeof(in), 0) == 8 &&
	      !memcmp(in, "one\ntwo\n", 8), "O_APPEND writes at the end whatever the offset",
	      "'%s'", in);

	fill(buf, TRUNC_SIZE, 0, 4);
	put("/w/trunc", buf, TRUNC_SIZE, TRUNC_SIZE);
	fd = open("/w/trunc", O_WRONLY | O_TRUNC);
	check(fd >= 0 && size_of("/w/trunc") == 0, "O_TRUNC empties a file", "size %llu",
	      (unsigned long long)size_of("/w/trunc"));
	check(write(fd, buf, TRUNC_SIZE) == TRUNC_SIZE && ftruncate(fd, 5000) == 0 &&
	      size_of("/w/trunc") == 5000 && ftruncate(fd, 9000) == 0 &&
	      size_of("/w/trunc") == 9000 && close(fd) == 0,
	      "ftruncate to 5000, then up to 9000", "size %llu",
	      (unsigned long long)size_of("/w/trunc"));
	memset(buf, 0xee, 9000);
	check(get("/w/trunc", buf, 9000, 0) == 9000 && bad(buf, 5000, 0, 4) < 0 &&
	      zeros(buf + 5000, 4000), "the first 5000 bytes stay, the rest reads as zeros",
	      "first bad %ld", bad(buf, 5000, 0, 4));
}

static void unlink_dirs_rename(void)
{
	char in[8] = "";

	fill(buf, 50000, 0, 7);
	put("/w/gone", buf, 50000, 50000);
	good = unlink("/w/gone") == 0 && open("/w/gone", O_RDONLY) == -1 && errno == ENOENT;
	check(good,
	      "unlink: the name is gone", "errno %d", errno);
	check_err(unlink("/w/gone"), ENOENT, "unlink it again: ENOENT");

	good = mkdir("/w/d", 0755) == 0;
	check(good, "mkdir /w/d", "errno %d", errno);
	check_err(mkdir("/w/d", 0755), EEXIST, "mkdir of a name that exists: EEXIST");
	put("/w/d/f", "f", 1, 1);
	check_err(rmdir("/w/d"), ENOTEMPTY, "rmdir of a directory with a file: ENOTEMPTY");
	check_err(rmdir("/w/d/f"), ENOTDIR, "rmdir of a file: ENOTDIR");
	good = unlink("/w/d/f") == 0 && rmdir("/w/d") == 0 && size_of("/w/d") == ~0ull;
	check(good,
	      "then unlink the file and rmdir: gone", "errno %d", errno);

	mkdir("/w/r1", 0755);
	mkdir("/w/r2", 0755);
	put("/w/r1/a", "A", 1, 1);
	put("/w/r2/c", "C", 1, 1);
	good = rename("/w/r1/a", "/w/r2/b") == 0 && size_of("/w/r1/a") == ~0ull &&
	       size_of("/w/r2/b") == 1;
	check(good, "rename a file into another directory", "errno %d", errno);
	check(rename("/w/r2/b", "/w/r2/c") == 0 && size_of("/w/r2/b") == ~0ull &&
	      get("/w/r2/c", in, sizeof(in), 0) == 1 && in[0] == 'A',
	      "rename onto a file replaces it", "'%s'", in);
	good = rename("/w/r1", "/w/r2/moved") == 0 && size_of("/w/r2/moved/.") != ~0ull &&
	       size_of("/w/r2/moved/../c") == 1;
	check(good, "rename a directory: its .. follows", "errno %d",
	      errno);
	check_err(rename("/w/r2", "/w/r2/moved/x"), EINVAL,
		  "rename a directory into itself: EINVAL");
}

static void many_names(void)
{
	char name[64], want[8];
	struct dirent *e;
	int made = 0, seen = 0;
	DIR *d;

	mkdir("/w/many", 0755);
	for (int i = 0; i < MANY; i++) {
		snprintf(name, sizeof(name), "/w/many/file-with-a-longer-name-%03d", i);
		snprintf(want, sizeof(want), "%03d\n", i);
		made += put(name, want, 4, 4) == 0;
	}
	if ((d = opendir("/w/many"))) {
		while ((e = readdir(d)))
			seen += !strncmp(e->d_name, "file-with-a-longer-name-", 24);
		closedir(d);
	}
	check(made == MANY && seen == MANY, "300 files in one directory (several blocks of it)",
	      "%d made, %d listed", made, seen);
	{
		char longname[300] = "/w/";

		memset(longname + 3, 'n', 256);
		longname[259] = 0;
		check_err(open(longname, O_CREAT | O_WRONLY, 0644), ENAMETOOLONG,
			  "a name of 256 bytes: ENAMETOOLONG");
	}
}

/*
 * A child writing in FL_FS_IO_MAX pieces (one request each: a longer write
 * is several, and a kill between them leaves part of it), killed after
 * some: the file holds whole pieces, each right.
 */
static void killed_writer(void)
{
	pid_t pid;
	int st = 0, tries = 0;
	uint64_t size;

	fill(buf, CHUNK, 0, 5);
	put("/w/killed", "", 0, 1);
	if ((pid = fork()) == 0) {
		int fd = open("/w/killed", O_WRONLY | O_APPEND);

		for (;;)
			if (write(fd, buf, CHUNK) != CHUNK)
				_exit(1);
	}
	while (size_of("/w/killed") < 16 * CHUNK && tries++ < 100000)
		;
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	size = size_of("/w/killed");
	check(WIFSIGNALED(st) && size >= 16 * CHUNK && size % CHUNK == 0,
	      "a writer killed in the middle: the file holds whole writes", "size %llu, status %#x",
	      (unsigned long long)size, st);
	{
		static unsigned char in[CHUNK];
		uint64_t off = 0;

		while (off < size && get("/w/killed", in, CHUNK, off) == CHUNK &&
		       !memcmp(in, buf, CHUNK))
			off += CHUNK;
		check(size != ~0ull && off == size, "every piece of it reads back",
		      "%llu bytes, piece at %llu bad", (unsigned long long)size,
		      (unsigned long long)off);
	}
}

static char *sparse_map;
static int sparse_fd = -1;

/*
 * On the full disk: a shared mapping's store into a hole needs a block,
 * so msync(MS_SYNC) fails with ENOSPC; the page stays as written (dirty),
 * and once room is made (finish_msync) the same msync succeeds.
 */
static void full_msync(void)
{
	int r, e;

	sparse_fd = open("/sparse", O_CREAT | O_RDWR, 0644);
	if (sparse_fd < 0 || ftruncate(sparse_fd, 4 * 4096) < 0 ||
	    (sparse_map = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, sparse_fd, 0)) ==
	    MAP_FAILED) {
		check(0, "a shared mapping of a sparse file on the full disk", "errno %d", errno);
		sparse_map = NULL;
		return;
	}
	memcpy(sparse_map + 2 * 4096, "dirty", 5);
	r = msync(sparse_map, 4 * 4096, MS_SYNC);
	e = errno;
	check(r == -1 && e == ENOSPC && !memcmp(sparse_map + 2 * 4096, "dirty", 5),
	      "msync(MS_SYNC) of a store into a hole on the full disk: ENOSPC, the page kept",
	      "r %d errno %d", r, e);
}

static void finish_msync(void)
{
	char back[8] = "";
	int r;

	if (!sparse_map)
		return;
	r = msync(sparse_map, 4 * 4096, MS_SYNC);
	good = r == 0 && pread(sparse_fd, back, 5, 2 * 4096) == 5 && !memcmp(back, "dirty", 5);
	check(good, "with room again the same msync writes it back", "r %d errno %d", r, errno);
	munmap(sparse_map, 4 * 4096);
	close(sparse_fd);
	unlink("/sparse");
}

/* The tiny disk: blocks run out, then inodes; freeing makes room again. */
static void enospc(void)
{
	int fd = open("/fill", O_CREAT | O_WRONLY, 0644), err = 0, made = 0;
	uint64_t total = 0;
	ssize_t r = 0;
	char name[32];

	memset(buf, 0x5a, 65536);
	while (fd >= 0 && (r = write(fd, buf, 65536)) == 65536)
		total += (uint64_t)r;
	err = errno;
	if (r > 0)			/* a short write: what fitted; the next one fails */
		total += (uint64_t)r, r = write(fd, buf, 65536), err = errno;
	good = fd >= 0 && r == -1 && err == ENOSPC && total > 0 && size_of("/fill") == total;
	check(good,
	      "write until the disk is full: ENOSPC, the size what was written", "%llu bytes, r %zd,"
	      " errno %d", (unsigned long long)total, r, err);
	close(fd);
	full_msync();
	good = unlink("/fill") == 0 && put("/again", buf, 65536, 65536) == 0 &&
	       unlink("/again") == 0;
	check(good, "unlink frees the blocks: a new file fits", "errno %d", errno);
	finish_msync();
	for (;;) {
		snprintf(name, sizeof(name), "/i%d", made);
		if ((fd = open(name, O_CREAT | O_WRONLY, 0644)) < 0)
			break;
		close(fd);
		made++;
	}
	err = errno;
	good = made > 0 && err == ENOSPC;
	check(good, "create files until the inodes run out: ENOSPC",
	      "%d made, errno %d", made, err);
	check_err(mkdir("/dir", 0755), ENOSPC, "mkdir with no inode left: ENOSPC");
	snprintf(name, sizeof(name), "/i%d", made - 1);
	good = unlink(name) == 0 && mkdir("/dir", 0755) == 0;
	check(good, "unlink one: mkdir fits", "errno %d",
	      errno);
}

/*
 * --writeback: files of WB_PAGES pages of pattern(seed), each mapped
 * MAP_SHARED and stored into at two places (make_wtest_expect.py's
 * wb_* files), then written back by one thing each.
 */
#define WB_PAGES	2

static const char *const wb_store[2] = { "stored, page 0", "stored, page 1" };

/* /wb/name made with pattern(seed), synced, mapped shared and stored into: the map, or NULL. */
static char *wb_map(const char *name, unsigned seed, int *fd)
{
	char path[32];
	char *m;

	snprintf(path, sizeof(path), "/wb/%s", name);
	fill(buf, WB_PAGES * 4096, 0, seed);
	if (put(path, buf, WB_PAGES * 4096, CHUNK) || (*fd = open(path, O_RDWR)) < 0 ||
	    fsync(*fd))
		return NULL;
	m = mmap(NULL, WB_PAGES * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, *fd, 0);
	if (m == MAP_FAILED)
		return NULL;
	memcpy(m + 100, wb_store[0], strlen(wb_store[0]));
	memcpy(m + 4096 + 7, wb_store[1], strlen(wb_store[1]));
	return m;
}

static void writeback_cases(void)
{
	int fd[6] = { -1, -1, -1, -1, -1, -1 }, st = 0, pipefd[2];
	char *m;
	pid_t pid;

	good = mkdir("/wb", 0755) == 0;
	check(good, "mkdir /wb on the disk", "errno %d", errno);
	m = wb_map("msync", 6, &fd[0]);
	good = m && msync(m, WB_PAGES * 4096, MS_SYNC) == 0;
	check(good, "a shared store, msync(MS_SYNC)", "errno %d", errno);
	m = wb_map("munmap", 7, &fd[1]);
	good = m && munmap(m, WB_PAGES * 4096) == 0;
	check(good, "a shared store, munmap", "errno %d", errno);
	if ((pid = fork()) == 0)
		_exit(wb_map("exit", 8, &fd[2]) ? 0 : 1);
	good = pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && !WEXITSTATUS(st);
	check(good, "a shared store by a process that exits", "status %#x errno %d", st, errno);
	m = wb_map("fsync", 9, &fd[3]);
	good = m && fsync(fd[3]) == 0;
	check(good, "a shared store, fsync", "errno %d", errno);
	/* the pages dropped first: their dirty bits must outlive the mapping */
	m = wb_map("dontneed", 11, &fd[5]);
	good = m && madvise(m, WB_PAGES * 4096, MADV_DONTNEED) == 0 &&
	       msync(m, WB_PAGES * 4096, MS_SYNC) == 0 && m[100] == wb_store[0][0];
	check(good, "a shared store, madvise(MADV_DONTNEED), msync(MS_SYNC)", "errno %d", errno);
	m = wb_map("none", 10, &fd[4]);
	check(m != NULL, "a shared store and nothing after: not on the disk before the shutdown",
	      "errno %d", errno);
	printf("1..%d\n", tap_count());
	/*
	 * The line below goes out through the fs server, which drains the
	 * pager's events first: the munmap's and the exit's writebacks are
	 * done by the time it is printed. The host cuts the power on it.
	 */
	printf("wtest: ready for the power cut\n");
	fflush(stdout);
	if (pipe(pipefd) == 0)
		read(pipefd[0], buf, 1);	/* never: this process holds the write end */
	for (;;)
		;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--enospc")) {
		enospc();
	} else if (argc > 1 && !strcmp(argv[1], "--writeback")) {
		writeback_cases();
	} else {
		good = mkdir("/w", 0755) == 0;
		check(good, "mkdir /w on the disk", "errno %d", errno);
		small_files();
		big_files();
		append_truncate();
		unlink_dirs_rename();
		many_names();
		killed_writer();
	}
	printf("1..%d\n", tap_count());
	return tap_done();
}
