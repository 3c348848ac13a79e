/*
 * newlib's file calls on Faultline, shared by processes (process.c) and
 * root tasks (root.c). A process the pager started with an fs server
 * holds its endpoint (AT_FL_FS): every descriptor is the fs server's
 * (faultline/fs.h, docs/fs.md), 0, 1 and 2 included. Without one (root
 * tasks; no fs server running) stdout and stderr go to the console and
 * nothing else is open (docs/newlib.md). Each function is defined under
 * newlib's underscore name with a weak plain alias (glue.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <faultline/abi.h>
#include <faultline/fs.h>
#include <faultline/msg.h>
#include <faultline/syscalls.gen.h>

#include "glue.h"

int fl_fs_endpoint = -1;
struct fl_ipc_buffer *fl_fs_ipcbuf;

/*
 * What this process knows of its own descriptors' kinds, to loop long
 * reads only on regular files (a pipe or the console that filled one
 * chunk may have nothing more and would block). Only this process changes
 * its table, so open, close, dup2 and pipe keep it right.
 */
enum { KIND_UNKNOWN, KIND_FILE, KIND_STREAM };
static unsigned char fd_kind[FL_FS_FDS_MAX];

static void set_kind(long fd, int kind)
{
	if (fd >= 0 && fd < FL_FS_FDS_MAX)
		fd_kind[fd] = (unsigned char)kind;
}

static int has_fs(void)
{
	return fl_fs_endpoint >= 0;
}

long fl_fs_call(uint32_t label, size_t bytes, uint64_t w0, uint64_t w1, uint64_t w2,
		uint64_t out[2])
{
	const uint64_t w[4] = { w0, w1, w2, 0 };
	struct fl_msg reply;
	long r;

	if (bytes % 8)		/* whole words, the tail zeroed */
		memset((char *)fl_fs_ipcbuf->words + bytes, 0, 8 - bytes % 8);
	r = fl_call_msg(fl_fs_endpoint, FL_TAG(label, (bytes + 7) / 8, 0), w, &reply);
	if (r < 0)
		return r;
	if (out) {
		out[0] = reply.w[1];
		out[1] = reply.w[2];
	}
	return (long)reply.w[0];
}

/* ---- the working directory (libsys's own: not inherited by spawn or exec) ---- */

static char cwd[FL_FS_PATH_MAX] = "/";

/*
 * Append the components of rel to the absolute path in out (len bytes of
 * it used, size in all), lexically: "." dropped, ".." takes one off.
 */
static long join(char *out, size_t len, size_t size, const char *rel)
{
	while (*rel) {
		const char *end = rel;
		size_t n;

		while (*end && *end != '/')
			end++;
		n = (size_t)(end - rel);
		if (n > FL_FS_NAME_MAX)
			return -ENAMETOOLONG;
		if (n == 0 || (n == 1 && rel[0] == '.')) {
			/* nothing */
		} else if (n == 2 && rel[0] == '.' && rel[1] == '.') {
			while (len > 1 && out[len - 1] != '/')
				len--;
			if (len > 1)
				len--;		/* the slash before the last name */
			out[len] = 0;
		} else {
			if (len + (len > 1) + n + 1 > size)
				return -ENAMETOOLONG;
			if (len > 1)
				out[len++] = '/';
			memcpy(out + len, rel, n);
			len += n;
			out[len] = 0;
		}
		rel = *end ? end + 1 : end;
	}
	return (long)len;
}

long fl_fs_put_path(const char *path, size_t at)
{
	char *to = (char *)fl_fs_ipcbuf->words + at;
	size_t room = FL_FS_PATH_MAX, len, name = 0;
	long r;

	if (fl_bad_ptr(path, 1))
		return -EFAULT;
	if (!path[0])
		return -ENOENT;
	len = strnlen(path, FL_FS_PATH_MAX);
	if (len >= FL_FS_PATH_MAX)
		return -ENAMETOOLONG;
	for (size_t i = 0; i < len; i++)	/* each name at most FL_FS_NAME_MAX bytes */
		if ((name = path[i] == '/' ? 0 : name + 1) > FL_FS_NAME_MAX)
			return -ENAMETOOLONG;
	if (path[0] == '/') {
		memcpy(to, path, len + 1);
		return (long)len + 1;
	}
	len = strlen(cwd);
	memcpy(to, cwd, len + 1);
	if ((r = join(to, len, room, path)) < 0)
		return r;
	return r + 1;
}

int chdir(const char *path)
{
	char buf[FL_FS_PATH_MAX];
	struct stat st;
	long r;

	if (!has_fs())
		return fail(ENOSYS);
	if (stat(path, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode))
		return fail(ENOTDIR);
	if (path[0] == '/') {
		strcpy(buf, "/");
		r = join(buf, 1, sizeof(buf), path + 1);
	} else {
		strcpy(buf, cwd);
		r = join(buf, strlen(buf), sizeof(buf), path);
	}
	if (r < 0)
		return fail((int)-r);
	strcpy(cwd, buf);
	setenv("PWD", cwd, 1);		/* so spawned and exec'd programs start there */
	return 0;
}

