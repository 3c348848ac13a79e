/*
 * newlib's file and process calls on Faultline, shared by processes
 * (process.c) and root tasks (root.c): stdout and stderr go to the
 * console; the calls the fs server will serve fail with
 * ENOSYS (docs/newlib.md). Each function is defined under newlib's
 * underscore name with a weak plain alias (glue.h).
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <faultline/abi.h>
#include <faultline/syscalls.gen.h>

#include "glue.h"

static int is_console(int fd)
{
	return fd >= 0 && fd <= 2;
}

int _write(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t left = len;

	if (fd != 1 && fd != 2)
		return fail(EBADF);
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
int write(int fd, const void *buf, size_t len) ALIAS(write);

int _read(int fd, void *buf, size_t len)
{
	(void)buf;
	(void)len;
	return fail(fd == 0 ? ENOSYS : EBADF);	/* console input: not yet */
}
int read(int fd, void *buf, size_t len) ALIAS(read);

int _open(const char *path, int flags, ...)
{
	(void)path;
	(void)flags;
	return fail(ENOSYS);			/* files: the fs server's */
}
int open(const char *path, int flags, ...) ALIAS(open);

int _close(int fd)
{
	return is_console(fd) ? 0 : fail(EBADF);
}
int close(int fd) ALIAS(close);

off_t _lseek(int fd, off_t off, int whence)
{
	(void)off;
	(void)whence;
	return fail(is_console(fd) ? ESPIPE : EBADF);
}
off_t lseek(int fd, off_t off, int whence) ALIAS(lseek);

int _fstat(int fd, struct stat *st)
{
	if (!is_console(fd))
		return fail(EBADF);
	*st = (struct stat){ .st_mode = S_IFCHR };
	return 0;
}
int fstat(int fd, struct stat *st) ALIAS(fstat);

int _isatty(int fd)
{
	if (is_console(fd))
		return 1;
	errno = EBADF;
	return 0;
}
int isatty(int fd) ALIAS(isatty);

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

/* Links: the fs server's, later. */
int _link(const char *from, const char *to)
{
	(void)from;
	(void)to;
	return fail(ENOSYS);
}
int link(const char *from, const char *to) ALIAS(link);

int _unlink(const char *path)
{
	(void)path;
	return fail(ENOSYS);
}
int unlink(const char *path) ALIAS(unlink);

/* newlib is built with HAVE_INIT_FINI: __libc_init_array calls _init. */
void _init(void)
{
}

void _fini(void)
{
}
