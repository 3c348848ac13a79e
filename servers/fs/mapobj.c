/*
 * The objects the pager maps files through (docs/fs.md "Mappings"), and
 * its three events. FL_FS_EV_MAP judges a descriptor of a process: a
 * regular file becomes an object (one per node, the same id while the
 * pager holds it), /dev/zero anonymous memory, the rest an error.
 * FL_FS_EV_PAGE gives the frame of a page from the page cache
 * (pagecache.c). FL_FS_EV_UNREF ends an object.
 *
 * Writeback: of an object ever mapped MAP_SHARED from a descriptor that
 * may write, the pages the pager says a mapping wrote (its dirty bits,
 * FL_PAGER_FS_DIRTY) are written back on msync, fsync, FL_FS_EV_UNREF and
 * at shutdown; an evicted page is written back first if it was written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <faultline/pager.h>
#include "backend.h"
#include "devfs.h"
#include "mapobj.h"

static struct mapobj *objs;
static unsigned nobjs;
static int64_t next_id = 1;
static uint64_t from_cache, lent;	/* pages answered: the page cache's, the bootfs's own */

struct mapobj *map_find(int64_t id)
{
	for (struct mapobj *m = objs; m; m = m->next)
		if (m->id == id)
			return m;
	return NULL;
}

unsigned map_count(void)
{
	return nobjs;
}

static struct mapobj *obj_new(struct node *n)
{
	struct mapobj *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->id = next_id++;
	m->node = node_get(n);
	m->next = objs;
	objs = m;
	nobjs++;
	n->mobj = m;
	return m;
}

int64_t map_open(int pid, int64_t fd, unsigned prot, unsigned flags, uint64_t *size,
		 bool *may_write)
{
	struct proc *p = proc_find(pid);
	bool shared_write = (flags & MAP_SHARED) && (prot & PROT_WRITE);
	struct mapobj *m;
	struct file *f;
	struct node *n;
	int acc;

	*size = 0;
	*may_write = false;
	if (!p)
		return -ESRCH;
	if (!(f = fd_file(p, fd)))
		return -EBADF;
	/* as POSIX: read access always; write access too for a shared writable one */
	acc = f->flags & O_ACCMODE;
	if (acc == O_WRONLY || (shared_write && acc != O_RDWR))
		return -EACCES;
	n = f->node;
	if (n->dev == FL_FS_DEV_DEVFS && n->rdev == FL_FS_RDEV_ZERO)
		return FL_FS_MAP_ZERO;
	if (!node_is_reg(n) || n->stream || !n->ops->read)
		return -ENODEV;		/* /dev/null, the console, pipes, directories */
	if (!(m = n->mobj ? n->mobj : obj_new(n)))
		return -ENOMEM;
	m->shared_write |= (flags & MAP_SHARED) && acc == O_RDWR;	/* mprotect may add write */
	m->answered++;
	*size = n->size;
	*may_write = acc == O_RDWR;
	return m->id;
}

int64_t map_page(int64_t id, uint64_t index, int *frame, uint64_t *size)
{
	struct mapobj *m = map_find(id);
	struct cpage *p;
	int err;

	*frame = -1;
	*size = 0;
	if (!m)
		return -ENOENT;
	err = pc_get(m, index, &p);
	*size = m->node->size;
	if (err)
		return err;
	*frame = p->frame;
	return 0;
}

int64_t map_frame(int64_t id, uint64_t index, int *frame, uint64_t *page, uint64_t *size)
{
	struct mapobj *m = map_find(id);

	int64_t r;

	*page = 0;
	if (m && bootfs_frame_page(m->node, index, page)) {
		*frame = MAPSYS_BOOTFS;
		*size = m->node->size;
		lent++;
		return 0;
	}
	if ((r = map_page(id, index, frame, size)) == 0)
		from_cache++;
	return r;
}

void map_stats(uint64_t *cached, uint64_t *bootfs)
{
	*cached = from_cache;
	*bootfs = lent;
}

/* Whether n may be run: a regular file with an execute bit (Linux: EACCES otherwise). */
static int exec_check(const struct node *n)
{
	return node_is_reg(n) && (n->mode & 0111) ? 0 : -EACCES;
}