/*
 * The working directory lives in libsys: fork copies it with the memory,
 * and spawn and exec pass it in the environment as PWD (chdir keeps it
 * there). An absolute PWD that fits is taken at the start, unchecked: a
 * directory since removed makes relative paths fail with ENOENT.
 */
void fl_cwd_from_env(void)
{
	const char *pwd = getenv("PWD");

	if (pwd && pwd[0] == '/' && strlen(pwd) < sizeof(cwd))
		strcpy(cwd, pwd);
}

char *getcwd(char *buf, size_t size)
{
	size_t len = strlen(cwd) + 1;

	if (!buf) {
		if (!size)
			size = len;
		if (!(buf = malloc(size))) {
			errno = ENOMEM;
			return NULL;
		}
	}
	if (size < len) {
		errno = size ? ERANGE : EINVAL;
		return NULL;
	}
	return memcpy(buf, cwd, len);
}

/* ---- descriptors ---------------------------------------------------------- */

static int console_write(const void *buf, size_t len)
{
	const char *p = buf;
	size_t left = len;

	while (left) {
		size_t n = left < FL_CONSOLE_WRITE_MAX ? left : FL_CONSOLE_WRITE_MAX;
		long r = fl_console_write(p, n);

		if (r < 0)
			return fail((int)-r);
		p += n;
		left -= n;
	}
	return (int)len;
}

/* The kind of fd, asked once (fstat) and remembered. */
static int kind_of(int fd)
{
	struct stat st;

	if (fd < 0 || fd >= FL_FS_FDS_MAX)
		return KIND_STREAM;
	if (fd_kind[fd] == KIND_UNKNOWN && fstat(fd, &st) == 0)
		fd_kind[fd] = S_ISREG(st.st_mode) ? KIND_FILE : KIND_STREAM;
	return fd_kind[fd];
}

/*
 * read, write, pread and pwrite (offset >= 0): FL_FS_IO_MAX bytes a
 * request. A write goes on until all is written, as a blocking write
 * must (a pipe takes what fits, and the server holds the next request
 * until a reader makes room), or nothing more goes (a full disk). A read
 * goes on only on a regular file, until a request returns less (the end):
 * a pipe or the console that filled one request may have nothing more,
 * and would block.
 */
static ssize_t transfer(int fd, void *buf, size_t len, off_t offset, int writing)
{
	static const uint32_t labels[2][2] = {
		{ FL_FS_READ, FL_FS_PREAD }, { FL_FS_WRITE, FL_FS_PWRITE },
	};
	char *p = buf;
	size_t done = 0;

	if (len && fl_bad_ptr(buf, len))
		return fail(EFAULT);
	do {
		size_t n = len - done < FL_FS_IO_MAX ? len - done : FL_FS_IO_MAX;
		long r;

		if (writing)
			memcpy(fl_fs_ipcbuf->words, p + done, n);
		r = fl_fs_call(labels[writing][offset >= 0], writing ? n : 0, (uint64_t)fd, n,
			       offset >= 0 ? (uint64_t)(offset + (off_t)done) : 0, NULL);
		if (r < 0) {
			if (done)
				break;
			return fail((int)-r);
		}
		if ((size_t)r > n)
			return fail(EIO);
		if (!writing)
			memcpy(p + done, fl_fs_ipcbuf->words, (size_t)r);
		done += (size_t)r;
		if (writing ? r == 0 : (size_t)r < n || kind_of(fd) != KIND_FILE)
			break;
	} while (done < len);
	return (ssize_t)done;
}

int _write(int fd, const void *buf, size_t len)
{
	if (!has_fs())
		return fd == 1 || fd == 2 ? console_write(buf, len) : fail(EBADF);
	return (int)transfer(fd, (void *)buf, len, -1, 1);
}
int write(int fd, const void *buf, size_t len) ALIAS(write);

ssize_t pwrite(int fd, const void *buf, size_t len, off_t offset)
{
	if (!has_fs())
		return fail(fd == 1 || fd == 2 ? ESPIPE : EBADF);
	if (offset < 0)
		return fail(EINVAL);
	return transfer(fd, (void *)buf, len, offset, 1);
}

int _read(int fd, void *buf, size_t len)
{
	if (!has_fs())
		return fail(fd == 0 ? ENOSYS : EBADF);	/* console input: the fs server's */
	return (int)transfer(fd, buf, len, -1, 0);
}
int read(int fd, void *buf, size_t len) ALIAS(read);

