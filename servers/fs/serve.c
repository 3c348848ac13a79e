/*
 * The requests of faultline/fs.h (docs/fs.md). Every input is checked
 * here: descriptor numbers, lengths against what came in the IPC buffer,
 * strings for their NUL, offsets and whence; a backend only ever sees a
 * node of its own and a length within FL_FS_IO_MAX.
 */
#include <string.h>
#include "file.h"
#include "mapobj.h"
#include "park.h"
#include "pipe.h"

/* O_* bits a description keeps; other bits of open's flags are ignored, as POSIX allows. */
#define KEPT_FLAGS	(O_ACCMODE | O_APPEND | O_NONBLOCK)

static bool can_read(const struct file *f)
{
	return (f->flags & O_ACCMODE) != O_WRONLY;
}

static bool can_write(const struct file *f)
{
	return (f->flags & O_ACCMODE) != O_RDONLY;
}

/* Read or write f at off (a stream: wherever it is): bytes, or -errno. */
static int64_t io_at(struct file *f, bool write, void *buf, size_t len, uint64_t off)
{
	struct node *n = f->node;

	if (write ? !can_write(f) : !can_read(f))
		return -EBADF;
	if (node_is_dir(n))
		return -EISDIR;
	if (write && !n->ops->write)
		return -EROFS;
	if (!write && !n->ops->read)
		return -EINVAL;
	if (write && !n->stream && off + len > (uint64_t)INT64_MAX)
		return -EFBIG;
	if (write)
		return pc_write(n, off, buf, len);
	return pc_read(n, off, buf, len);
}

int64_t file_io(struct file *f, bool write, void *buf, size_t len)
{
	bool append = write && (f->flags & O_APPEND) && !f->node->stream;
	uint64_t off = append ? f->node->size : f->off;
	int64_t r = io_at(f, write, buf, len, off);

	if (r > 0 && !f->node->stream)
		f->off = off + (uint64_t)r;
	return r;
}

/*
 * The string at *at in the request's words (at most end): it, with *at
 * moved past its NUL; NULL with *err -ENAMETOOLONG (no NUL within
 * FL_FS_PATH_MAX bytes) or -EINVAL (none at all).
 */
static const char *string_arg(const char **at, const char *end, int *err)
{
	const char *s = *at;
	size_t room = s < end ? (size_t)(end - s) : 0, len = room ? strnlen(s, room) : 0;

	if (len == room) {
		*err = end - s >= FL_FS_PATH_MAX ? -ENAMETOOLONG : -EINVAL;
		return NULL;
	}
	if (len >= FL_FS_PATH_MAX) {
		*err = -ENAMETOOLONG;
		return NULL;
	}
	*at = s + len + 1;
	return s;
}

static const char *path_arg(const struct request *rq, int *err)
{
	const char *at = rq->in;

	return string_arg(&at, at + rq->in_len, err);
}

/* Does dir hold name? (mount points included) */
static bool exists(struct node *dir, const char *name)
{
	struct node *n;
	size_t len = strlen(name);

	if (vfs_is_mount_name(dir, name, len))
		return true;
	if (!dir->ops->lookup || dir->ops->lookup(dir, name, len, &n))
		return false;
	node_put(n);
	return true;
}

/* Make path (a file, or S_IFDIR a directory): a reference in *out. */
static int create_at(const char *path, uint32_t mode, struct node **out)
{
	char name[FL_FS_NAME_MAX + 1];
	struct node *dir;
	int err = vfs_walk_parent(path, &dir, name);

	if (err == -EBUSY)
		return -EEXIST;		/* "/" */
	if (err)
		return err;
	if (exists(dir, name))
		err = -EEXIST;
	else if (!dir->ops->create)
		err = -EROFS;
	else
		err = dir->ops->create(dir, name, strlen(name), mode, out);
	node_put(dir);
	return err;
}

/* Refuse what flags ask of n: 0 or -errno; O_TRUNC done. */
static int open_check(struct node *n, int flags)
{
	bool write = (flags & O_ACCMODE) != O_RDONLY;

	if ((flags & O_DIRECTORY) && !node_is_dir(n))
		return -ENOTDIR;
	if (node_is_dir(n) && (write || (flags & O_TRUNC)))
		return -EISDIR;
	if (write && !n->ops->write)
		return -EROFS;
	if ((flags & O_TRUNC) && write && node_is_reg(n)) {
		if (!n->ops->truncate)
			return -EROFS;
		return pc_truncate(n, 0);
	}
	return 0;
}

