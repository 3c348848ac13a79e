/*
 * Open-file descriptions and the processes' descriptor tables (file.c),
 * and the requests the server serves (serve.c). Pure, like vfs.c.
 */
#pragma once

#include "vfs.h"

/* An open-file description: shared by dup, fork and spawn. */
struct file {
	unsigned refs;			/* descriptors and parked requests */
	struct node *node;		/* a reference */
	uint64_t off;			/* bytes; a directory's: entries */
	int flags;			/* O_ACCMODE, O_APPEND, O_NONBLOCK */
};

struct proc {
	int pid;
	struct file *fd[FL_FS_FDS_MAX];
	struct proc *next;
};

/* A description of n (a new reference to n): NULL with no memory. */
struct file *file_new(struct node *n, int flags);
struct file *file_get(struct file *f);
void file_put(struct file *f);

struct proc *proc_find(int pid);
/* A new process's table, as the pager's events say (docs/fs.md): 0 or -ENOMEM. */
int proc_spawn(int pid, int parent);
int proc_fork(int pid, int parent);
void proc_exit(int pid);
unsigned proc_count(void);

/* The lowest free descriptor from min: it, or -EMFILE. */
int fd_alloc(struct proc *p, int min);
/* Install f at a free descriptor (taking the reference): the fd, or -EMFILE (f put). */
int fd_install(struct proc *p, struct file *f);
/* The description at fd, or NULL (a bad fd). */
struct file *fd_file(struct proc *p, int64_t fd);
int fd_close(struct proc *p, int64_t fd);

/* What opens /dev/console for a process started by the pager itself (devfs.c). */
struct node *devfs_console(void);

/* One request, as it arrived. */
struct request {
	int pid;			/* the badge */
	int reply;			/* the reply handle: kept if the request parks */
	uint32_t label;			/* FL_FS_* */
	uint64_t w[4];
	const void *in;			/* the words of the IPC buffer that came */
	size_t in_len;			/* bytes */
};

/* Its answer: words 0..2, and bytes for the reply's IPC buffer. */
struct answer {
	int64_t w[3];
	size_t out_len;
	bool parked;			/* no answer now: the reply handle is kept */
	uint8_t out[FL_FS_IO_MAX] __attribute__((aligned(8)));
};

void fs_serve(const struct request *rq, struct answer *a);

/* A read or write of f (for a request, or a parked one tried again): bytes or -errno. */
int64_t file_io(struct file *f, bool write, void *buf, size_t len);