ssize_t pread(int fd, void *buf, size_t len, off_t offset)
{
	if (!has_fs())
		return fail(fd >= 0 && fd <= 2 ? ESPIPE : EBADF);
	if (offset < 0)
		return fail(EINVAL);
	return transfer(fd, buf, len, offset, 0);
}

int _open(const char *path, int flags, ...)
{
	va_list ap;
	unsigned mode;
	long r;

	va_start(ap, flags);
	mode = (flags & O_CREAT) ? va_arg(ap, unsigned) : 0;
	va_end(ap);
	if (!has_fs())
		return fail(ENOSYS);			/* files: the fs server's */
	/* what the protocol knows; O_NOCTTY, O_SYNC and O_CLOEXEC are dropped (not yet) */
	flags &= ~(O_NOCTTY | O_SYNC | O_CLOEXEC);
	if ((flags & O_ACCMODE) == O_ACCMODE ||
	    (flags & ~(O_ACCMODE | O_APPEND | O_CREAT | O_TRUNC | O_EXCL | O_NONBLOCK | O_DIRECTORY)))
		return fail(EINVAL);
	if ((r = fl_fs_put_path(path, 0)) < 0)
		return fail((int)-r);
	r = fl_fs_call(FL_FS_OPEN, (size_t)r, (uint64_t)(unsigned)flags, mode, 0, NULL);
	set_kind(r, KIND_UNKNOWN);
	return (int)fl_result(r);
}
int open(const char *path, int flags, ...) ALIAS(open);

int creat(const char *path, mode_t mode)
{
	return open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
}

int _close(int fd)
{
	if (!has_fs())
		return fd >= 0 && fd <= 2 ? 0 : fail(EBADF);
	set_kind(fd, KIND_UNKNOWN);
	return (int)fl_result(fl_fs_call(FL_FS_CLOSE, 0, (uint64_t)fd, 0, 0, NULL));
}
int close(int fd) ALIAS(close);

off_t _lseek(int fd, off_t off, int whence)
{
	if (!has_fs())
		return fail(fd >= 0 && fd <= 2 ? ESPIPE : EBADF);
	if (whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END)
		return fail(EINVAL);
	return fl_result(fl_fs_call(FL_FS_LSEEK, 0, (uint64_t)fd, (uint64_t)off,
				    (uint64_t)whence, NULL));
}
off_t lseek(int fd, off_t off, int whence) ALIAS(lseek);

/* struct fl_stat (the fs server's) as newlib's struct stat. */
static void to_stat(struct stat *st)
{
	struct fl_stat s;

	memcpy(&s, fl_fs_ipcbuf->words, sizeof(s));
	*st = (struct stat){
		.st_dev = (dev_t)s.dev, .st_ino = (ino_t)s.ino, .st_mode = (mode_t)s.mode,
		.st_nlink = (nlink_t)s.nlink, .st_uid = (uid_t)s.uid, .st_gid = (gid_t)s.gid,
		.st_rdev = (dev_t)s.rdev, .st_size = (off_t)s.size, .st_blksize = 4096,
		.st_blocks = (blkcnt_t)s.blocks,
	};
	st->st_atim.tv_sec = s.atime;
	st->st_mtim.tv_sec = s.mtime;
	st->st_ctim.tv_sec = s.ctime;
}

int _fstat(int fd, struct stat *st)
{
	long r;

	if (fl_bad_ptr(st, sizeof(*st)))
		return fail(EFAULT);
	if (!has_fs()) {
		if (fd < 0 || fd > 2)
			return fail(EBADF);
		*st = (struct stat){ .st_mode = S_IFCHR };
		return 0;
	}
	if ((r = fl_fs_call(FL_FS_FSTAT, 0, (uint64_t)fd, 0, 0, NULL)) < 0)
		return fail((int)-r);
	to_stat(st);
	return 0;
}
int fstat(int fd, struct stat *st) ALIAS(fstat);

/* stat, or with FL_FS_NOFOLLOW lstat. */
static int stat_call(const char *path, struct stat *st, uint64_t flags)
{
	long r;

	if (!has_fs())
		return fail(ENOSYS);
	if (fl_bad_ptr(st, sizeof(*st)))
		return fail(EFAULT);
	if ((r = fl_fs_put_path(path, 0)) < 0 ||
	    (r = fl_fs_call(FL_FS_STAT, (size_t)r, flags, 0, 0, NULL)) < 0)
		return fail((int)-r);
	to_stat(st);
	return 0;
}

int _stat(const char *path, struct stat *st)
{
	return stat_call(path, st, 0);
}
int stat(const char *path, struct stat *st) ALIAS(stat);

/* A symlink itself, not what it names. */
int lstat(const char *path, struct stat *st)
{
	return stat_call(path, st, FL_FS_NOFOLLOW);
}

