/*
 * The fs server from a process's side, through libsys's POSIX calls:
 * the disk's files read byte for byte (tools/mkdisk.py made them, with the
 * same pattern), directories, stat, offsets shared by fork and dup,
 * pipes (EOF after the writer ends; a reader blocked while others are
 * served), /dev, /tmp, the read-only disk, exec and spawn inheriting
 * descriptors, programs run from the file system (the disk's, a copy
 * cp made; what may not run; bss zero, .data private), and every bad
 * input with its POSIX error.
 *
 *   fstest               / is the disk (tools/mkdisk.py's image)
 *   fstest --bootfs-only / is the bootfs: no disk, or one that did not mount
 *   fstest --damaged     the disk of mkdisk.py --damage damaged (EIO; a directory loop)
 *   fstest --ro          / is the disk mounted read-only ("ro" on the command line): EROFS
 *
 * TAP on stdout (the plan last); exits with the failures (at most 31).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <faultline/fs.h>
#include <faultline/pager.h>
#include <faultline/process.h>
#include "tap.h"

/* tools/mkdisk.py's tree */
#define MOTD		"Faultline: this line comes from the ext2 disk.\n"
#define BIG_SIZE	(200 * 1024 + 77)
#define HUGE_SIZE	(4 * 1024 * 1024 + 64 * 1024 + 3)
#define BOOT_MOTD_SIZE	142	/* user/bootfs/etc/motd */

static unsigned char pattern(size_t i)
{
	return (unsigned char)(i * 131 + i / 4096);
}

/* The first offset in buf (of len bytes, from file offset off) not the pattern, or -1. */
static long bad_pattern(const unsigned char *buf, size_t len, size_t off)
{
	for (size_t i = 0; i < len; i++)
		if (buf[i] != pattern(off + i))
			return (long)(off + i);
	return -1;
}

/* ok if r is -1 with errno err */
static void check_err(long r, int err, const char *name)
{
	int e = errno;

	check(r == -1 && e == err, name, "got %ld, errno %d (%s); want errno %d (%s)", r, e,
	      strerror(e), err, strerror(err));
}

