/*
 * newlib for processes the pager starts: the initial stack (argc, argv,
 * envp, auxv: docs/process.md), and the calls the pager serves: exit,
 * brk, mmap, munmap, mprotect, getpid, getppid, kill, fork, wait, spawn,
 * execve. The fs server's endpoint (AT_FL_FS) goes to files.c.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <faultline/abi.h>
#include <faultline/fs.h>
#include <faultline/msg.h>
#include <faultline/pager.h>
#include <faultline/process.h>
#include <faultline/syscalls.gen.h>
#include "glue.h"

static int pager = -1, self_task = -1, self_pool = -1, system_pool = -1, pid;
static const char *platform = "";
static struct fl_ipc_buffer *ipc_buffer;
static uintptr_t brk_now;		/* 0 until first asked */
static const uint64_t *auxv;		/* (type, value) pairs, AT_NULL last */

void fl_start(uint64_t *sp);

int fl_self_task(void)
{
	return self_task;
}

int fl_self_pool(void)
{
	return self_pool;
}

int fl_system_pool(void)
{
	return system_pool;
}

int fl_pager(void)
{
	return pager;
}

int fl_fs(void)
{
	return fl_fs_endpoint;
}

const char *fl_platform(void)
{
	return platform;
}

uint64_t fl_getauxval(uint64_t type)
{
	for (const uint64_t *a = auxv; a && a[0] != AT_NULL; a += 2)
		if (a[0] == type)
			return a[1];
	return 0;
}

long fl_pager_call(uint32_t label, uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3)
{
	const uint64_t w[4] = { w0, w1, w2, w3 };
	struct fl_msg reply;
	long r = fl_call_msg(pager, FL_TAG(label, 0, 0), w, &reply);

	return r < 0 ? r : (long)reply.w[0];
}

/* A request whose reply carries more than w0: the words in out[0..2] (w1..w3). */
static long pager_call3(uint32_t label, uint64_t w0, uint64_t w1, uint64_t out[3])
{
	const uint64_t w[4] = { w0, w1, 0, 0 };
	struct fl_msg reply;
	long r = fl_call_msg(pager, FL_TAG(label, 0, 0), w, &reply);

	if (r < 0)
		return r;
	out[0] = reply.w[1];
	out[1] = reply.w[2];
	out[2] = reply.w[3];
	return (long)reply.w[0];
}

int fl_pager_stats(int target, int group, uint64_t out[3])
{
	return (int)pager_call3(FL_PAGER_STATS, (uint64_t)(int64_t)target, (uint64_t)group, out);
}

/* Called by start.S with sp at argc (the System V initial stack). */
void fl_start(uint64_t *sp)
{
	int argc = (int)sp[0];
	char **argv = (char **)&sp[1], **envp = argv + argc + 1, **p = envp;
	uint64_t *aux;

	while (*p)
		p++;
	auxv = (uint64_t *)(p + 1);
	for (aux = (uint64_t *)(p + 1); aux[0] != AT_NULL; aux += 2) {
		switch (aux[0]) {
		case AT_FL_PAGER: pager = (int)aux[1]; break;
		case AT_FL_TASK: self_task = (int)aux[1]; break;
		case AT_FL_POOL: self_pool = (int)aux[1]; break;
		case AT_FL_SYSPOOL: system_pool = (int)aux[1]; break;
		case AT_FL_PID: pid = (int)aux[1]; break;
		case AT_PLATFORM: platform = (const char *)aux[1]; break;
		case AT_FL_IPCBUF: ipc_buffer = (struct fl_ipc_buffer *)aux[1]; break;
		case AT_FL_FS: fl_fs_endpoint = (int)aux[1]; break;
		}
	}
	fl_fs_ipcbuf = ipc_buffer;
	if (!ipc_buffer)
		fl_fs_endpoint = -1;
	environ = envp;
	fl_cwd_from_env();
	__libc_init_array();
	exit(main(argc, argv, envp));
}

void _exit(int status)
{
	fl_pager_call(FL_PAGER_EXIT, (uint64_t)(status & 0xff), 0, 0, 0);
	fl_thread_exit();	/* only if the pager is gone */
	for (;;)
		;
}