int _isatty(int fd)
{
	struct stat st;

	if (_fstat(fd, &st) < 0)
		return 0;
	if (S_ISCHR(st.st_mode) && (!has_fs() || st.st_rdev == FL_FS_RDEV_CONSOLE))
		return 1;		/* the console; not /dev/null or /dev/zero */
	errno = ENOTTY;
	return 0;
}
int isatty(int fd) ALIAS(isatty);

int dup(int fd)
{
	long r;

	if (!has_fs())
		return fail(EBADF);
	r = fl_fs_call(FL_FS_DUP, 0, (uint64_t)fd, 0, 0, NULL);
	if (r >= 0 && fd >= 0 && fd < FL_FS_FDS_MAX)
		set_kind(r, fd_kind[fd]);
	return (int)fl_result(r);
}

int dup2(int fd, int to)
{
	long r;

	if (!has_fs())
		return fail(EBADF);
	r = fl_fs_call(FL_FS_DUP2, 0, (uint64_t)fd, (uint64_t)to, 0, NULL);
	if (r >= 0 && fd != to)
		set_kind(r, fd >= 0 && fd < FL_FS_FDS_MAX ? fd_kind[fd] : KIND_UNKNOWN);
	return (int)fl_result(r);
}

int pipe(int fds[2])
{
	uint64_t out[2];
	long r;

	if (!has_fs())
		return fail(ENOSYS);
	if (fl_bad_ptr(fds, 2 * sizeof(int)))
		return fail(EFAULT);
	if ((r = fl_fs_call(FL_FS_PIPE, 0, 0, 0, 0, out)) < 0)
		return fail((int)-r);
	fds[0] = (int)out[0];
	fds[1] = (int)out[1];
	set_kind(fds[0], KIND_STREAM);
	set_kind(fds[1], KIND_STREAM);
	return 0;
}

int ftruncate(int fd, off_t len)
{
	if (!has_fs())
		return fail(EBADF);
	if (len < 0)
		return fail(EINVAL);
	return (int)fl_result(fl_fs_call(FL_FS_FTRUNCATE, 0, (uint64_t)fd, (uint64_t)len, 0,
					 NULL));
}

int fsync(int fd)
{
	if (!has_fs())
		return fail(EBADF);
	return (int)fl_result(fl_fs_call(FL_FS_FSYNC, 0, (uint64_t)fd, 0, 0, NULL));
}

/* ---- calls on paths -------------------------------------------------------- */

/* A request whose only argument is a path (and w0). */
static int path_call(uint32_t label, const char *path, uint64_t w0)
{
	long r;

	if (!has_fs())
		return fail(ENOSYS);
	if ((r = fl_fs_put_path(path, 0)) < 0)
		return fail((int)-r);
	return (int)fl_result(fl_fs_call(label, (size_t)r, w0, 0, 0, NULL));
}

int _mkdir(const char *path, mode_t mode)
{
	return path_call(FL_FS_MKDIR, path, (uint64_t)mode);
}
int mkdir(const char *path, mode_t mode) ALIAS(mkdir);

int _unlink(const char *path)
{
	return path_call(FL_FS_UNLINK, path, 0);
}
int unlink(const char *path) ALIAS(unlink);

int rmdir(const char *path)
{
	return path_call(FL_FS_RMDIR, path, 0);
}

int rename(const char *from, const char *to)
{
	long a, b;

	if (!has_fs())
		return fail(ENOSYS);
	if ((a = fl_fs_put_path(from, 0)) < 0 || (b = fl_fs_put_path(to, (size_t)a)) < 0)
		return fail((int)-(a < 0 ? a : b));
	return (int)fl_result(fl_fs_call(FL_FS_RENAME, (size_t)(a + b), 0, 0, 0, NULL));
}
int _rename(const char *from, const char *to) __attribute__((weak, alias("rename")));

/* access: whether the file exists; there are no users or permissions yet. */
int access(const char *path, int mode)
{
	struct stat st;

	if (mode & ~(R_OK | W_OK | X_OK))
		return fail(EINVAL);
	return stat(path, &st);
}

/* Links: not in the fs server's protocol. */
int _link(const char *from, const char *to)
{
	(void)from;
	(void)to;
	return fail(ENOSYS);
}
int link(const char *from, const char *to) ALIAS(link);

int _gettimeofday(struct timeval *tv, void *tz)
{
	(void)tv;
	(void)tz;
	return fail(ENOSYS);			/* no wall clock yet */
}
int gettimeofday(struct timeval *tv, void *tz) ALIAS(gettimeofday);

clock_t _times(struct tms *t)
{
	(void)t;
	return (clock_t)fail(ENOSYS);
}
clock_t times(struct tms *t) ALIAS(times);

/* newlib is built with HAVE_INIT_FINI: __libc_init_array calls _init. */
void _init(void)
{
}

void _fini(void)
{
}
