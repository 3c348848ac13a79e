/*
 * /tmp (docs/fs.md): a tree of nodes in memory, every file's bytes in one
 * buffer that grows by doubling. A removed node stays while something
 * holds it (an open description) and is freed with the last reference.
 */
#include <stdlib.h>
#include <string.h>
#include "backend.h"
#include "tree.h"

struct tmp {
	struct tnode t;			/* first: a node is a tmp */
	uint8_t *data;
	size_t cap;
};

static const struct node_ops tmp_ops;
static size_t bytes, nodes;
static uint64_t next_ino = 1;

static struct tmp *tmp_of(struct node *n)
{
	return (struct tmp *)n;
}

size_t tmpfs_bytes(void)
{
	return bytes;
}

static struct tmp *tmp_alloc(uint32_t mode)
{
	struct tmp *m;

	if (nodes == TMPFS_NODES_MAX || !(m = calloc(1, sizeof(*m))))
		return NULL;
	nodes++;
	m->t.node.ops = &tmp_ops;
	m->t.node.mode = mode;
	m->t.node.nlink = (mode & S_IFMT) == S_IFDIR ? 2 : 1;
	m->t.node.dev = FL_FS_DEV_TMPFS;
	m->t.node.ino = next_ino++;
	return m;
}

static void tmp_release(struct node *n)
{
	struct tmp *m = tmp_of(n);

	if (n->nlink)
		return;			/* still named: it lives in the tree */
	bytes -= m->cap;
	nodes--;
	free(m->data);
	free(m);
}

struct node *tmpfs_new(void)
{
	struct tmp *m = tmp_alloc(S_IFDIR | 01777);

	if (!m)
		return NULL;
	tree_init_root(&m->t);
	m->t.node.refs = 1;
	return &m->t.node;
}

/* Room for at least want bytes: 0, -ENOSPC. */
static int reserve(struct tmp *m, size_t want)
{
	size_t cap = m->cap ? m->cap : 64;
	uint8_t *d;

	if (want <= m->cap)
		return 0;
	while (cap < want)
		cap *= 2;
	if (cap > TMPFS_FILE_MAX)
		cap = TMPFS_FILE_MAX;
	if (bytes - m->cap + cap > TMPFS_BYTES_MAX || !(d = realloc(m->data, cap)))
		return -ENOSPC;
	bytes += cap - m->cap;
	m->data = d;
	m->cap = cap;
	return 0;
}

static int64_t tmp_read(struct node *n, uint64_t off, void *buf, size_t len)
{
	struct tmp *m = tmp_of(n);

	if (off >= n->size)
		return 0;
	if (len > n->size - off)
		len = (size_t)(n->size - off);
	memcpy(buf, m->data + off, len);
	return (int64_t)len;
}

/* Set the size to len, zeroing what a growth exposes. */
static int resize(struct tmp *m, uint64_t len)
{
	struct node *n = &m->t.node;
	int err;

	if (len > TMPFS_FILE_MAX)
		return -EFBIG;
	if ((err = reserve(m, (size_t)len)))
		return err;
	if (len > n->size)
		memset(m->data + n->size, 0, (size_t)(len - n->size));
	n->size = len;
	return 0;
}

static int64_t tmp_write(struct node *n, uint64_t off, const void *buf, size_t len)
{
	struct tmp *m = tmp_of(n);
	int err;

	if (off >= TMPFS_FILE_MAX)
		return -EFBIG;
	if (len > TMPFS_FILE_MAX - off)
		len = (size_t)(TMPFS_FILE_MAX - off);
	if (off + len > n->size && (err = resize(m, off + len)))
		return err;
	memcpy(m->data + off, buf, len);
	return (int64_t)len;
}

static int tmp_truncate(struct node *n, uint64_t len)
{
	return resize(tmp_of(n), len);
}

static int tmp_create(struct node *n, const char *name, size_t len, uint32_t mode,
		      struct node **out)
{
	struct tmp *m;

	if (n->nlink == 0)
		return -ENOENT;		/* a removed directory takes no entries */
	if (tree_find(tnode_of(n), name, len))
		return -EEXIST;
	if (!(m = tmp_alloc(mode)))
		return -ENOSPC;
	tree_add(tnode_of(n), &m->t, name, len);
	if ((mode & S_IFMT) == S_IFDIR)
		n->nlink++;
	*out = node_get(&m->t.node);
	return 0;
}

/* Take t out of its directory; freed now unless something holds it. */
static void drop(struct tnode *t)
{
	struct node *n = &t->node;

	if (node_is_dir(n))
		t->parent->node.nlink--;
	tree_unlink(t);
	n->nlink = 0;
	if (n->refs == 0)
		tmp_release(n);
}

static int tmp_remove(struct node *n, const char *name, size_t len, bool dir)
{
	struct tnode *t = tree_find(tnode_of(n), name, len);

	if (!t)
		return -ENOENT;
	if (dir && !node_is_dir(&t->node))
		return -ENOTDIR;
	if (!dir && node_is_dir(&t->node))
		return -EISDIR;
	if (dir && !tree_empty(t))
		return -ENOTEMPTY;
	drop(t);
	return 0;
}

static int tmp_rename(struct node *from, const char *fname, size_t flen, struct node *to,
		      const char *tname, size_t tlen)
{
	struct tnode *src = tree_find(tnode_of(from), fname, flen), *dst;
	bool isdir;

	if (!src)
		return -ENOENT;
	if (to->nlink == 0)
		return -ENOENT;
	isdir = node_is_dir(&src->node);
	if (isdir && tree_within(tnode_of(to), src))
		return -EINVAL;		/* into itself */
	dst = tree_find(tnode_of(to), tname, tlen);
	if (dst == src)
		return 0;
	if (dst) {
		if (isdir && !node_is_dir(&dst->node))
			return -ENOTDIR;
		if (!isdir && node_is_dir(&dst->node))
			return -EISDIR;
		if (isdir && !tree_empty(dst))
			return -ENOTEMPTY;
		drop(dst);
	}
	tree_unlink(src);
	if (isdir) {
		from->nlink--;
		to->nlink++;
	}
	tree_add(tnode_of(to), src, tname, tlen);
	return 0;
}

static const struct node_ops tmp_ops = {
	.read = tmp_read,
	.write = tmp_write,
	.truncate = tmp_truncate,
	.readdir = tree_readdir,
	.lookup = tree_lookup,
	.parent = tree_parent,
	.create = tmp_create,
	.remove = tmp_remove,
	.rename = tmp_rename,
	.release = tmp_release,
};
