/*
 * Nodes' references, the mounts and the path walk (docs/fs.md).
 *
 * The global root is the root of the file system mounted at "/"; the
 * other mounts are names in it ("boot", "dev", "tmp"), found before the
 * backend's own entries, so they need no directory underneath. ".." of a
 * mounted root is the global root; ".." of the global root is itself.
 * Symlinks are followed by splicing their target into the rest of the
 * path, so ".." after a link leaves the link's target, as POSIX says.
 */
#include <string.h>
#include "vfs.h"

static struct {
	char name[16];
	struct node *root;
} mounts[VFS_MOUNTS];
static unsigned nmounts;
static struct node *root;

/* The walk's path and a scratch copy for splicing a link: one walk at a time. */
static char path_buf[FL_FS_PATH_MAX], link_buf[FL_FS_PATH_MAX];

struct node *node_get(struct node *n)
{
	n->refs++;
	return n;
}

void node_put(struct node *n)
{
	if (n && --n->refs == 0 && n->ops->release)
		n->ops->release(n);
}

uint8_t node_dt(const struct node *n)
{
	switch (n->mode & S_IFMT) {
	case S_IFDIR: return FL_DT_DIR;
	case S_IFREG: return FL_DT_REG;
	case S_IFLNK: return FL_DT_LNK;
	case S_IFIFO: return FL_DT_FIFO;
	case S_IFCHR: return FL_DT_CHR;
	default: return FL_DT_UNKNOWN;
	}
}

void node_stat(const struct node *n, struct fl_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->ino = n->ino;
	st->size = n->size;
	st->blocks = (n->size + 511) / 512;
	st->mode = n->mode;
	st->nlink = n->nlink;
	st->dev = n->dev;
	st->rdev = n->rdev;
	st->atime = st->mtime = st->ctime = n->mtime;
}

void dent_set(struct dent *d, uint64_t ino, uint8_t type, const char *name, size_t len)
{
	if (len > FL_FS_NAME_MAX)
		len = FL_FS_NAME_MAX;
	d->ino = ino;
	d->type = type;
	d->namelen = (uint8_t)len;
	memcpy(d->name, name, len);
	d->name[len] = 0;
}

int vfs_mount(const char *name, struct node *r)
{
	if (!strcmp(name, "/")) {
		node_put(root);
		root = node_get(r);
		r->mounted = true;
		return 0;
	}
	if (nmounts == VFS_MOUNTS || strlen(name) >= sizeof(mounts[0].name))
		return -ENOSPC;
	memcpy(mounts[nmounts].name, name, strlen(name) + 1);
	mounts[nmounts++].root = node_get(r);
	r->mounted = true;
	return 0;
}

void vfs_unmount_all(void)
{
	while (nmounts)
		node_put(mounts[--nmounts].root);
	node_put(root);
	root = NULL;
}

struct node *vfs_root(void)
{
	return root;
}

static struct node *mount_at(struct node *dir, const char *name, size_t len)
{
	if (dir != root)
		return NULL;
	for (unsigned i = 0; i < nmounts; i++)
		if (strlen(mounts[i].name) == len && !memcmp(mounts[i].name, name, len))
			return mounts[i].root;
	return NULL;
}

bool vfs_is_mount_name(struct node *dir, const char *name, size_t len)
{
	return mount_at(dir, name, len) != NULL;
}

/*
 * The root lists the backend's entries, less those a mount hides, then
 * the mount points: entry index is found by counting from the start.
 */
static int root_readdir(uint64_t index, struct dent *d)
{
	uint64_t seen = 0;
	int r;

	for (uint64_t i = 0; (r = root->ops->readdir(root, i, d)) == 1; i++) {
		if (mount_at(root, d->name, d->namelen))
			continue;
		if (seen++ == index)
			return 1;
	}
	if (r < 0)
		return r;
	if (index - seen >= nmounts)
		return 0;
	struct node *m = mounts[index - seen].root;
	dent_set(d, m->ino, FL_DT_DIR, mounts[index - seen].name,
		 strlen(mounts[index - seen].name));
	return 1;
}