static int64_t do_open(struct proc *p, const struct request *rq)
{
	int flags = (int)rq->w[0], err;
	const char *path = path_arg(rq, &err);
	struct node *n = NULL;
	struct file *f;

	if (!path)
		return err;
	if ((flags & O_ACCMODE) == O_ACCMODE || rq->w[0] > 0xffffffffu)
		return -EINVAL;
	if (fd_alloc(p, 0) < 0)
		return -EMFILE;
	err = vfs_walk(path, true, &n);
	if (err == -ENOENT && (flags & O_CREAT))
		err = create_at(path, S_IFREG | ((uint32_t)rq->w[1] & 07777), &n);
	else if (!err && (flags & O_CREAT) && (flags & O_EXCL)) {
		node_put(n);
		err = -EEXIST;
	}
	if (err)
		return err;
	if ((err = open_check(n, flags)) == 0) {
		f = file_new(n, flags & KEPT_FLAGS);
		err = f ? fd_install(p, f) : -ENOMEM;
	}
	node_put(n);
	return err;
}

/* A read or write: parked if it would wait on a blocking description. */
static int64_t do_io(struct proc *p, const struct request *rq, struct answer *a)
{
	struct file *f = fd_file(p, (int64_t)rq->w[0]);
	bool write = rq->label == FL_FS_WRITE;
	size_t len = rq->w[1] > FL_FS_IO_MAX ? FL_FS_IO_MAX : (size_t)rq->w[1];
	int64_t r;

	if (!f)
		return -EBADF;
	if (write && (rq->w[1] > FL_FS_IO_MAX || rq->w[1] > rq->in_len))
		return -EINVAL;		/* more than came */
	r = file_io(f, write, write ? (void *)rq->in : a->out, len);
	if (r == -EAGAIN && !(f->flags & O_NONBLOCK)) {
		if (park(rq, f, len, rq->in))
			return -ENOMEM;
		a->parked = true;
		return 0;
	}
	if (!write && r > 0)
		a->out_len = (size_t)r;
	return r;
}

static int64_t do_pio(struct proc *p, const struct request *rq, struct answer *a)
{
	struct file *f = fd_file(p, (int64_t)rq->w[0]);
	bool write = rq->label == FL_FS_PWRITE;
	size_t len = rq->w[1] > FL_FS_IO_MAX ? FL_FS_IO_MAX : (size_t)rq->w[1];
	int64_t r;

	if (!f)
		return -EBADF;
	if (f->node->stream)
		return -ESPIPE;
	if ((int64_t)rq->w[2] < 0)
		return -EINVAL;
	if (write && (rq->w[1] > FL_FS_IO_MAX || rq->w[1] > rq->in_len))
		return -EINVAL;
	r = io_at(f, write, write ? (void *)rq->in : a->out, len, rq->w[2]);
	if (!write && r > 0)
		a->out_len = (size_t)r;
	return r;
}

static int64_t do_lseek(struct proc *p, const struct request *rq)
{
	struct file *f = fd_file(p, (int64_t)rq->w[0]);
	int64_t off = (int64_t)rq->w[1], base;

	if (!f)
		return -EBADF;
	if (f->node->stream)
		return -ESPIPE;
	switch (rq->w[2]) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = (int64_t)f->off; break;
	case SEEK_END:
		if (node_is_dir(f->node))
			return -EINVAL;	/* a directory's offset counts entries */
		base = (int64_t)f->node->size;
		break;
	default: return -EINVAL;
	}
	if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
		return -EINVAL;
	f->off = (uint64_t)(base + off);
	return (int64_t)f->off;
}

static int64_t stat_out(struct node *n, struct answer *a)
{
	struct fl_stat st;

	node_stat(n, &st);
	memcpy(a->out, &st, sizeof(st));
	a->out_len = sizeof(st);
	return 0;
}

static int64_t do_fstat(struct proc *p, const struct request *rq, struct answer *a)
{
	struct file *f = fd_file(p, (int64_t)rq->w[0]);

	return f ? stat_out(f->node, a) : -EBADF;
}

