/*
 * The ext2 backend (docs/fs.md) over the ext2 library (ext2.c reads,
 * ext2_write.h writes). One node per inode in use: a lookup of an inode
 * that already has a node gets that node, so every open of a file sees
 * one size. After a change to names (create, unlink, rename), every node's
 * inode is read again: link counts and directory sizes stay current. An
 * inode whose last name goes while a node holds it (an open file) is
 * freed with that node's last reference, or at unmount.
 * A read-only mount (dev.write NULL, or an image with features the writer
 * does not keep: ext2_fs.ro_why) has no change operations: EROFS.
 */
#include <stdlib.h>
#include <string.h>
#include "backend.h"
#include "ext2_write.h"

struct enode {
	struct node node;		/* first: a node is an enode */
	struct ext2_inode in;
	struct enode *next;		/* in live */
};

static const struct node_ops ext2_ro_ops, ext2_rw_ops;
static struct ext2_fs *fs;
static struct enode *live;

static struct enode *enode_of(struct node *n)
{
	return (struct enode *)n;
}

static void sync_node(struct enode *e)
{
	e->node.mode = e->in.mode;
	e->node.nlink = e->in.links;
	e->node.size = e->in.size;
	e->node.mtime = e->in.mtime;
}

static struct enode *find_live(uint32_t ino)
{
	for (struct enode *e = live; e; e = e->next)
		if (e->node.ino == ino)
			return e;
	return NULL;
}

/* The node of inode ino: a reference, or -errno. */
static int enode_get(uint32_t ino, struct node **out)
{
	struct enode *e = find_live(ino);
	int err;

	if (e) {
		*out = node_get(&e->node);
		return 0;
	}
	if (!(e = calloc(1, sizeof(*e))))
		return -ENOMEM;
	if ((err = ext2_read_inode(fs, ino, &e->in))) {
		free(e);
		return err;
	}
	e->node = (struct node){ .ops = ext2_writable(fs) ? &ext2_rw_ops : &ext2_ro_ops,
				 .refs = 1, .dev = FL_FS_DEV_EXT2, .ino = ino };
	sync_node(e);
	e->next = live;
	live = e;
	*out = &e->node;
	return 0;
}

/* After a change of names: every node's inode as it is now. */
static void refresh(void)
{
	for (struct enode *e = live; e; e = e->next)
		if (!ext2_read_inode(fs, (uint32_t)e->node.ino, &e->in))
			sync_node(e);
}

/* Inode ino lost its last name: freed now unless a node holds it. */
static int gone(uint32_t ino)
{
	return ino && !find_live(ino) ? ext2_evict(fs, ino) : 0;
}

int ext2fs_unmount(void)
{
	int err;

	if (!fs)
		return 0;
	/* open files whose names are gone: the machine stops, so they go too */
	for (struct enode *e = live; e; e = e->next)
		if (ext2_writable(fs) && e->in.links == 0 && (err = ext2_evict(fs, e->in.ino)))
			return err;
	return ext2_unmount(fs);
}

struct node *ext2fs_root(struct ext2_fs *f)
{
	struct node *n;

	fs = f;
	live = NULL;
	return enode_get(EXT2_ROOT_INO, &n) ? NULL : n;
}

static int64_t ext2fs_read(struct node *n, uint64_t off, void *buf, size_t len)
{
	if (!node_is_reg(n))
		return -ENXIO;		/* a device or fifo on the disk: not served */
	return ext2_read(fs, &enode_of(n)->in, off, buf, len);
}

static int64_t ext2fs_write(struct node *n, uint64_t off, const void *buf, size_t len)
{
	int64_t r;

	if (!node_is_reg(n))
		return -ENXIO;
	r = ext2_write(fs, &enode_of(n)->in, off, buf, len);
	sync_node(enode_of(n));
	return r;
}

static int ext2fs_truncate(struct node *n, uint64_t len)
{
	int err = ext2_truncate(fs, &enode_of(n)->in, len);

	sync_node(enode_of(n));
	return err;
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

	return err ? err : enode_get(ino, out);
}

static int ext2fs_readlink(struct node *n, char *buf, size_t len)
{
	int err = ext2_readlink(fs, &enode_of(n)->in, buf, len);

	return err < 0 ? err : (int)strlen(buf);
}

static int ext2fs_create(struct node *n, const char *name, size_t len, uint32_t mode,
			 struct node **out)
{
	struct ext2_inode in;
	int err = ext2_create(fs, &enode_of(n)->in, name, len, (uint16_t)mode, &in);

	refresh();
	return err ? err : enode_get(in.ino, out);
}

static int ext2fs_remove(struct node *n, const char *name, size_t len, bool dir)
{
	uint32_t ino;
	int err = ext2_unlink(fs, &enode_of(n)->in, name, len, dir, &ino);

	refresh();
	return err ? err : gone(ino);
}

static int ext2fs_rename(struct node *from, const char *fname, size_t flen, struct node *to,
			 const char *tname, size_t tlen)
{
	uint32_t ino;
	int err = ext2_rename(fs, (uint32_t)from->ino, fname, flen, (uint32_t)to->ino, tname,
			      tlen, &ino);

	refresh();
	return err ? err : gone(ino);
}

static int ext2fs_fsync(struct node *n)
{
	(void)n;
	return ext2_sync(fs);
}

static void ext2fs_release(struct node *n)
{
	struct enode *e = enode_of(n), **p;

	for (p = &live; *p; p = &(*p)->next)
		if (*p == e) {
			*p = e->next;
			break;
		}
	if (e->in.links == 0 && ext2_writable(fs))
		ext2_evict(fs, e->in.ino);	/* unlinked while open: its last close */
	free(e);
}

static const struct node_ops ext2_ro_ops = {
	.read = ext2fs_read,
	.readdir = ext2fs_readdir,
	.lookup = ext2fs_lookup,
	.readlink = ext2fs_readlink,
	.release = ext2fs_release,
};

static const struct node_ops ext2_rw_ops = {
	.read = ext2fs_read,
	.write = ext2fs_write,
	.truncate = ext2fs_truncate,
	.readdir = ext2fs_readdir,
	.lookup = ext2fs_lookup,
	.readlink = ext2fs_readlink,
	.create = ext2fs_create,
	.remove = ext2fs_remove,
	.rename = ext2fs_rename,
	.fsync = ext2fs_fsync,
	.release = ext2fs_release,
};