/* The pager moves the break; the heap between is demand-zero memory. */
void *_sbrk(ptrdiff_t incr)
{
	uintptr_t old;
	long r;

	if (!brk_now && (r = fl_pager_call(FL_PAGER_BRK, 0, 0, 0, 0)) > 0)
		brk_now = (uintptr_t)r;
	old = brk_now;
	if (!old || (incr < 0 && (uintptr_t)-incr > old)) {
		errno = ENOMEM;
		return (void *)-1;
	}
	if (incr) {
		r = fl_pager_call(FL_PAGER_BRK, old + (uintptr_t)incr, 0, 0, 0);
		if (r < 0) {
			errno = (int)-r;
			return (void *)-1;
		}
		brk_now = (uintptr_t)r;
	}
	return (void *)old;
}
void *sbrk(ptrdiff_t incr) ALIAS(sbrk);

static long result(long r)
{
	return r < 0 ? fail((int)-r) : r;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset)
{
	uint64_t w2 = (uint64_t)(prot & 0xff) | (uint64_t)(flags & 0xffffff) << 8 |
		      (uint64_t)(uint32_t)fd << 32;
	long r;

	if ((prot & ~0xff) || (flags & ~0xffffff))
		return fail(EINVAL), MAP_FAILED;
	r = fl_pager_call(FL_PAGER_MMAP, (uintptr_t)addr, len, w2, (uint64_t)offset);
	return r < 0 ? (fail((int)-r), MAP_FAILED) : (void *)r;
}

int munmap(void *addr, size_t len)
{
	return (int)result(fl_pager_call(FL_PAGER_MUNMAP, (uintptr_t)addr, len, 0, 0));
}

int mprotect(void *addr, size_t len, int prot)
{
	return (int)result(fl_pager_call(FL_PAGER_MPROTECT, (uintptr_t)addr, len,
					 (uint64_t)(unsigned)prot, 0));
}

int madvise(void *addr, size_t len, int advice)
{
	return (int)result(fl_pager_call(FL_PAGER_MADVISE, (uintptr_t)addr, len,
					 (uint64_t)(unsigned)advice, 0));
}

int msync(void *addr, size_t len, int flags)
{
	return (int)result(fl_pager_call(FL_PAGER_MSYNC, (uintptr_t)addr, len,
					 (uint64_t)(unsigned)flags, 0));
}

int _getpid(void)
{
	return pid;
}
int getpid(void) ALIAS(getpid);

int getppid(void)
{
	return (int)result(fl_pager_call(FL_PAGER_GETPPID, 0, 0, 0, 0));
}

/* The child comes back from the same call with 0 (the pager writes its registers so). */
int _fork(void)
{
	long r = fl_pager_call(FL_PAGER_FORK, 0, 0, 0, 0);

	if (r > 0)
		return (int)r;
	if (r == 0) {		/* the child: its own pid (the rest is the parent's copy) */
		pid = (int)fl_pager_call(FL_PAGER_GETPID, 0, 0, 0, 0);
		return 0;
	}
	return fail((int)-r);
}
int fork(void) ALIAS(fork);

pid_t waitpid(pid_t target, int *status, int options)
{
	uint64_t words[3];
	long r = pager_call3(FL_PAGER_WAIT, (uint64_t)(int64_t)target, (uint64_t)options, words);

	if (r < 0)
		return fail((int)-r);
	if (r > 0 && status)
		*status = (int)words[0];
	return (pid_t)r;
}

int _wait(int *status)
{
	return waitpid(-1, status, 0);
}
int wait(int *status) ALIAS(wait);

/* The strings of v (NULL-terminated; v may be NULL) from *to on: how many, or -errno. */
static long put_strings(char **to, const char *end, char *const v[])
{
	long n = 0;
	size_t len;

	if (v && fl_bad_ptr(v, sizeof(*v)))
		return -EFAULT;
	for (; v && v[n]; n++) {
		if (fl_bad_ptr(v[n], 1))
			return -EFAULT;
		if ((len = strlen(v[n]) + 1) > (size_t)(end - *to))
			return -E2BIG;
		memcpy(*to, v[n], len);
		*to += len;
	}
	return n;
}

/*
 * FL_PAGER_SPAWN and FL_PAGER_EXEC: the IPC buffer's words hold
 * "path\0argv0\0...\0env0\0...", w1 counts the arguments and w2 the
 * environment strings (so empty ones pass), w3 the program's fd with
 * FL_SPAWN_FD; the child's pid (exec: only an error comes back), or -1
 * with errno. An error reply's w1 says whether the fd was consumed.
 */