int vfs_readdir(struct node *dir, uint64_t index, struct dent *d)
{
	if (!node_is_dir(dir) || !dir->ops->readdir)
		return -ENOTDIR;
	if (dir == root)
		return root_readdir(index, d);
	return dir->ops->readdir(dir, index, d);
}

/* The child name (len bytes) of directory dir: a reference. */
static int step(struct node *dir, const char *name, size_t len, struct node **out)
{
	struct node *m;

	if (!node_is_dir(dir))
		return -ENOTDIR;
	if (len == 1 && name[0] == '.') {
		*out = node_get(dir);
		return 0;
	}
	if (len == 2 && name[0] == '.' && name[1] == '.') {
		if (dir == root)
			*out = node_get(root);
		else if (dir->mounted)
			*out = node_get(root);
		else if (dir->ops->parent)
			*out = node_get(dir->ops->parent(dir));
		else
			return dir->ops->lookup(dir, name, len, out);	/* a real ".." entry */
		return 0;
	}
	if ((m = mount_at(dir, name, len))) {
		*out = node_get(m);
		return 0;
	}
	if (!dir->ops->lookup)
		return -ENOENT;
	return dir->ops->lookup(dir, name, len, out);
}

/*
 * Replace path_buf with link's target followed by rest (which lies in
 * path_buf): -ENAMETOOLONG if that is FL_FS_PATH_MAX bytes or more.
 */
static int splice_link(struct node *link, const char *rest)
{
	int n = link->ops->readlink ? link->ops->readlink(link, link_buf, sizeof(link_buf)) : -EINVAL;
	size_t rlen = strlen(rest);

	if (n < 0)
		return n;
	if (n == 0)
		return -ENOENT;
	if ((size_t)n + rlen + 1 >= sizeof(link_buf))
		return -ENAMETOOLONG;
	memcpy(link_buf + n, rest, rlen + 1);
	memcpy(path_buf, link_buf, (size_t)n + rlen + 1);
	return 0;
}

/*
 * The walk: parent set means stop before the last component (into name).
 * *out holds a reference on success.
 */
static int walk(const char *path, bool follow, char *parent, struct node **out)
{
	size_t len = strnlen(path, FL_FS_PATH_MAX);
	struct node *cur, *next;
	unsigned links = 0;
	bool must_dir = false;
	char *p = path_buf;
	int err = 0;

	if (len == FL_FS_PATH_MAX)
		return -ENAMETOOLONG;
	if (len == 0)
		return -ENOENT;
	if (!root)
		return -ENOENT;
	memcpy(path_buf, path, len + 1);
	cur = node_get(root);
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		char *q = p;
		while (*q && *q != '/')
			q++;
		size_t n = (size_t)(q - p);
		char *after = q;
		while (*after == '/')
			after++;
		bool last = !*after;
		must_dir = *q == '/';
		if (n > FL_FS_NAME_MAX) {
			err = -ENAMETOOLONG;
			break;
		}
		if (parent && last) {
			if (!node_is_dir(cur))
				err = -ENOTDIR;
			else if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
				err = -EINVAL;
			memcpy(parent, p, n);
			parent[n] = 0;
			if (err)
				break;
			*out = cur;
			return 0;
		}
		if ((err = step(cur, p, n, &next)))
			break;
		if (node_is_link(next) && (!last || follow || must_dir)) {
			bool absolute;

			if (++links > VFS_LINKS_MAX)
				err = -ELOOP;
			else
				err = splice_link(next, q);
			node_put(next);
			if (err)
				break;
			absolute = path_buf[0] == '/';
			if (absolute) {
				node_put(cur);
				cur = node_get(root);
			}
			p = path_buf;
			continue;
		}
		node_put(cur);
		cur = next;
		p = q;
	}
	if (!err && parent)
		err = -EBUSY;		/* no last component: the path names the root */
	if (!err && must_dir && !node_is_dir(cur))
		err = -ENOTDIR;
	if (err) {
		node_put(cur);
		return err;
	}
	*out = cur;
	return 0;
}

int vfs_walk(const char *path, bool follow, struct node **out)
{
	return walk(path, follow, NULL, out);
}

int vfs_walk_parent(const char *path, struct node **dir, char name[FL_FS_NAME_MAX + 1])
{
	return walk(path, false, name, dir);
}
