/*
 * The fs server's file objects (docs/fs.md): nodes with an operations
 * table each backend fills (tmpfs.c, bootfs.c, ext2fs.c, devfs.c, pipe.c),
 * the mounts, and the path walk (vfs.c). Pure: no system calls, so the
 * host tests run all of it. Errors are negative errnos.
 */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <faultline/abi.h>	/* O_*, S_IF*, SEEK_*: newlib's values */
#include <faultline/fs.h>

struct node;
struct mapobj;

/* One directory entry, as a backend gives it. */
struct dent {
	uint64_t ino;
	uint8_t type;			/* FL_DT_* */
	uint8_t namelen;
	char name[FL_FS_NAME_MAX + 1];
};

/*
 * What a backend can do with a node; a NULL operation is refused with the
 * error the request layer chooses (EROFS for changes on a read-only file
 * system, EINVAL otherwise). read and write return byte counts; -EAGAIN
 * from them means "would wait": the request is parked (unless O_NONBLOCK)
 * and tried again after a backend says something changed (node_wake,
 * park.h).
 */
struct node_ops {
	int64_t (*read)(struct node *n, uint64_t off, void *buf, size_t len);
	int64_t (*write)(struct node *n, uint64_t off, const void *buf, size_t len);
	int (*truncate)(struct node *n, uint64_t len);
	/* entry number index of directory n: 1 with *d, 0 past the last */
	int (*readdir)(struct node *n, uint64_t index, struct dent *d);
	/* the node named name (len bytes, not "." or "..") in dir n, a reference */
	int (*lookup)(struct node *n, const char *name, size_t len, struct node **out);
	/* n's parent directory, without a reference (the root: itself); NULL: lookup ".." */
	struct node *(*parent)(struct node *n);
	/* a symlink's target into buf, NUL-terminated: its length */
	int (*readlink)(struct node *n, char *buf, size_t len);
	/* make name in dir n: a regular file or (S_IFDIR) a directory, a reference */
	int (*create)(struct node *n, const char *name, size_t len, uint32_t mode,
		      struct node **out);
	/* remove name from dir n: dir says rmdir (else unlink) */
	int (*remove)(struct node *n, const char *name, size_t len, bool dir);
	/* move from/fname to dir to/tname, both of this file system */
	int (*rename)(struct node *from, const char *fname, size_t flen, struct node *to,
		      const char *tname, size_t tlen);
	/* make n's data and what names it durable (NULL: nothing to do) */
	int (*fsync)(struct node *n);
	/* a description of n was opened / its last reference dropped (flags: O_*) */
	void (*open)(struct node *n, int flags);
	void (*close)(struct node *n, int flags);
	/* the last reference to n is gone */
	void (*release)(struct node *n);
};

struct node {
	const struct node_ops *ops;
	unsigned refs;			/* descriptions, walks and parked requests holding it */
	uint32_t mode;			/* S_IF* and permission bits */
	uint32_t nlink;
	uint32_t dev;			/* FL_FS_DEV_* */
	uint32_t rdev;
	uint64_t ino;
	uint64_t size;
	int64_t mtime;
	bool stream;			/* a pipe or the console: no offsets (ESPIPE) */
	bool mounted;			/* the root of a mount: ".." is the global root */
	struct mapobj *mobj;		/* the pager's mapping object of it and its cached pages, or NULL (mapobj.h) */
};

static inline bool node_is_dir(const struct node *n)
{
	return (n->mode & S_IFMT) == S_IFDIR;
}

static inline bool node_is_reg(const struct node *n)
{
	return (n->mode & S_IFMT) == S_IFREG;
}

static inline bool node_is_link(const struct node *n)
{
	return (n->mode & S_IFMT) == S_IFLNK;
}

struct node *node_get(struct node *n);
void node_put(struct node *n);
uint8_t node_dt(const struct node *n);		/* FL_DT_* of its type */
void node_stat(const struct node *n, struct fl_stat *st);

/* ---- mounts and the path walk (vfs.c) ---- */

/*
 * Mount root at name in the global root ("/" for the root itself, else
 * one component: "boot", "dev", "tmp"). 0, or -ENOSPC past VFS_MOUNTS.
 */
#define VFS_MOUNTS	8
int vfs_mount(const char *name, struct node *root);
void vfs_unmount_all(void);
struct node *vfs_root(void);

#define VFS_LINKS_MAX	16	/* symlinks one walk follows (ELOOP past it) */

/*
 * The node path names: a reference in *out. follow: follow a symlink in
 * the last component too. -ENOENT, -ENOTDIR, -ENAMETOOLONG, -ELOOP,
 * -EINVAL (an empty path: -ENOENT), or a backend's error.
 */
int vfs_walk(const char *path, bool follow, struct node **out);

/*
 * The directory holding path's last component (a reference in *dir) and
 * that name into name (NUL-terminated). -EINVAL if the last component is
 * "." or ".." or the path is "/" (nothing to create or remove there);
 * -EBUSY for a mount point; otherwise as vfs_walk.
 */
int vfs_walk_parent(const char *path, struct node **dir, char name[FL_FS_NAME_MAX + 1]);

/* Is name one of the global root's mount points? */
bool vfs_is_mount_name(struct node *dir, const char *name, size_t len);

/* Entry index of dir, with the mount points when dir is the global root. */
int vfs_readdir(struct node *dir, uint64_t index, struct dent *d);

/* Fill d: a helper for backends' readdir. */
void dent_set(struct dent *d, uint64_t ino, uint8_t type, const char *name, size_t len);