static int64_t do_stat(const struct request *rq, struct answer *a)
{
	int err;
	const char *path = path_arg(rq, &err);
	struct node *n;

	if (!path)
		return err;
	if (rq->w[0] & ~(uint64_t)FL_FS_NOFOLLOW)
		return -EINVAL;
	if ((err = vfs_walk(path, !(rq->w[0] & FL_FS_NOFOLLOW), &n)))
		return err;
	stat_out(n, a);
	node_put(n);
	return 0;
}

/* Records of struct fl_dirent from the description's entry on: their bytes. */
static int64_t do_readdir(struct proc *p, const struct request *rq, struct answer *a)
{
	struct file *f = fd_file(p, (int64_t)rq->w[0]);
	size_t len = rq->w[1] > FL_FS_IO_MAX ? FL_FS_IO_MAX : (size_t)rq->w[1], pos = 0;
	struct dent d;
	int r;

	if (!f)
		return -EBADF;
	if (!node_is_dir(f->node))
		return -ENOTDIR;
	while ((r = vfs_readdir(f->node, f->off, &d)) == 1) {
		size_t reclen = (offsetof(struct fl_dirent, name) + d.namelen + 1 + 7) & ~(size_t)7;
		struct fl_dirent *e = (struct fl_dirent *)(a->out + pos);

		if (pos + reclen > len)
			break;
		memset(e, 0, reclen);
		e->ino = d.ino;
		e->reclen = (uint16_t)reclen;
		e->type = d.type;
		e->namelen = d.namelen;
		memcpy(e->name, d.name, d.namelen);
		pos += reclen;
		f->off++;
	}
	if (r < 0 && pos == 0)
		return r;
	if (r == 1 && pos == 0)
		return -EINVAL;		/* not even one record fits */
	a->out_len = pos;
	return (int64_t)pos;
}

static int64_t do_dup(struct proc *p, const struct request *rq)
{
	struct file *f = fd_file(p, (int64_t)rq->w[0]);
	int fd;

	if (!f)
		return -EBADF;
	if ((fd = fd_alloc(p, 0)) < 0)
		return fd;
	p->fd[fd] = file_get(f);
	return fd;
}

static int64_t do_dup2(struct proc *p, const struct request *rq)
{
	struct file *f = fd_file(p, (int64_t)rq->w[0]);
	int64_t to = (int64_t)rq->w[1];

	if (!f || to < 0 || to >= FL_FS_FDS_MAX)
		return -EBADF;
	if (to == (int64_t)rq->w[0])
		return to;
	file_get(f);
	fd_close(p, to);
	p->fd[to] = f;
	return to;
}

static int64_t do_pipe(struct proc *p, struct answer *a)
{
	int rfd = fd_alloc(p, 0), wfd = rfd < 0 ? rfd : fd_alloc(p, rfd + 1);
	struct node *n;
	struct file *r, *w;

	if (wfd < 0)
		return -EMFILE;
	if (!(n = pipe_new()))
		return -ENFILE;
	r = file_new(n, O_RDONLY);
	w = r ? file_new(n, O_WRONLY) : NULL;
	if (!w) {
		file_put(r);
		if (!r)
			n->ops->release(n);
		return -ENFILE;
	}
	p->fd[rfd] = r;
	p->fd[wfd] = w;
	a->w[1] = rfd;
	a->w[2] = wfd;
	return 0;
}

static int64_t do_ftruncate(struct proc *p, const struct request *rq)
{
	struct file *f = fd_file(p, (int64_t)rq->w[0]);
	struct node *n;

	if (!f)
		return -EBADF;
	n = f->node;
	if ((int64_t)rq->w[1] < 0 || !can_write(f) || !node_is_reg(n))
		return -EINVAL;		/* as Linux: not a file open for writing */
	if (!n->ops->truncate)
		return -EROFS;
	return pc_truncate(n, rq->w[1]);
}

static int64_t do_mkdir(const struct request *rq)
{
	int err;
	const char *path = path_arg(rq, &err);
	struct node *n;

	if (!path)
		return err;
	if ((err = create_at(path, S_IFDIR | ((uint32_t)rq->w[0] & 07777), &n)))
		return err;
	node_put(n);
	return 0;
}