/* The whole of a file: its bytes (malloc'd), their count in *len; NULL on an error. */
static unsigned char *slurp(const char *path, size_t chunk, size_t *len)
{
	int fd = open(path, O_RDONLY);
	size_t cap = 1 << 16, n = 0;
	unsigned char *buf;

	if (fd < 0 || !(buf = malloc(cap)))
		return NULL;
	for (;;) {
		unsigned char *bigger;
		ssize_t r;

		if (n + chunk > cap) {
			while (n + chunk > cap)
				cap *= 2;
			if (!(bigger = realloc(buf, cap))) {
				free(buf);
				close(fd);
				return NULL;
			}
			buf = bigger;
		}
		r = read(fd, buf + n, chunk);
		if (r < 0) {
			free(buf);
			close(fd);
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	*len = n;
	return buf;
}

/* Whether directory path lists each of names (NULL-ended), with the type where given. */
static bool lists(const char *path, const char *const *names, const unsigned char *types,
		  int *count)
{
	bool found[32] = { false };
	struct dirent *e;
	int n = 0, k;
	DIR *d = opendir(path);

	if (!d)
		return false;
	while ((e = readdir(d))) {
		n++;
		for (k = 0; names[k]; k++)
			if (strcmp(e->d_name, names[k]) == 0 &&
			    (!types || types[k] == DT_UNKNOWN || e->d_type == types[k]))
				found[k] = true;
	}
	closedir(d);
	if (count)
		*count = n;
	for (k = 0; names[k]; k++)
		if (!found[k]) {
			printf("# %s: %s missing (or of another type)\n", path, names[k]);
			return false;
		}
	return true;
}

static pid_t child(void)
{
	fflush(stdout);
	return fork();
}

static int status_of(pid_t pid)
{
	int st = -1;

	return waitpid(pid, &st, 0) == pid ? st : -1;
}

static bool exited0(int st)
{
	return st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* ---- the disk ----------------------------------------------------------- */

static void disk_files(void)
{
	unsigned char *buf;
	size_t len = 0;
	struct stat st;
	char small[64];
	int fd;

	buf = slurp("/etc/motd", 4096, &len);
	check(buf && len == strlen(MOTD) && memcmp(buf, MOTD, len) == 0, "read /etc/motd",
	      "%zu bytes: %.*s", len, buf ? (int)len : 0, buf ? (char *)buf : "");
	free(buf);

	buf = slurp("/data/big", BIG_SIZE + 100, &len);
	check(buf && len == BIG_SIZE && bad_pattern(buf, len, 0) < 0,
	      "read /data/big in one read (indirect blocks)", "%zu bytes, first bad at %ld", len,
	      buf ? bad_pattern(buf, len, 0) : -2);
	free(buf);
	buf = slurp("/data/big", 1000, &len);
	check(buf && len == BIG_SIZE && bad_pattern(buf, len, 0) < 0,
	      "read /data/big in 1000-byte reads", "%zu bytes", len);
	free(buf);
	buf = slurp("/data/huge", 65536, &len);
	check(buf && len == HUGE_SIZE && bad_pattern(buf, len, 0) < 0,
	      "read /data/huge (double indirect)", "%zu bytes, first bad at %ld", len,
	      buf ? bad_pattern(buf, len, 0) : -2);
	free(buf);

	fd = open("/data/big", O_RDONLY);
	{
		static const long offs[] = { 0, 4095, 49151, 49152, 200000, BIG_SIZE - 3 };
		bool good = fd >= 0;

		for (unsigned i = 0; good && i < sizeof(offs) / sizeof(offs[0]); i++) {
			unsigned char b[8];
			ssize_t r = pread(fd, b, sizeof(b), offs[i]);
			long want = BIG_SIZE - offs[i] < 8 ? BIG_SIZE - offs[i] : 8;

			good = r == want && bad_pattern(b, (size_t)r, (size_t)offs[i]) < 0;
		}
		check(good && lseek(fd, 0, SEEK_CUR) == 0, "pread at offsets, the offset untouched",
		      "fd %d", fd);
	}
	check(lseek(fd, 0, SEEK_END) == BIG_SIZE && read(fd, small, 10) == 0 &&
	      lseek(fd, -10, SEEK_END) == BIG_SIZE - 10 && lseek(fd, 5, SEEK_CUR) == BIG_SIZE - 5 &&
	      read(fd, small, 10) == 5 && lseek(fd, BIG_SIZE + 1000, SEEK_SET) == BIG_SIZE + 1000 &&
	      read(fd, small, 10) == 0,
	      "lseek SEEK_SET/CUR/END; reads at and past the end give 0", "errno %d", errno);
	close(fd);

	check(stat("/data/empty", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0 &&
	      (buf = slurp("/data/empty", 100, &len)) && len == 0, "an empty file", "errno %d",
	      errno);
	check(stat("/etc/motd", &st) == 0 && S_ISREG(st.st_mode) &&
	      st.st_size == (off_t)strlen(MOTD) && st.st_nlink == 1,
	      "stat /etc/motd: a regular file, its size", "mode %o size %ld", (unsigned)st.st_mode,
	      (long)st.st_size);
	check(stat("/data/huge", &st) == 0 && st.st_size == HUGE_SIZE && st.st_blocks >= HUGE_SIZE / 512,
	      "stat /data/huge: size and blocks", "size %ld blocks %ld", (long)st.st_size,
	      (long)st.st_blocks);
	{
		struct stat fst;

		fd = open("/data/big", O_RDONLY);
		check(fd >= 0 && fstat(fd, &fst) == 0 && stat("/data/big", &st) == 0 &&
		      fst.st_ino == st.st_ino && fst.st_size == BIG_SIZE && fst.st_dev == st.st_dev,
		      "fstat agrees with stat", "fd %d", fd);
		close(fd);
	}
	check(stat("/", &st) == 0 && S_ISDIR(st.st_mode) && stat("/a/b/c", &st) == 0 &&
	      S_ISDIR(st.st_mode), "stat of directories", "mode %o", (unsigned)st.st_mode);
	{
		struct stat target;
		int r = lstat("/link", &st), e = errno;

		check(r == 0 && S_ISLNK(st.st_mode) && st.st_size == 8 && stat("/link", &target) == 0 &&
		      S_ISREG(target.st_mode) && target.st_size == (off_t)strlen(MOTD),
		      "lstat of a symlink: itself (8 bytes: etc/motd); stat: what it names",
		      "r %d errno %d mode %o size %lld", r, e, (unsigned)st.st_mode,
		      (long long)st.st_size);
	}

	{
		static const char *const root[] = { ".", "..", "a", "bin", "data", "etc", "link", NULL };
		static const unsigned char rtypes[] = { DT_DIR, DT_DIR, DT_DIR, DT_DIR, DT_DIR, DT_DIR,
							DT_LNK };
		static const char *const bin[] = { "sh", "cat", "ls", "echo", "fstest", NULL };
		static const unsigned char btypes[] = { DT_REG, DT_REG, DT_REG, DT_REG, DT_REG };
		static const char *const deep[] = { "deep.txt", NULL };
		int n1 = 0, n2 = -1;
		DIR *d;

		check(lists("/", root, rtypes, NULL), "readdir /: names and types", "-");
		check(lists("/bin", bin, btypes, NULL), "readdir /bin", "-");
		check(lists("/a/b/c", deep, NULL, &n1) && n1 == 3, "readdir of a nested directory",
		      "%d entries", n1);
		if ((d = opendir("/a"))) {
			n1 = 0;
			while (readdir(d))
				n1++;
			rewinddir(d);
			n2 = 0;
			while (readdir(d))
				n2++;
			closedir(d);
		}
		check(d && n1 == 5 && n2 == n1, "rewinddir reads it again", "%d then %d", n1, n2);
	}
}

/* Relative paths against libsys's working directory. */
static void cwd_paths(void)
{
	char buf[256] = "";
	unsigned char *data;
	size_t len = 0;

	check(chdir("/a/b") == 0 && getcwd(buf, sizeof(buf)) && strcmp(buf, "/a/b") == 0 &&
	      (data = slurp("c/deep.txt", 100, &len)) && len == 5 && memcmp(data, "deep\n", 5) == 0,
	      "chdir, getcwd, a relative path", "cwd %s, %zu bytes", buf, len);
	check(chdir("../../etc") == 0 && getcwd(buf, sizeof(buf)) && strcmp(buf, "/etc") == 0 &&
	      access("motd", R_OK) == 0, "chdir with ..", "cwd %s", buf);
	check_err(chdir("motd"), ENOTDIR, "chdir to a file: ENOTDIR");
	chdir("/");
}

/* ---- descriptors shared ------------------------------------------------- */

static void sharing(const char *file, size_t size)
{
	unsigned char b[16];
	int fd = open(file, O_RDONLY), fd2, st;
	pid_t pid;

	/* fork: parent and child read one description alternately */
	check(fd >= 0 && read(fd, b, 10) == 10, "open and read", "fd %d", fd);
	pid = child();
	if (pid == 0) {
		unsigned char c[10];

		_exit(read(fd, c, 10) == 10 && lseek(fd, 0, SEEK_CUR) == 20 ? 0 : 1);
	}
	st = status_of(pid);
	check(exited0(st) && lseek(fd, 0, SEEK_CUR) == 20 && read(fd, b, 10) == 10 &&
	      lseek(fd, 0, SEEK_CUR) == 30,
	      "fork shares the offset: child reads 10..19, then the parent 20..29", "status %#x", st);
	if (size == BIG_SIZE)
		check(bad_pattern(b, 10, 20) < 0, "the parent's bytes after the child's read",
		      "first bad %ld", bad_pattern(b, 10, 20));

	fd2 = dup(fd);
	check(fd2 >= 0 && fd2 != fd && read(fd, b, 5) == 5 && lseek(fd2, 0, SEEK_CUR) == 35,
	      "dup shares the offset", "fd2 %d", fd2);
	check(dup2(fd, 40) == 40 && lseek(40, 100, SEEK_SET) == 100 && lseek(fd, 0, SEEK_CUR) == 100,
	      "dup2 shares the offset", "errno %d", errno);
	check(dup2(fd, fd) == fd, "dup2 onto itself", "errno %d", errno);
	check(close(fd) == 0 && read(fd2, b, 1) == 1 && lseek(40, 0, SEEK_CUR) == 101,
	      "close of one leaves the others", "errno %d", errno);
	check(dup2(fd2, 40) == 40 && lseek(40, 0, SEEK_CUR) == 101, "dup2 over an open fd closes it",
	      "errno %d", errno);
	close(40);
	close(fd2);
	check_err(dup(fd), EBADF, "dup of a closed fd: EBADF");
	check_err(dup2(0, FL_FS_FDS_MAX), EBADF, "dup2 to fd FL_FS_FDS_MAX: EBADF");
}

/* ---- pipes ---------------------------------------------------------------- */

static void pipes(void)
{
	char buf[64] = "";
	int p[2] = { -1, -1 }, q[2], st, stb;
	pid_t a, b;
	ssize_t n, m;
	struct stat s;

	/* EOF after the writer, a child, exits without closing */
	check(pipe(p) == 0 && p[0] >= 0 && p[1] >= 0 && p[0] != p[1], "pipe", "errno %d", errno);
	a = child();
	if (a == 0) {
		close(p[0]);
		_exit(write(p[1], "hello", 5) == 5 ? 0 : 1);
	}
	close(p[1]);
	n = read(p[0], buf, sizeof(buf));
	m = read(p[0], buf + 5, sizeof(buf) - 5);
	st = status_of(a);
	check(n == 5 && memcmp(buf, "hello", 5) == 0 && m == 0 && exited0(st),
	      "a pipe: the child's bytes, then EOF when it has exited", "%zd then %zd", n, m);
	check(fstat(p[0], &s) == 0 && S_ISFIFO(s.st_mode), "fstat of a pipe: S_IFIFO", "mode %o",
	      (unsigned)s.st_mode);
	check_err(lseek(p[0], 0, SEEK_SET), ESPIPE, "lseek on a pipe: ESPIPE");
	check_err(write(p[0], "x", 1), EBADF, "write to a pipe's read end: EBADF");
	close(p[0]);

	/* a reader blocked on an empty pipe while another client is served */
	pipe(p);
	a = child();
	if (a == 0) {
		close(p[1]);
		n = read(p[0], buf, sizeof(buf));
		_exit(n == 4 && memcmp(buf, "wake", 4) == 0 ? 0 : 1);
	}
	b = child();
	if (b == 0) {
		size_t len = 0;
		unsigned char *data = slurp("/etc/passwd", 512, &len);
		int ok = data && len > 0 && stat("/bin", &s) == 0;

		if (!data) {	/* --bootfs-only: no /etc/passwd; the bootfs motd will do */
			data = slurp("/etc/motd", 512, &len);
			ok = data && len > 0;
		}
		_exit(ok ? 0 : 1);
	}
	stb = status_of(b);
	{
		int st0 = -1;
		pid_t early = waitpid(a, &st0, WNOHANG);

		check(exited0(stb) && early == 0,
		      "a reader blocked on an empty pipe; another child meanwhile opens and reads a file",
		      "other child %#x, reader %d", stb, (int)early);
	}
	n = write(p[1], "wake", 4);
	close(p[1]);
	close(p[0]);
	st = status_of(a);
	check(n == 4 && exited0(st), "then the write wakes the blocked reader", "status %#x", st);

	/* more than one request's worth through a pipe */
	pipe(q);
	a = child();
	if (a == 0) {
		static unsigned char big[10000];

		close(q[0]);
		for (size_t i = 0; i < sizeof(big); i++)
			big[i] = pattern(i);
		_exit(write(q[1], big, sizeof(big)) == (ssize_t)sizeof(big) ? 0 : 1);
	}
	close(q[1]);
	{
		static unsigned char got[12000];
		size_t have = 0;

		while ((n = read(q[0], got + have, sizeof(got) - have)) > 0)
			have += (size_t)n;
		st = status_of(a);
		check(have == 10000 && bad_pattern(got, have, 0) < 0 && exited0(st),
		      "10000 bytes through a pipe", "%zu bytes, status %#x", have, st);
	}
	close(q[0]);

	/* write with no reader: EPIPE (no signals yet) */
	pipe(q);
	close(q[0]);
	check_err(write(q[1], "x", 1), EPIPE, "write to a pipe without readers: EPIPE");
	close(q[1]);
}

/* ---- exec and spawn inherit descriptors --------------------------------- */

/* exec and spawn, with file (one that reads well) for cat. */
static void programs(const char *file)
{
	char buf[256] = "";
	int p[2], saved, st;
	ssize_t n, have = 0;
	struct stat s;
	pid_t pid;

	pipe(p);
	pid = child();
	if (pid == 0) {
		char *argv[] = { "echo", "from", "", "exec", NULL };	/* an empty one passes */

		close(p[0]);
		dup2(p[1], 1);
		close(p[1]);
		execv("/bin/echo", argv);
		_exit(99);
	}
	close(p[1]);
	while ((n = read(p[0], buf + have, sizeof(buf) - 1 - (size_t)have)) > 0)
		have += n;
	buf[have] = 0;
	close(p[0]);
	st = status_of(pid);
	check(strcmp(buf, "from  exec\n") == 0 && exited0(st),
	      "fork, dup2 onto stdout, execv /bin/echo with an empty argument: its output in the pipe",
	      "'%s' status %#x", buf, st);

	pipe(p);
	fflush(stdout);
	saved = dup(1);
	dup2(p[1], 1);
	close(p[1]);
	{
		char *argv[] = { "cat", (char *)file, NULL };

		pid = fl_spawn("/bin/cat", argv);
	}
	dup2(saved, 1);
	close(saved);
	have = 0;
	while ((n = read(p[0], buf + have, sizeof(buf) - 1 - (size_t)have)) > 0)
		have += n;
	buf[have] = 0;
	close(p[0]);
	st = pid > 0 ? status_of(pid) : -1;
	check(pid > 0 && exited0(st) && stat(file, &s) == 0 && have == (ssize_t)s.st_size,
	      "spawn /bin/cat with stdout on a pipe: the file arrives", "pid %d status %#x, %zd bytes",
	      pid, st, have);
	{
		char *argv[] = { "nosuch", NULL };

		check_err(execv("/bin/nosuch", argv), ENOENT, "execv of no such program: ENOENT");
	}
}

/* ---- programs from the file system ---------------------------------------- */

/* A program's .data, and .bss from where its file bytes end (the page they share). */
static int data_word = 12345;
static unsigned char bss_bytes[6000];

/* An ELF64 program header. */
struct phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

/*
 * The bss bytes in the page the data segment's file bytes end in (the
 * program headers read from path, this program's file): zero, however
 * the file goes on past the segment. fstest's own statics come first in
 * .bss (main.o is linked first) and fill that page; none is written
 * before data_check runs.
 */
static int straddle_bad(const char *path)
{
	static unsigned char head[4096];
	const struct phdr *ph;
	uint64_t phoff;
	uint16_t n;
	int fd = open(path, O_RDONLY);
	ssize_t got = fd >= 0 ? read(fd, head, sizeof(head)) : -1;

	close(fd);
	if (got < 64)
		return 1;
	memcpy(&phoff, head + 32, 8);
	memcpy(&n, head + 56, 2);
	if (phoff + (uint64_t)n * sizeof(*ph) > (uint64_t)got)
		return 1;
	ph = (const struct phdr *)(head + phoff);
	for (unsigned i = 0; i < n; i++) {
		uint64_t from = ph[i].vaddr + ph[i].filesz, to = (from + 4095) & ~4095ul;

		if (ph[i].type != 1 || ph[i].filesz >= ph[i].memsz)
			continue;		/* not PT_LOAD, or no bss */
		if (to > ph[i].vaddr + ph[i].memsz)
			to = ph[i].vaddr + ph[i].memsz;
		for (const unsigned char *b = (const unsigned char *)from; b < (const unsigned char *)to; b++)
			if (*b)
				return 1;
		return 0;
	}
	return 1;
}

/*
 * fstest --data PATH (a child run from PATH): its .data as the file has
 * it and its .bss zero (the page where .data ends too); then both written
 * (a private copy: the next run sees the file's again). Exits 0 if so.
 */
static int data_check(const char *path)
{
	int bad = data_word != 12345 || straddle_bad(path);

	for (size_t i = 0; i < sizeof(bss_bytes); i++)
		bad |= bss_bytes[i] != 0;
	data_word = 54321;
	memset(bss_bytes, 0xee, sizeof(bss_bytes));
	return bad;
}

/* fstest --closed FD (a child): exits 0 if FD is not open. */
static int closed_check(const char *fd)
{
	struct stat st;

	return fstat(atoi(fd), &st) == -1 && errno == EBADF ? 0 : 1;
}

static int run(const char *path, char *const argv[])
{
	pid_t pid = fl_spawn(path, argv);

	return pid > 0 ? status_of(pid) : -1;
}

/* path made with mode and the bytes of data (len of them). */
static void make_file(const char *path, unsigned mode, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	write(fd, data, len);
	close(fd);
}

static void put(unsigned char *at, uint64_t v, size_t n)
{
	memcpy(at, &v, n);		/* little-endian, as both machines are */
}

/*
 * An ELF executable of this machine (8 KiB) that may not run: its program
 * header at phoff (past the first page: not read), its one segment's file
 * offset and address disagreeing modulo a page (misaligned).
 */
static void make_bad_elf(const char *path, uint64_t phoff, bool misaligned)
{
	static unsigned char f[8192];
	unsigned char *ph = f + phoff;

	memset(f, 0, sizeof(f));
	memcpy(f, "\177ELF\2\1\1", 7);
	put(f + 16, 2, 2);			/* ET_EXEC */
	put(f + 18, strcmp(fl_platform(), "x86_64") ? 183 : 62, 2);
	put(f + 20, 1, 4);
	put(f + 24, 0x400010, 8);		/* the entry */
	put(f + 32, phoff, 8);
	put(f + 52, 64, 2);
	put(f + 54, 56, 2);
	put(f + 56, 1, 2);
	put(ph, 1, 4);				/* PT_LOAD */
	put(ph + 4, 5, 4);			/* R X */
	put(ph + 8, misaligned ? 0x10 : 0, 8);
	put(ph + 16, 0x400000, 8);
	put(ph + 32, 0x100, 8);
	put(ph + 40, 0x100, 8);
	put(ph + 48, 0x1000, 8);
	make_file(path, 0755, (const char *)f, sizeof(f));
}

/*
 * spawn and exec resolve the program through the fs server as open does:
 * what may not run, and the descriptor libsys opens for it neither
 * inherited nor left behind; bss zero and .data private (run twice).
 */
static void launch_errors(void)
{
	char *argv[] = { "x", NULL };
	char *data[] = { "fstest", "--data", "/bin/fstest", NULL };
	char *closed[] = { "fstest", "--closed", "", NULL };
	char num[16];
	int low = dup(0), st;

	close(low);
	make_file("/tmp/notelf", 0755, "#!/bin/sh\necho not an ELF\n", 26);
	make_file("/tmp/empty", 0755, "", 0);
	check_err(execv("/etc/motd", argv), EACCES, "execv of a file without an execute bit: EACCES");
	check_err(execv("/bin", argv), EACCES, "execv of a directory: EACCES");
	check_err(execv("/dev/null", argv), EACCES, "execv of a device: EACCES");
	check_err(execv("/tmp/notelf", argv), ENOEXEC,
		  "execv of an executable file not a program: ENOEXEC");
	check_err(execv("/tmp/empty", argv), ENOEXEC, "execv of an empty executable file: ENOEXEC");
	make_bad_elf("/tmp/badelf", 4096, false);
	check_err(execv("/tmp/badelf", argv), ENOEXEC,
		  "execv of an ELF whose program headers are past its first page: ENOEXEC");
	make_bad_elf("/tmp/badelf", 64, true);
	check_err(execv("/tmp/badelf", argv), ENOEXEC,
		  "execv of an ELF whose segment is misaligned: ENOEXEC, the caller still here");
	make_bad_elf("/tmp/badelf", 64, false);
	st = run("/tmp/badelf", argv);
	check(st > 0 && WIFSIGNALED(st),
	      "the same ELF aligned runs (killed on its zeroed text): the check was the cause",
	      "status %#x", st);
	unlink("/tmp/badelf");
	check_err(fl_spawn("/tmp/notelf", argv), ENOEXEC, "spawn of a file not a program: ENOEXEC");
	check_err(fl_spawn("/etc", argv), EACCES, "spawn of a directory: EACCES");
	check_err(fl_spawn("/nosuch/x", argv), ENOENT, "spawn of no such file: ENOENT");
	check(dup(0) == low && close(low) == 0, "the descriptors the failed calls opened are closed",
	      "-");
	snprintf(num, sizeof(num), "%d", low);
	closed[2] = num;
	st = run("/bin/fstest", closed);
	check(exited0(st) && dup(0) == low && close(low) == 0,
	      "a spawned child inherits not the descriptor its program was opened with",
	      "fd %d, status %#x", low, st);
	st = run("/bin/fstest", data);
	check(exited0(st), "a spawned program's .bss is zero (the page where .data ends too)",
	      "status %#x", st);
	st = run("/bin/fstest", data);
	check(exited0(st), "its .data written before is the file's again in the next run",
	      "status %#x", st);
	chdir("/bin");
	st = run("fstest", data);
	chdir("/");
	check(exited0(st), "spawn of a path relative to the working directory", "status %#x", st);
	unlink("/tmp/notelf");
	unlink("/tmp/empty");
}

/* ---- devices, /tmp, the read-only disk -------------------------------------- */

static void devices(void)
{
	char buf[100];
	struct stat st;
	int fd = open("/dev/null", O_RDWR);

	check(fd >= 0 && write(fd, "abc", 3) == 3 && read(fd, buf, sizeof(buf)) == 0 &&
	      fstat(fd, &st) == 0 && S_ISCHR(st.st_mode), "/dev/null", "fd %d", fd);
	close(fd);
	memset(buf, 1, sizeof(buf));
	fd = open("/dev/zero", O_RDONLY);
	check(fd >= 0 && read(fd, buf, sizeof(buf)) == (ssize_t)sizeof(buf) && !buf[0] &&
	      !memcmp(buf, buf + 1, sizeof(buf) - 1), "/dev/zero", "fd %d", fd);
	close(fd);
	fd = open("/dev/null", O_RDONLY);
	check(isatty(1) && !isatty(-1) && !isatty(fd), "isatty: stdout is the console; /dev/null is not",
	      "fd %d", fd);
	close(fd);
	check(fstat(1, &st) == 0 && S_ISCHR(st.st_mode) && stat("/dev/console", &st) == 0,
	      "stdout and /dev/console are character devices", "mode %o", (unsigned)st.st_mode);
}

static void tmp(void)
{
	static unsigned char big[10000], back[10000];
	char buf[64] = "";
	struct stat st;
	int fd;

	fd = open("/tmp/t1", O_CREAT | O_WRONLY | O_EXCL, 0644);
	check(fd >= 0 && write(fd, "hello, ", 7) == 7 && write(fd, "tmp\n", 4) == 4 && close(fd) == 0,
	      "/tmp: create and write", "fd %d errno %d", fd, errno);
	fd = open("/tmp/t1", O_RDONLY);
	check(fd >= 0 && read(fd, buf, sizeof(buf)) == 11 && memcmp(buf, "hello, tmp\n", 11) == 0,
	      "/tmp: read back", "'%s'", buf);
	close(fd);
	check_err(open("/tmp/t1", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST,
		  "O_CREAT|O_EXCL on an existing file: EEXIST");
	fd = open("/tmp/t1", O_WRONLY | O_APPEND);
	check(fd >= 0 && lseek(fd, 0, SEEK_SET) == 0 && write(fd, "more\n", 5) == 5 &&
	      stat("/tmp/t1", &st) == 0 && st.st_size == 16, "O_APPEND writes at the end",
	      "size %ld", (long)st.st_size);
	close(fd);
	fd = open("/tmp/t1", O_RDWR | O_TRUNC);
	check(fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 0, "O_TRUNC empties it", "size %ld",
	      (long)st.st_size);
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = pattern(i);
	check(write(fd, big, sizeof(big)) == (ssize_t)sizeof(big) && lseek(fd, 0, SEEK_SET) == 0 &&
	      read(fd, back, sizeof(back)) == (ssize_t)sizeof(back) && !memcmp(big, back, sizeof(big)),
	      "10000 bytes written and read back (several requests)", "errno %d", errno);
	check(pwrite(fd, "XY", 2, 20000) == 2 && fstat(fd, &st) == 0 && st.st_size == 20002 &&
	      pread(fd, back, 4, 15000) == 4 && !back[0] && !back[3],
	      "pwrite past the end: a hole of zeros", "size %ld", (long)st.st_size);
	check(ftruncate(fd, 5) == 0 && fstat(fd, &st) == 0 && st.st_size == 5, "ftruncate",
	      "size %ld", (long)st.st_size);
	check(fsync(fd) == 0, "fsync", "errno %d", errno);
	close(fd);
	check(rename("/tmp/t1", "/tmp/t2") == 0 && stat("/tmp/t2", &st) == 0 && st.st_size == 5,
	      "rename", "errno %d", errno);
	check_err(stat("/tmp/t1", &st), ENOENT, "the old name is gone: ENOENT");
	check(unlink("/tmp/t2") == 0, "unlink", "errno %d", errno);
	check_err(open("/tmp/t2", O_RDONLY), ENOENT, "open after unlink: ENOENT");
	check(mkdir("/tmp/d", 0755) == 0 && stat("/tmp/d", &st) == 0 && S_ISDIR(st.st_mode) &&
	      (fd = open("/tmp/d/f", O_CREAT | O_WRONLY, 0644)) >= 0 && close(fd) == 0,
	      "mkdir and a file in it", "errno %d", errno);
	check_err(mkdir("/tmp/d", 0755), EEXIST, "mkdir of an existing name: EEXIST");
	check_err(rmdir("/tmp/d"), ENOTEMPTY, "rmdir of a non-empty directory: ENOTEMPTY");
	check_err(unlink("/tmp/d"), EISDIR, "unlink of a directory: EISDIR");
	check(unlink("/tmp/d/f") == 0 && rmdir("/tmp/d") == 0, "rmdir", "errno %d", errno);
	check_err(rmdir("/tmp/d"), ENOENT, "rmdir again: ENOENT");
}

/* The bootfs is never writable; the disk when mounted with "ro" (fstest --ro). */
static void read_only(bool disk_ro)
{
	if (disk_ro) {
		check_err(open("/etc/new", O_CREAT | O_WRONLY, 0644), EROFS,
			  "create on the disk mounted ro: EROFS");
		check_err(open("/etc/motd", O_WRONLY), EROFS,
			  "open a disk file for writing (ro): EROFS");
		check_err(mkdir("/newdir", 0755), EROFS, "mkdir on the disk (ro): EROFS");
		check_err(unlink("/etc/motd"), EROFS, "unlink on the disk (ro): EROFS");
	}
	check_err(open("/boot/bin/new", O_CREAT | O_WRONLY, 0644), EROFS, "create in /boot: EROFS");
	check_err(unlink("/boot/etc/motd"), EROFS, "unlink in /boot: EROFS");
}

/* ---- bad input ------------------------------------------------------------- */

static void bad_input(void)
{
	static char longname[300], longpath[1500];
	char buf[16];
	struct stat st;
	int fd, fds[FL_FS_FDS_MAX + 8], n = 0;

	check_err(read(63, buf, 1), EBADF, "read of an fd never opened: EBADF");
	check_err(read(-1, buf, 1), EBADF, "read of fd -1: EBADF");
	check_err(write(1000, "x", 1), EBADF, "write to fd 1000: EBADF");
	check_err(close(63), EBADF, "close of an fd not open: EBADF");
	check_err(fstat(-5, &st), EBADF, "fstat of a bad fd: EBADF");
	fd = open("/etc/motd", O_RDONLY);
	close(fd);
	check_err(read(fd, buf, 1), EBADF, "read of a closed fd: EBADF");
	check_err(lseek(fd, 0, SEEK_SET), EBADF, "lseek of a closed fd: EBADF");
	fd = open("/etc/motd", O_RDONLY);
	check_err(write(fd, "x", 1), EBADF, "write to an fd opened O_RDONLY: EBADF");
	check_err(lseek(fd, 0, 42), EINVAL, "lseek with a bad whence: EINVAL");
	check_err(lseek(fd, -5, SEEK_SET), EINVAL, "lseek to a negative offset: EINVAL");
	check_err(pread(fd, buf, 1, -1), EINVAL, "pread at a negative offset: EINVAL");
	check_err(read(fd, NULL, 10), EFAULT, "read into NULL: EFAULT");
	check_err(read(fd, (void *)0x900000000000ul, 10), EFAULT,
		  "read into a kernel address: EFAULT");
	close(fd);
	fd = open("/tmp/w", O_CREAT | O_WRONLY, 0644);
	check_err(read(fd, buf, 1), EBADF, "read from an fd opened O_WRONLY: EBADF");
	close(fd);
	unlink("/tmp/w");
	check_err(write(1, (const void *)8, 5), EFAULT, "write from address 8: EFAULT");
	check_err(open(NULL, O_RDONLY), EFAULT, "open(NULL): EFAULT");
	check_err(stat("/etc/motd", NULL), EFAULT, "stat into NULL: EFAULT");
	check_err(pipe(NULL), EFAULT, "pipe(NULL): EFAULT");
	check_err(open("", O_RDONLY), ENOENT, "open of an empty path: ENOENT");
	check_err(open("/nope", O_RDONLY), ENOENT, "open of no such file: ENOENT");
	check_err(stat("/etc/nope", &st), ENOENT, "stat of no such file: ENOENT");
	check_err(open("/nodir/x", O_RDONLY), ENOENT, "a path through no such directory: ENOENT");
	check_err(open("/etc/motd/x", O_RDONLY), ENOTDIR, "a file used as a directory: ENOTDIR");
	check_err(open("/etc/motd", O_RDONLY | O_DIRECTORY), ENOTDIR, "O_DIRECTORY on a file: ENOTDIR");
	check(opendir("/etc/motd") == NULL && errno == ENOTDIR, "opendir of a file: ENOTDIR",
	      "errno %d", errno);
	check_err(open("/etc", O_WRONLY), EISDIR, "open a directory for writing: EISDIR");
	check_err(open("/tmp", O_RDWR), EISDIR, "open /tmp for writing: EISDIR");
	fd = open("/etc", O_RDONLY);
	check_err(read(fd, buf, sizeof(buf)), EISDIR, "read of a directory: EISDIR");
	close(fd);
	check_err(open("/etc/motd", O_ACCMODE), EINVAL, "open with access mode 3: EINVAL");
	check_err(open("/etc/motd", O_RDONLY | 0x40000000), EINVAL, "open with unknown flags: EINVAL");
	memset(longname, 'n', sizeof(longname) - 1);
	snprintf(longpath, sizeof(longpath), "/tmp/%s", longname);
	check_err(open(longpath, O_CREAT | O_WRONLY, 0644), ENAMETOOLONG,
		  "a name of 299 bytes: ENAMETOOLONG");
	memset(longpath, 'a', sizeof(longpath) - 1);
	for (size_t i = 0; i < sizeof(longpath) - 1; i += 10)
		longpath[i] = '/';
	check_err(stat(longpath, &st), ENAMETOOLONG, "a path of 1499 bytes: ENAMETOOLONG");
	while (n < (int)(sizeof(fds) / sizeof(fds[0])) && (fds[n] = open("/etc/motd", O_RDONLY)) >= 0)
		n++;
	check(n < (int)(sizeof(fds) / sizeof(fds[0])) && errno == EMFILE && n >= FL_FS_FDS_MAX - 8 &&
	      n <= FL_FS_FDS_MAX - 3, "open past FL_FS_FDS_MAX: EMFILE", "%d opened, errno %d", n,
	      errno);
	check_err(pipe((int[2]){ 0, 0 }), EMFILE, "pipe with no fds left: EMFILE");
	check_err(dup(0), EMFILE, "dup with no fds left: EMFILE");
	while (n > 0)
		close(fds[--n]);
	fd = open("/etc/motd", O_RDONLY);
	check(fd >= 0 && fd < 10, "fds are free again after closing", "fd %d", fd);
	close(fd);
}

/* ---- the other file systems as / -------------------------------------------- */

static void bootfs_root(void)
{
	static const char *const root[] = { "bin", "etc", NULL };
	static const char *const bin[] = { "fstest", "sh", "cat", "pager", NULL };
	struct stat st = { 0 };

	check(stat("/etc/motd", &st) == 0 && st.st_size == BOOT_MOTD_SIZE,
	      "/ is the bootfs: /etc/motd is its motd", "errno %d size %ld", errno, (long)st.st_size);
	check(lists("/", root, NULL, NULL) && lists("/bin", bin, NULL, NULL),
	      "readdir / and /bin of the bootfs", "-");
	check_err(stat("/data/big", &st), ENOENT, "no disk files: ENOENT");
	check_err(open("/etc/new", O_CREAT | O_WRONLY, 0644), EROFS, "create in the bootfs: EROFS");
}

static void damaged(void)
{
	char buf[64], loop[1100];
	struct stat st;
	unsigned char *data;
	size_t len = 0;
	int fd = open("/etc/motd", O_RDONLY);
	ssize_t r = fd >= 0 ? read(fd, buf, sizeof(buf)) : -1;

	check(r == -1 && errno == EIO, "a block number out of range: EIO", "open %d read %zd errno %d",
	      fd, r, errno);
	close(fd);
	check((data = slurp("/data/big", 4096, &len)) && len == BIG_SIZE &&
	      bad_pattern(data, len, 0) < 0, "the other files still read", "%zu bytes", len);
	check(stat("/a/b/c/up/b/c/deep.txt", &st) == 0 && S_ISREG(st.st_mode),
	      "a path once round a directory loop", "errno %d", errno);
	strcpy(loop, "/a");
	while (strlen(loop) + 8 < sizeof(loop) - 100)
		strcat(loop, "/b/c/up");
	/*
	 * POSIX has no error for a walk round a hard-linked loop: the VFS walks
	 * it like any path (ext2_resolve's bound would give ELOOP); either way
	 * the walk ends and the server goes on.
	 */
	errno = 0;
	{
		int r = stat(loop, &st);

		check((r == 0 && S_ISDIR(st.st_mode)) || (r == -1 && errno == ELOOP),
		      "a path round a directory loop 140 times: the directory, or ELOOP",
		      "r %d errno %d", r, errno);
	}
}

/* fstest --env NAME (a child of programs()): what it was started with. */
static int print_env(const char *name)
{
	char cwd[256];
	const char *v = getenv(name);

	printf("%s=%s cwd=%s\n", name, v ? v : "(unset)", getcwd(cwd, sizeof(cwd)) ? cwd : "?");
	return 0;
}

/* Run path with argv (spawned, or with envp exec'd in a forked child), stdout into buf: its status. */
static int output_of(const char *path, char *const argv[], char *const envp[], char *buf,
		     size_t size)
{
	int p[2], saved;
	ssize_t n, have = 0;
	pid_t pid;

	pipe(p);
	fflush(stdout);
	if (envp) {
		if ((pid = child()) == 0) {
			dup2(p[1], 1);
			close(p[0]);
			close(p[1]);
			execve(path, argv, envp);
			_exit(99);
		}
	} else {
		saved = dup(1);
		dup2(p[1], 1);
		pid = fl_spawn(path, argv);
		dup2(saved, 1);
		close(saved);
	}
	close(p[1]);
	while ((n = read(p[0], buf + have, size - 1 - (size_t)have)) > 0)
		have += n;
	buf[have] = 0;
	close(p[0]);
	return pid > 0 ? status_of(pid) : -1;
}

/* spawn passes the environment and the working directory (PWD); execve its envp. */
static void environment(void)
{
	char *const args[] = { "fstest", "--env", "FSTEST_VAR", NULL };
	char *const only[] = { "fstest", "--env", "ONLY", NULL };
	char *const env[] = { "ONLY=just this", "PWD=/etc", NULL };
	char out[256];

	setenv("FSTEST_VAR", "hello world", 1);
	chdir("/a/b");
	output_of("/bin/fstest", args, NULL, out, sizeof(out));
	check(!strcmp(out, "FSTEST_VAR=hello world cwd=/a/b\n"),
	      "spawn passes the environment and the working directory", "'%s'", out);
	output_of("/bin/fstest", only, env, out, sizeof(out));
	check(!strcmp(out, "ONLY=just this cwd=/etc\n"), "execve passes exactly its envp", "'%s'",
	      out);
	chdir("/");
	unsetenv("FSTEST_VAR");
}

/*
 * Programs from the disk (/ is ext2): one copied by cp to a path the
 * bootfs has not, and run from there; execvp's search of PATH.
 */
static void disk_programs(bool ro)
{
	char *cp[] = { "cp", "/bin/fstest", "/fstest-copy", NULL };
	char *data[] = { "fstest-copy", "--data", "/fstest-copy", NULL };
	char *const env[] = { "PATH=/nosuch:/etc:/a:/", "PWD=/", NULL };
	char *args[] = { "fstest", "--env", "PATH", NULL };
	char out[256];
	struct stat st;
	int s;

	if (ro)
		return;
	s = run("/bin/cp", cp);
	check(exited0(s) && stat("/fstest-copy", &st) == 0 && (st.st_mode & 0777) == 0755,
	      "cp of a program keeps its mode", "status %#x mode %o", s, st.st_mode);
	s = run("/fstest-copy", data);
	check(exited0(s), "the copy runs from the disk: its .data the file's, its .bss zero",
	      "status %#x", s);
	args[0] = "fstest-copy";
	s = output_of("/fstest-copy", args, env, out, sizeof(out));
	check(exited0(s) && !strncmp(out, "PATH=/nosuch:/etc:/a:/ ", 23),
	      "execve of the copy on the disk", "'%s' status %#x", out, s);
	if ((s = child()) == 0) {
		char *vp[] = { "fstest-copy", "--data", "/fstest-copy", NULL };

		setenv("PATH", "/nosuch:/etc:/a:/", 1);
		execvp("fstest-copy", vp);	/* found in the last directory */
		_exit(98);
	}
	s = status_of(s);
	check(exited0(s), "execvp searches PATH past missing directories", "status %#x", s);
	unlink("/fstest-copy");
}

int main(int argc, char **argv)
{
	bool bootfs_only = argc > 1 && strcmp(argv[1], "--bootfs-only") == 0;
	bool broken = argc > 1 && strcmp(argv[1], "--damaged") == 0;
	struct stat st;

	if (argc > 2 && strcmp(argv[1], "--env") == 0)
		return print_env(argv[2]);
	if (argc > 2 && strcmp(argv[1], "--data") == 0)
		return data_check(argv[2]);
	if (argc > 2 && strcmp(argv[1], "--closed") == 0)
		return closed_check(argv[2]);
	check(fl_fs() >= 0, "the process holds an fs server endpoint (AT_FL_FS)", "no AT_FL_FS");
	if (fl_fs() < 0) {
		printf("1..1\n");
		return tap_done();
	}
	check(stat("/boot/bin/fstest", &st) == 0 && S_ISREG(st.st_mode) &&
	      stat("/boot/etc/motd", &st) == 0 && st.st_size == BOOT_MOTD_SIZE,
	      "/boot is the bootfs", "errno %d", errno);
	if (bootfs_only) {
		bootfs_root();
		sharing("/etc/motd", BOOT_MOTD_SIZE);
	} else if (broken) {
		damaged();
	} else {
		disk_files();
		cwd_paths();
		environment();
		sharing("/data/big", BIG_SIZE);
		read_only(argc > 1 && strcmp(argv[1], "--ro") == 0);
		disk_programs(argc > 1 && strcmp(argv[1], "--ro") == 0);
	}
	pipes();
	devices();
	tmp();
	programs(bootfs_only ? "/etc/motd" : "/etc/passwd");
	launch_errors();
	bad_input();
	printf("1..%d\n", tap_count());
	return tap_done();
}
