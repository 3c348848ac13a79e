/*
 * The ext2 backend (docs/fs.md) over the checked reader (ext2.c). A node
 * is made per lookup, holding its inode, and freed with its last
 * reference; ".." is the directory's own entry. Read-only: writes are
 * the next issue, so every change is EROFS.
 */
#include <stdlib.h>
#include <string.h>
#include "backend.h"

struct enode {
	struct node node;		/* first: a node is an enode */
	struct ext2_inode in;
};

static const struct node_ops ext2_ops;
static struct ext2_fs *fs;

static struct enode *enode_of(struct node *n)
{
	return (struct enode *)n;
}

/* A node for inode ino: a reference, or -errno. */
static int enode_new(uint32_t ino, struct node **out)
{
	struct enode *e = calloc(1, sizeof(*e));
	int err;

	if (!e)
		return -ENOMEM;
	if ((err = ext2_read_inode(fs, ino, &e->in))) {
		free(e);
		return err;
	}
	e->node = (struct node){ .ops = &ext2_ops, .refs = 1, .mode = e->in.mode,
				 .nlink = e->in.links, .dev = FL_FS_DEV_EXT2, .ino = ino,
				 .size = e->in.size, .mtime = e->in.mtime };
	*out = &e->node;
	return 0;
}

int ext2fs_unmount(void)
{
	return 0;			/* read-only: nothing to write back */
}

struct node *ext2fs_root(struct ext2_fs *f)
{
	struct node *n;

	fs = f;
	return enode_new(EXT2_ROOT_INO, &n) ? NULL : n;
}

static int64_t ext2fs_read(struct node *n, uint64_t off, void *buf, size_t len)
{
	if (!node_is_reg(n))
		return -ENXIO;		/* a device or fifo on the disk: not served */
	return ext2_read(fs, &enode_of(n)->in, off, buf, len);
}

static uint8_t dt_of(uint8_t ft)
{
	static const uint8_t map[8] = { FL_DT_UNKNOWN, FL_DT_REG, FL_DT_DIR, FL_DT_CHR,
					 FL_DT_UNKNOWN, FL_DT_FIFO, FL_DT_UNKNOWN, FL_DT_LNK };

	return ft < 8 ? map[ft] : FL_DT_UNKNOWN;
}

/* Entry index: the entries are walked from the start (directories are small). */
static int ext2fs_readdir(struct node *n, uint64_t index, struct dent *d)
{
	struct ext2_dirent de;
	uint64_t pos = 0;
	int r;

	for (uint64_t i = 0;; i++) {
		if ((r = ext2_readdir(fs, &enode_of(n)->in, &pos, &de)) != 1)
			return r;
		if (i == index)
			break;
	}
	dent_set(d, de.ino, dt_of(de.type), de.name, de.name_len);
	return 1;
}

static int ext2fs_lookup(struct node *n, const char *name, size_t len, struct node **out)
{
	uint32_t ino;
	int err = ext2_lookup(fs, &enode_of(n)->in, name, len, &ino);

	return err ? err : enode_new(ino, out);
}

static int ext2fs_readlink(struct node *n, char *buf, size_t len)
{
	int err = ext2_readlink(fs, &enode_of(n)->in, buf, len);

	return err < 0 ? err : (int)strlen(buf);
}

static void ext2fs_release(struct node *n)
{
	free(enode_of(n));
}

static const struct node_ops ext2_ops = {
	.read = ext2fs_read,
	.readdir = ext2fs_readdir,
	.lookup = ext2fs_lookup,
	.readlink = ext2fs_readlink,
	.release = ext2fs_release,
};