/* unlink (dir false) and rmdir (dir true). */
static int64_t do_remove(const struct request *rq, bool dir)
{
	char name[FL_FS_NAME_MAX + 1];
	int err;
	const char *path = path_arg(rq, &err);
	struct node *d;

	if (!path)
		return err;
	if ((err = vfs_walk_parent(path, &d, name)))
		return err == -EBUSY && !dir ? -EISDIR : err;
	if (vfs_is_mount_name(d, name, strlen(name)))
		err = dir ? -EBUSY : -EISDIR;
	else if (!exists(d, name))
		err = -ENOENT;
	else if (!d->ops->remove)
		err = -EROFS;
	else
		err = d->ops->remove(d, name, strlen(name), dir);
	node_put(d);
	return err;
}

static int64_t do_rename(const struct request *rq)
{
	char fname[FL_FS_NAME_MAX + 1], tname[FL_FS_NAME_MAX + 1];
	const char *at = rq->in, *end = at + rq->in_len, *from, *to;
	struct node *fdir, *tdir;
	int err;

	if (!(from = string_arg(&at, end, &err)) || !(to = string_arg(&at, end, &err)))
		return err;
	if ((err = vfs_walk_parent(from, &fdir, fname)))
		return err;
	if ((err = vfs_walk_parent(to, &tdir, tname))) {
		node_put(fdir);
		return err;
	}
	if (vfs_is_mount_name(fdir, fname, strlen(fname)) ||
	    vfs_is_mount_name(tdir, tname, strlen(tname)))
		err = -EBUSY;
	else if (!exists(fdir, fname))
		err = -ENOENT;
	else if (fdir->dev != tdir->dev)
		err = -EXDEV;
	else if (!fdir->ops->rename)
		err = -EROFS;
	else
		err = fdir->ops->rename(fdir, fname, strlen(fname), tdir, tname, strlen(tname));
	node_put(fdir);
	node_put(tdir);
	return err;
}

/*
 * What mappings may have written to the file's cached pages written
 * back, then the backend's fsync (ext2: the cache written back); EINVAL
 * for a pipe or the console.
 */
static int64_t do_fsync(struct proc *p, const struct request *rq)
{
	struct file *f = fd_file(p, (int64_t)rq->w[0]);
	int err;

	if (!f)
		return -EBADF;
	if (f->node->stream)
		return -EINVAL;
	if ((err = map_fsync(f->node)))
		return err;
	return f->node->ops->fsync ? f->node->ops->fsync(f->node) : 0;
}

static int64_t dispatch(struct proc *p, const struct request *rq, struct answer *a)
{
	switch (rq->label) {
	case FL_FS_OPEN: return do_open(p, rq);
	case FL_FS_CLOSE: return fd_close(p, (int64_t)rq->w[0]);
	case FL_FS_READ:
	case FL_FS_WRITE: return do_io(p, rq, a);
	case FL_FS_PREAD:
	case FL_FS_PWRITE: return do_pio(p, rq, a);
	case FL_FS_LSEEK: return do_lseek(p, rq);
	case FL_FS_FSTAT: return do_fstat(p, rq, a);
	case FL_FS_STAT: return do_stat(rq, a);
	case FL_FS_READDIR: return do_readdir(p, rq, a);
	case FL_FS_DUP: return do_dup(p, rq);
	case FL_FS_DUP2: return do_dup2(p, rq);
	case FL_FS_PIPE: return do_pipe(p, a);
	case FL_FS_FTRUNCATE: return do_ftruncate(p, rq);
	case FL_FS_MKDIR: return do_mkdir(rq);
	case FL_FS_UNLINK: return do_remove(rq, false);
	case FL_FS_RMDIR: return do_remove(rq, true);
	case FL_FS_RENAME: return do_rename(rq);
	case FL_FS_FSYNC: return do_fsync(p, rq);
	default: return -ENOSYS;
	}
}

void fs_serve(const struct request *rq, struct answer *a)
{
	struct proc *p = proc_find(rq->pid);

	a->w[1] = a->w[2] = 0;
	a->out_len = 0;
	a->parked = false;
	a->w[0] = p ? dispatch(p, rq, a) : -ESRCH;
	if (a->w[0] < 0)
		a->out_len = 0;
	park_run();
}
