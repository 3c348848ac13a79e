/*
 * newlib's system-call layer on Faultline, for programs that run as the
 * root task (init=bin/NAME) until the pager spawns processes (issue 7).
 *
 * stdout and stderr go to the console; the heap grows by mapping fresh
 * frames from the boot pool; the file and process calls the fs server and
 * the pager will serve fail with ENOSYS (docs/newlib.md). Each function is
 * defined under newlib's underscore name with a weak plain alias: the
 * aarch64-elf build calls _write, the x86_64-elf build calls write.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <faultline/abi.h>
#include <faultline/bootinfo.h>
#include <faultline/syscalls.gen.h>

#define ALIAS(name) __attribute__((weak, alias("_" #name)))

#define HEAP_BASE	0x20000000ul		/* above the image, below test areas */
#define HEAP_MAX	(256ul << 20)
#define HEAP_CHUNK	(64ul << 10)		/* mapped at a time */
#define PAGE		4096ul

static const struct fl_bootinfo *boot;
static uintptr_t heap_end = HEAP_BASE, heap_mapped = HEAP_BASE;

extern char **environ;		/* newlib's */
int main(int argc, char **argv, char **envp);
void __libc_init_array(void);
void fl_start(const struct fl_bootinfo *bi);
void _exit(int status);

static int fail(int err)
{
	errno = err;
	return -1;
}

static int is_console(int fd)
{
	return fd >= 0 && fd <= 2;
}

/* Called by start.S with the boot-info block: run main as a C program. */
void fl_start(const struct fl_bootinfo *bi)
{
	static char name[] = "init";
	static char *argv[] = { name, NULL };

	boot = bi;
	if (bi->magic != FL_BOOTINFO_MAGIC || bi->version != FL_BOOTINFO_VERSION) {
		fl_console_write("newlib: bad boot-info block\n", 28);
		fl_thread_exit();
	}
	__libc_init_array();
	exit(main(1, argv, environ));
}

/* The root task's exit is the machine's: power off with the status (0..63). */
void _exit(int status)
{
	if (status < 0 || status > FL_STATUS_MAX)
		status = FL_STATUS_MAX;
	fl_poweroff(boot->power, status);
	fl_thread_exit();
	for (;;)
		;
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

/* Grow the heap in chunks of fresh frames; the mapping keeps each frame. */
void *_sbrk(ptrdiff_t incr)
{
	uintptr_t old = heap_end;

	if (incr < 0 ? (uintptr_t)-incr > heap_end - HEAP_BASE :
		       (uintptr_t)incr > HEAP_BASE + HEAP_MAX - heap_end) {
		errno = ENOMEM;
		return (void *)-1;
	}
	while (heap_mapped < heap_end + incr) {
		long f = fl_frame_alloc(boot->pool, HEAP_CHUNK / PAGE);

		if (f < 0 || fl_map(boot->self_task, heap_mapped, (int)f, 0, HEAP_CHUNK / PAGE,
				    FL_MAP_READ | FL_MAP_WRITE) < 0) {
			if (f >= 0)
				fl_handle_close((int)f);
			errno = ENOMEM;
			return (void *)-1;
		}
		fl_handle_close((int)f);
		heap_mapped += HEAP_CHUNK;
	}
	heap_end += incr;
	return (void *)old;
}
void *sbrk(ptrdiff_t incr) ALIAS(sbrk);

int _getpid(void)
{
	return 1;
}
int getpid(void) ALIAS(getpid);

/* Only a signal to oneself (abort, raise): the program ends with it as status. */
int _kill(int pid, int sig)
{
	static const char msg[] = "newlib: killed by a signal\n";

	if (pid != 1)
		return fail(ESRCH);
	fl_console_write(msg, sizeof(msg) - 1);
	_exit(sig);
	return 0;
}
int kill(int pid, int sig) ALIAS(kill);

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

/* Processes and links: the pager's and the fs server's, later. */
int _fork(void)
{
	return fail(ENOSYS);
}
int fork(void) ALIAS(fork);

int _execve(const char *path, char *const argv[], char *const envp[])
{
	(void)path;
	(void)argv;
	(void)envp;
	return fail(ENOSYS);
}
int execve(const char *path, char *const argv[], char *const envp[]) ALIAS(execve);

int _wait(int *status)
{
	(void)status;
	return fail(ENOSYS);
}
int wait(int *status) ALIAS(wait);

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
