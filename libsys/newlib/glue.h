/* What the pieces of libsys's newlib layer share (files.c, paths.c, dirs.c, root.c, process.c). */
#pragma once

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

/* newlib calls _NAME on aarch64-elf and NAME on x86_64-elf: define both. */
#define ALIAS(name) __attribute__((weak, alias("_" #name)))

extern char **environ;		/* newlib's */
int main(int argc, char **argv, char **envp);
void __libc_init_array(void);
void _exit(int status);

/* errno = err, and the -1 a failing call returns. */
static inline int fail(int err)
{
	errno = err;
	return -1;
}

/* A result >= 0 as it is; -errno sets errno and gives -1. */
static inline long fl_result(long r)
{
	return r < 0 ? fail((int)-r) : r;
}

/*
 * The fs server (files.c): its endpoint from AT_FL_FS (-1: none, as for
 * root tasks; then fds 1 and 2 are the console and nothing else is open)
 * and the thread's IPC buffer, both set by process.c's fl_start.
 */
extern int fl_fs_endpoint;
extern struct fl_ipc_buffer *fl_fs_ipcbuf;

/* The working directory from PWD in the environment, as chdir leaves it (files.c). */
void fl_cwd_from_env(void);

/*
 * A request to the fs server: label, bytes of the IPC buffer to send
 * (already there), words w0..w2; the reply's w0 (>= 0 or -errno) and, if
 * out is not NULL, w1 and w2 in out[0..1].
 */
long fl_fs_call(uint32_t label, size_t bytes, uint64_t w0, uint64_t w1, uint64_t w2,
		uint64_t out[2]);

/*
 * Put path (relative ones resolved against the working directory) into
 * the IPC buffer at byte offset at: the bytes it takes with its NUL, or
 * -errno (EFAULT, ENOENT for "", ENAMETOOLONG).
 */
long fl_fs_put_path(const char *path, size_t at);

/* A user pointer that cannot be valid (NULL's page, past user space): EFAULT. */
static inline int fl_bad_ptr(const void *p, size_t len)
{
	uintptr_t a = (uintptr_t)p;

	return a < 0x10000 || a >= 0x800000000000ul || len > 0x800000000000ul - a;
}