int64_t map_exec(int pid, int64_t fd, int *frame, uint64_t *page, uint64_t *size)
{
	struct proc *p = proc_find(pid);
	struct file *f = p ? fd_file(p, fd) : NULL;
	bool may_write;
	int64_t id, r;

	*frame = -1;
	*page = *size = 0;
	if (!f)
		return p ? -EBADF : -ESRCH;
	if ((r = exec_check(f->node)))
		id = r;
	else
		id = map_open(pid, fd, PROT_READ | PROT_EXEC, MAP_PRIVATE, size, &may_write);
	fd_close(p, fd);		/* the request consumed it */
	if (id < 0)
		return id;
	if ((r = map_frame(id, 0, frame, page, size)) < 0) {
		map_unref(id, 1);	/* the answer naming it is not sent */
		*size = 0;
		return r == -EFAULT ? -ENOEXEC : r;	/* EFAULT: an empty file */
	}
	return id;
}

/* m's pages back into the file and the file synced, if a mapping may have written them. */
static int writeback(struct mapobj *m)
{
	struct node *n = m->node;
	int err, sync;

	if (!m->shared_write)
		return 0;
	err = pc_writeback(m);
	sync = n->ops->fsync ? n->ops->fsync(n) : 0;
	return err ? err : sync;
}

static void warn(struct mapobj *m, const char *what, int err)
{
	char line[96];
	int len = snprintf(line, sizeof(line), "fs: object %lld (inode %llu): %s: %d\n",
			   (long long)m->id, (unsigned long long)m->node->ino, what, err);

	if (len > 0)
		console_out(line, (size_t)len < sizeof(line) ? (size_t)len : sizeof(line) - 1);
}

/*
 * The pager let go of answers naming id: the object ends when every
 * answer sent is let go (an answer on its way when the pager wrote the
 * unref keeps it).
 */
void map_unref(int64_t id, uint64_t answers)
{
	struct mapobj **at = &objs, *m;
	int err;

	while (*at && (*at)->id != id)
		at = &(*at)->next;
	if (!(m = *at))
		return;			/* not one of ours: nothing to drop */
	m->answered = answers < m->answered ? m->answered - (unsigned)answers : 0;
	if (m->answered)
		return;
	if ((err = writeback(m)))
		warn(m, "not written back", err);
	*at = m->next;
	nobjs--;
	pc_drop_from(m, 0);
	pagemap_free(&m->pages);
	m->node->mobj = NULL;
	node_put(m->node);
	free(m);
}

int map_fsync(struct node *n)
{
	return n->mobj ? writeback(n->mobj) : 0;
}

int map_writeback_all(void)
{
	int first = 0, err;

	for (struct mapobj *m = objs; m; m = m->next)
		if ((err = writeback(m))) {
			warn(m, "not written back", err);
			if (!first)
				first = err;
		}
	return first;
}

void map_event(const struct fl_fs_event *e)
{
	uint64_t size, page;
	bool may_write;
	int64_t r;
	int frame;

	switch (e->kind) {
	case FL_FS_EV_MAP:
		r = map_open(e->pid, (int64_t)e->a, (unsigned)e->b & 0xff,
			     (unsigned)(e->b >> 8) & 0xffffff, &size, &may_write);
		mapsys_mapped(e->c, r, size, may_write);
		break;
	case FL_FS_EV_PAGE:
		r = map_frame((int64_t)e->a, e->b, &frame, &page, &size);
		mapsys_frame(FL_PAGER_FS_PAGE, e->c, r, size, frame, page);
		break;
	case FL_FS_EV_EXEC:
		r = map_exec(e->pid, (int64_t)e->a, &frame, &page, &size);
		mapsys_frame(FL_PAGER_FS_EXEC, e->c, r, size, frame, page);
		break;
	case FL_FS_EV_SYNC: {
		struct mapobj *m = map_find((int64_t)e->a);

		mapsys_synced(e->c, m ? writeback(m) : -ENOENT);
		break;
	}
	case FL_FS_EV_UNREF:
		map_unref((int64_t)e->a, e->b);
		break;
	}
}
