/*
 * The bootfs (docs/fs.md): the cpio archive the system booted with, read
 * in place. Mounting reads every entry once and builds the tree; a file's
 * node points at its bytes in the archive. Read-only: every change is
 * EROFS (the request layer says so for the missing operations).
 */
#include <stdlib.h>
#include <string.h>
#include <lib/cpio.h>
#include "backend.h"
#include "tree.h"

struct bfile {
	struct tnode t;			/* first: a node is a bfile */
	const uint8_t *data;
};

static const struct node_ops bootfs_ops;
static uint64_t next_ino = 1;
static const uint8_t *archive;		/* where the cpio lies: page i of it is the frame's */

static struct bfile *bfile_new(uint32_t mode)
{
	struct bfile *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->t.node.ops = &bootfs_ops;
	b->t.node.mode = mode;
	b->t.node.nlink = (mode & S_IFMT) == S_IFDIR ? 2 : 1;
	b->t.node.dev = FL_FS_DEV_BOOTFS;
	b->t.node.ino = next_ino++;
	b->t.node.refs = 1;		/* the tree's: never released */
	return b;
}

/* The entry name (len bytes) in dir, made as a directory if missing; NULL: no memory, or not a directory. */
static struct tnode *subdir(struct tnode *dir, const char *name, size_t len)
{
	struct tnode *t = tree_find(dir, name, len);
	struct bfile *b;

	if (t)
		return node_is_dir(&t->node) ? t : NULL;
	if (!(b = bfile_new(S_IFDIR | 0555)))
		return NULL;
	tree_add(dir, &b->t, name, len);
	dir->node.nlink++;
	return &b->t;
}

/* Add one archive entry; entries that do not fit the tree are skipped. */
static int add_entry(struct tnode *root, const struct cpio_file *f)
{
	const char *p = f->name, *slash;
	struct tnode *dir = root;
	uint32_t type = f->mode & CPIO_MODE_TYPE;
	struct bfile *b;
	size_t len;

	while (*p == '.' && p[1] == '/')
		p += 2;
	while (*p == '/')
		p++;
	while ((slash = strchr(p, '/'))) {
		if (slash - p > FL_FS_NAME_MAX || !(dir = subdir(dir, p, (size_t)(slash - p))))
			return 0;
		p = slash + 1;
	}
	len = strlen(p);
	if (!len || len > FL_FS_NAME_MAX || !strcmp(p, ".") || !strcmp(p, "..") ||
	    !strcmp(p, CPIO_PAD_NAME))
		return 0;
	if (type == CPIO_MODE_DIR)
		return subdir(dir, p, len) ? 0 : -ENOMEM;
	if (tree_find(dir, p, len) || (type != CPIO_MODE_FILE && type != S_IFLNK))
		return 0;
	if (!(b = bfile_new(type | (f->mode & 0555))))
		return -ENOMEM;
	b->data = f->data;
	b->t.node.size = f->size;
	tree_add(dir, &b->t, p, len);
	return 0;
}

struct node *bootfs_mount(const void *base, size_t len, const char **why)
{
	struct bfile *root = bfile_new(S_IFDIR | 0555);
	struct cpio_reader r;
	struct cpio_file f;
	int n;

	if (!root) {
		*why = "no memory";
		return NULL;
	}
	tree_init_root(&root->t);
	archive = base;
	cpio_open(&r, base, len);
	while ((n = cpio_next(&r, &f, why)) == 1) {
		if (add_entry(&root->t, &f)) {
			*why = "no memory";
			return NULL;
		}
	}
	return n < 0 ? NULL : &root->t.node;
}

static int64_t bootfs_read(struct node *n, uint64_t off, void *buf, size_t len)
{
	const struct bfile *b = (const struct bfile *)n;

	if (off >= n->size)
		return 0;
	if (len > n->size - off)
		len = (size_t)(n->size - off);
	memcpy(buf, b->data + off, len);
	return (int64_t)len;
}

static int bootfs_readlink(struct node *n, char *buf, size_t len)
{
	const struct bfile *b = (const struct bfile *)n;
	size_t k = n->size < len - 1 ? (size_t)n->size : len - 1;

	memcpy(buf, b->data, k);
	buf[k] = 0;
	return (int)strnlen(buf, k);
}

bool bootfs_frame_page(const struct node *n, uint64_t index, uint64_t *page)
{
	const struct bfile *b = (const struct bfile *)n;
	uint64_t at;

	if (n->ops != &bootfs_ops || !node_is_reg(n) || index >= n->size / BOOTFS_PAGE)
		return false;
	at = (uint64_t)(b->data - archive);
	if (at % BOOTFS_PAGE)
		return false;	/* mkbootfs.py aligns every file; a foreign archive may not */
	*page = at / BOOTFS_PAGE + index;
	return true;
}

static const struct node_ops bootfs_ops = {
	.read = bootfs_read,
	.readdir = tree_readdir,
	.lookup = tree_lookup,
	.parent = tree_parent,
	.readlink = bootfs_readlink,
};
