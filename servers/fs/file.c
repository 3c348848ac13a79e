/*
 * Open-file descriptions and descriptor tables (docs/fs.md). A
 * description is shared by dup, fork and spawn and counts its holders;
 * the last one closes the node's end (a pipe's) and drops the node.
 */
#include <stdlib.h>
#include <string.h>
#include "file.h"
#include "park.h"

#define PROC_HASH	64

static struct proc *procs[PROC_HASH];
static unsigned nprocs;

struct file *file_new(struct node *n, int flags)
{
	struct file *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->refs = 1;
	f->node = node_get(n);
	f->flags = flags;
	if (n->ops->open)
		n->ops->open(n, flags);
	return f;
}

struct file *file_get(struct file *f)
{
	f->refs++;
	return f;
}

void file_put(struct file *f)
{
	struct node *n;

	if (!f || --f->refs)
		return;
	n = f->node;
	if (n->ops->close)
		n->ops->close(n, f->flags);
	node_put(n);
	free(f);
}

static struct proc **bucket(int pid)
{
	return &procs[(unsigned)pid % PROC_HASH];
}

struct proc *proc_find(int pid)
{
	for (struct proc *p = *bucket(pid); p; p = p->next)
		if (p->pid == pid)
			return p;
	return NULL;
}

unsigned proc_count(void)
{
	return nprocs;
}

/* fds 0, 1, 2: one description of the console, read and write. */
static int console_fds(struct proc *p)
{
	struct node *con = devfs_console();
	struct file *f = con ? file_new(con, O_RDWR) : NULL;

	if (!f)
		return -ENOMEM;
	p->fd[0] = f;
	p->fd[1] = file_get(f);
	p->fd[2] = file_get(f);
	return 0;
}

/*
 * A table for pid: the parent's descriptions shared (spawn and fork alike:
 * there is no close-on-exec yet), or the console's for a process the
 * pager started itself (parent 0, or a parent the server does not know).
 */
static int proc_new(int pid, int parent)
{
	struct proc *p, *from = parent > 0 ? proc_find(parent) : NULL;

	if (proc_find(pid))
		proc_exit(pid);		/* an exit the server missed: start afresh */
	if (!(p = calloc(1, sizeof(*p))))
		return -ENOMEM;
	p->pid = pid;
	if (from) {
		for (int i = 0; i < FL_FS_FDS_MAX; i++)
			p->fd[i] = from->fd[i] ? file_get(from->fd[i]) : NULL;
	} else if (console_fds(p)) {
		free(p);
		return -ENOMEM;
	}
	p->next = *bucket(pid);
	*bucket(pid) = p;
	nprocs++;
	return 0;
}

int proc_spawn(int pid, int parent)
{
	return proc_new(pid, parent);
}

int proc_fork(int pid, int parent)
{
	return proc_new(pid, parent);
}

/* Every descriptor closed, its parked requests dropped: a pipe's reader sees the end. */
void proc_exit(int pid)
{
	struct proc **at = bucket(pid), *p;

	while (*at && (*at)->pid != pid)
		at = &(*at)->next;
	if (!(p = *at))
		return;
	*at = p->next;
	nprocs--;
	park_cancel(pid);
	for (int i = 0; i < FL_FS_FDS_MAX; i++)
		file_put(p->fd[i]);
	free(p);
}

int fd_alloc(struct proc *p, int min)
{
	for (int i = min; i < FL_FS_FDS_MAX; i++)
		if (!p->fd[i])
			return i;
	return -EMFILE;
}

int fd_install(struct proc *p, struct file *f)
{
	int fd = fd_alloc(p, 0);

	if (fd < 0) {
		file_put(f);
		return fd;
	}
	p->fd[fd] = f;
	return fd;
}

struct file *fd_file(struct proc *p, int64_t fd)
{
	if (fd < 0 || fd >= FL_FS_FDS_MAX)
		return NULL;
	return p->fd[fd];
}

int fd_close(struct proc *p, int64_t fd)
{
	struct file *f = fd_file(p, fd);

	if (!f)
		return -EBADF;
	p->fd[fd] = NULL;
	file_put(f);
	return 0;
}