static long spawn_call(uint32_t label, const char *path, char *const argv[],
		       char *const envp[], uint64_t flags, int fd, bool *consumed)
{
	char *to = (char *)ipc_buffer->words, *end = to + sizeof(ipc_buffer->words);
	char *const just_path[] = { (char *)path, NULL };
	uint64_t w[4] = { flags, 0, 0, (uint64_t)(int64_t)fd };
	struct fl_msg reply;
	long n;
	size_t len;
	long r;

	*consumed = false;
	if (fl_bad_ptr(path, 1))
		return -EFAULT;
	if ((n = put_strings(&to, end, just_path)) < 0 || (n = put_strings(&to, end, argv)) < 0)
		return n;
	w[1] = (uint64_t)n;
	if ((n = put_strings(&to, end, envp)) < 0)
		return n;
	w[2] = (uint64_t)n;
	len = (size_t)(to - (char *)ipc_buffer->words);
	if (len % 8 && (size_t)(end - to) < 8 - len % 8)
		return -E2BIG;
	memset(to, 0, (8 - len % 8) % 8);
	if ((r = fl_call_msg(pager, FL_TAG(label, (len + 7) / 8, 0), w, &reply)) < 0)
		return r;
	r = (long)reply.w[0];
	*consumed = r >= 0 || reply.w[1] == 1;
	return r;
}

/*
 * Spawn or exec of path, resolved like every path (the fs server's
 * namespace, relative to the working directory): opened here and handed
 * to the pager, which runs the file (FL_SPAWN_FD). Without an fs server,
 * path names a file of the bootfs.
 */
static int launch(uint32_t label, const char *path, char *const argv[], char *const envp[],
		  uint64_t flags)
{
	bool consumed;
	int fd = -1;
	long r;

	if (fl_fs() >= 0) {
		if (fl_bad_ptr(path, 1))
			return fail(EFAULT);
		if ((fd = open(path, O_RDONLY)) < 0)
			return -1;
		flags |= FL_SPAWN_FD;
	}
	r = spawn_call(label, path, argv, envp, flags, fd, &consumed);
	if (fd >= 0 && !consumed)
		close(fd);		/* refused before the fs server had it: still ours */
	return (int)fl_result(r);
}

/* A child runs path with argv and this process's environment (its fds: the fs server's copy). */
static int spawn(const char *path, char *const argv[], uint64_t flags)
{
	return launch(FL_PAGER_SPAWN, path, argv, environ, flags);
}

/*
 * Run the program at path in this process (same pid, same fds) with argv
 * and envp: path resolved as for open, as spawn does. An empty envp gives
 * the default environment (PATH=/bin).
 */
int _execve(const char *path, char *const argv[], char *const envp[])
{
	if (!argv)
		return fail(EFAULT);
	return launch(FL_PAGER_EXEC, path, argv, envp, 0);
}
int execve(const char *path, char *const argv[], char *const envp[]) ALIAS(execve);

int execv(const char *path, char *const argv[])
{
	return _execve(path, argv, environ);
}

/*
 * A name without a slash is looked for in each directory of PATH (none:
 * /bin), as POSIX says: a file found but not runnable (EACCES) does not
 * end the search, and is the error if nothing else is found.
 */
int execvp(const char *file, char *const argv[])
{
	const char *dirs = getenv("PATH"), *d, *next;
	char path[FL_FS_PATH_MAX];
	int err = ENOENT;
	size_t len;

	if (fl_bad_ptr(file, 1))
		return fail(EFAULT);
	if (!file[0])
		return fail(ENOENT);
	if (strchr(file, '/'))
		return execv(file, argv);
	for (d = dirs ? dirs : "/bin"; ; d = next + 1) {
		len = (next = strchr(d, ':')) ? (size_t)(next - d) : strlen(d);
		if (len + strlen(file) + 3 > sizeof(path))
			return fail(ENAMETOOLONG);
		memcpy(path, len ? d : ".", len ? len : 1);	/* an empty entry: "." */
		len = len ? len : 1;
		if (path[len - 1] != '/')
			path[len++] = '/';
		strcpy(path + len, file);
		execv(path, argv);
		if (errno == EACCES)
			err = EACCES;	/* found, not runnable: the search goes on */
		else if (errno != ENOENT && errno != ENOTDIR)
			return -1;	/* found, and why it does not run */
		if (!next)
			return fail(err);
	}
}

int fl_spawn(const char *path, char *const argv[])
{
	return spawn(path, argv, 0);
}

int fl_spawn_paged(const char *path, char *const argv[])
{
	return spawn(path, argv, FL_SPAWN_PAGED);
}

int _kill(int target, int sig)
{
	return (int)result(fl_pager_call(FL_PAGER_KILL, (uint64_t)(int64_t)target,
					 (uint64_t)(int64_t)sig, 0, 0));
}
int kill(int target, int sig) ALIAS(kill);
