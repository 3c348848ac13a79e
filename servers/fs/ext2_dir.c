/*
 * Names written (ext2_write.h, docs/ext2.md): directory entries added
 * (splitting an entry's slack, else a new block) and removed (merged into
 * the entry before, or marked unused at a block's start), and on them
 * create, mkdir, unlink, rmdir and rename with the link counts.
 */
#include "ext2_priv.h"
#include "ext2_write.h"

#ifndef EMLINK
#define EMLINK		31	/* newlib's; the kernel's errno.h (host tests) lacks it */
#endif
#define LINK_MAX	65000	/* a directory's link count: EMLINK past it */
#define WALK_MAX	65536	/* ".." steps looking for a loop */

static unsigned rec_need(size_t name_len)
{
	return (unsigned)((DIRENT_HDR + name_len + 3) & ~(size_t)3);
}

static uint8_t ftype(const struct ext2_fs *fs, uint16_t mode)
{
	static const uint8_t map[16] = { [0x1] = 5, [0x2] = 3, [0x4] = 2, [0x6] = 4,
					 [0x8] = 1, [0xA] = 7, [0xC] = 6 };

	return (fs->incompat & INCOMPAT_FILETYPE) ? map[mode >> 12] : 0;
}

/* The disk byte of directory dir's byte pos (a block it has). */
static int dir_off(struct ext2_fs *fs, const struct ext2_inode *dir, uint64_t pos, uint64_t *off)
{
	uint32_t pblk;
	int err = ext2_bmap(fs, dir, pos / fs->block_size, &pblk);

	if (err)
		return err;
	if (pblk == 0)
		return ext2_fail(fs, -EIO, "a hole in a directory");
	*off = block_off(fs, pblk) + pos % fs->block_size;
	return 0;
}

static int put_entry(struct ext2_fs *fs, const struct ext2_inode *dir, uint64_t pos,
		     uint32_t ino, uint32_t rec_len, const char *name, size_t len, uint8_t type)
{
	uint8_t h[DIRENT_HDR];
	uint64_t off;
	int err = dir_off(fs, dir, pos, &off);

	if (err)
		return err;
	put_le32(h, ino);
	put_le16(h + 4, (uint16_t)rec_len);
	h[6] = (uint8_t)len;
	h[7] = type;
	if ((err = ext2_dev_write(fs, off, h, sizeof(h))))
		return err;
	return ext2_dev_write(fs, off + DIRENT_HDR, name, len);
}

/* A directory changed by a linear writer is no longer a hashed tree: say so. */
static int unindex(struct ext2_fs *fs, struct ext2_inode *dir)
{
	if (!(dir->flags & INDEX_FL))
		return 0;
	dir->flags &= ~(uint32_t)INDEX_FL;
	return ext2_write_inode(fs, dir);
}

/*
 * Find name in dir: *pos its entry, *prev the entry before it in the same
 * block (or UINT64_MAX), *de it. -ENOENT.
 */
static int find(struct ext2_fs *fs, const struct ext2_inode *dir, const char *name, size_t len,
		uint64_t *pos, uint64_t *prev, struct ext2_dirent *de)
{
	uint32_t rec;
	int err;

	*prev = UINT64_MAX;
	for (*pos = 0; *pos < dir->size; *pos += rec) {
		if (*pos % fs->block_size == 0)
			*prev = UINT64_MAX;
		if ((err = ext2_dir_entry(fs, dir, *pos, de, &rec)))
			return err;
		if (de->ino && de->name_len == len && memcmp(de->name, name, len) == 0)
			return 0;
		*prev = *pos;
	}
	return ext2_fail(fs, -ENOENT, "no such entry");
}

/* Add name -> ino to dir (not there: the caller looked). */
static int add(struct ext2_fs *fs, struct ext2_inode *dir, const char *name, size_t len,
	       uint32_t ino, uint8_t type)
{
	struct ext2_dirent de;
	unsigned need = rec_need(len);
	uint32_t rec, pblk;
	uint64_t pos;
	int err;

	if ((err = unindex(fs, dir)))
		return err;
	for (pos = 0; pos < dir->size; pos += rec) {
		unsigned used;
		uint64_t off;

		if ((err = ext2_dir_entry(fs, dir, pos, &de, &rec)))
			return err;
		used = de.ino ? rec_need(de.name_len) : 0;
		if (rec < used + need)
			continue;
		if (used == 0)
			return put_entry(fs, dir, pos, ino, rec, name, len, type);
		/* split: the entry keeps what it uses, the new one takes the rest */
		if ((err = put_entry(fs, dir, pos + used, ino, rec - used, name, len, type)) ||
		    (err = dir_off(fs, dir, pos, &off)))
			return err;
		return ext2_put(fs, off + 4, 2, used);
	}
	if (dir->size + fs->block_size > UINT32_MAX)
		return ext2_fail(fs, -EFBIG, "directory too large");
	if ((err = ext2_bmap_alloc(fs, dir, dir->size / fs->block_size, &pblk)))
		return err;
	dir->size += fs->block_size;
	if ((err = ext2_write_inode(fs, dir)))
		return err;
	return put_entry(fs, dir, pos, ino, fs->block_size, name, len, type);
}

/* Take name out of dir. */
static int drop(struct ext2_fs *fs, struct ext2_inode *dir, const char *name, size_t len)
{
	struct ext2_dirent de, pde;
	uint64_t pos, prev, off;
	uint32_t rec, prec;
	int err;

	if ((err = unindex(fs, dir)) || (err = find(fs, dir, name, len, &pos, &prev, &de)) ||
	    (err = ext2_dir_entry(fs, dir, pos, &de, &rec)))
		return err;
	if (prev == UINT64_MAX) {	/* first of its block: unused, keeping its length */
		if ((err = dir_off(fs, dir, pos, &off)))
			return err;
		return ext2_put(fs, off, 4, 0);
	}
	if ((err = ext2_dir_entry(fs, dir, prev, &pde, &prec)) || (err = dir_off(fs, dir, prev, &off)))
		return err;
	return ext2_put(fs, off + 4, 2, prec + rec);
}

/* Point name's entry in dir at ino (of type). */
static int repoint(struct ext2_fs *fs, const struct ext2_inode *dir, const char *name,
		   size_t len, uint32_t ino, uint8_t type)
{
	struct ext2_dirent de;
	uint64_t pos, prev, off;
	int err;

	if ((err = find(fs, dir, name, len, &pos, &prev, &de)) || (err = dir_off(fs, dir, pos, &off)) ||
	    (err = ext2_put(fs, off, 4, ino)))
		return err;
	return type ? ext2_dev_write(fs, off + 7, &type, 1) : 0;
}

static int is_empty(struct ext2_fs *fs, const struct ext2_inode *dir)
{
	struct ext2_dirent de;
	uint64_t pos = 0;
	int r;

	while ((r = ext2_readdir(fs, dir, &pos, &de)) > 0)
		if (!(de.name_len == 1 && de.name[0] == '.') &&
		    !(de.name_len == 2 && de.name[0] == '.' && de.name[1] == '.'))
			return 0;
	return r < 0 ? r : 1;
}

static int check_name(struct ext2_fs *fs, const char *name, size_t len)
{
	if (!ext2_writable(fs))
		return ext2_fail(fs, -EROFS, "the file system is mounted read-only");
	if (len == 0)
		return ext2_fail(fs, -ENOENT, "empty name");
	if (len > EXT2_NAME_MAX)
		return ext2_fail(fs, -ENAMETOOLONG, "name longer than 255 bytes");
	for (size_t i = 0; i < len; i++)
		if (name[i] == '/' || name[i] == '\0')
			return ext2_fail(fs, -EINVAL, "a '/' or NUL in a name");
	if ((len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return ext2_fail(fs, -EINVAL, "not a name an entry may have");
	return 0;
}

/* dir may take a new name (a directory, not removed). */
static int check_dir(struct ext2_fs *fs, const struct ext2_inode *dir)
{
	if (!ext2_is_dir(dir))
		return ext2_fail(fs, -ENOTDIR, "not a directory");
	if (dir->links == 0)
		return ext2_fail(fs, -ENOENT, "the directory was removed");
	return 0;
}

/* A new directory's block: "." and "..". */
static int make_dir_block(struct ext2_fs *fs, struct ext2_inode *in, uint32_t parent)
{
	uint32_t pblk;
	int err;

	if ((err = ext2_bmap_alloc(fs, in, 0, &pblk)))
		return err;
	in->size = fs->block_size;
	if ((err = ext2_write_inode(fs, in)) ||
	    (err = put_entry(fs, in, 0, in->ino, 12, ".", 1, ftype(fs, EXT2_S_IFDIR))))
		return err;
	return put_entry(fs, in, 12, parent, fs->block_size - 12, "..", 2, ftype(fs, EXT2_S_IFDIR));
}

int ext2_create(struct ext2_fs *fs, struct ext2_inode *dir, const char *name, size_t len,
		uint16_t mode, struct ext2_inode *out)
{
	bool isdir = (mode & EXT2_S_IFMT) == EXT2_S_IFDIR;
	uint32_t ino;
	int err;

	if ((err = check_name(fs, name, len)) || (err = check_dir(fs, dir)))
		return err;
	if ((err = ext2_lookup(fs, dir, name, len, &ino)) != -ENOENT)
		return err ? err : ext2_fail(fs, -EEXIST, "the name exists");
	if (isdir && dir->links >= LINK_MAX)
		return ext2_fail(fs, -EMLINK, "too many subdirectories");
	if ((err = ext2_alloc_inode(fs, (dir->ino - 1) / fs->inodes_per_group, isdir, &ino)))
		return err;
	memset(out, 0, sizeof(*out));
	out->ino = ino;
	out->mode = mode;
	out->links = isdir ? 2 : 1;
	err = isdir ? make_dir_block(fs, out, dir->ino) : ext2_write_inode(fs, out);
	if (!err)
		err = add(fs, dir, name, len, ino, ftype(fs, mode));
	if (err) {			/* undo: the disk is as before (ENOSPC) */
		const char *why = fs->why;

		out->links = 0;
		if (!ext2_write_inode(fs, out))
			ext2_evict(fs, ino);
		fs->why = why;
		return err;
	}
	if (isdir) {
		dir->links++;
		return ext2_write_inode(fs, dir);
	}
	return 0;
}

/* Drop a link of in, whose name went away: *gone if it was the last. */
static int unlinked(struct ext2_fs *fs, struct ext2_inode *parent, struct ext2_inode *in,
		    uint32_t *gone)
{
	int err;

	if (ext2_is_dir(in)) {
		in->links = 0;		/* its name and its "." */
		parent->links--;	/* its ".." */
		if ((err = ext2_write_inode(fs, parent)))
			return err;
	} else if (in->links) {
		in->links--;
	}
	*gone = in->links ? 0 : in->ino;
	return ext2_write_inode(fs, in);
}

int ext2_unlink(struct ext2_fs *fs, struct ext2_inode *dir, const char *name, size_t len,
		bool rmdir, uint32_t *gone)
{
	struct ext2_inode in;
	uint32_t ino;
	int err;

	*gone = 0;
	if ((err = check_name(fs, name, len)) || (err = ext2_lookup(fs, dir, name, len, &ino)) ||
	    (err = ext2_read_inode(fs, ino, &in)))
		return err;
	if (rmdir && !ext2_is_dir(&in))
		return ext2_fail(fs, -ENOTDIR, "not a directory");
	if (!rmdir && ext2_is_dir(&in))
		return ext2_fail(fs, -EISDIR, "a directory");
	if (rmdir && (err = is_empty(fs, &in)) <= 0)
		return err ? err : ext2_fail(fs, -ENOTEMPTY, "the directory is not empty");
	if ((err = drop(fs, dir, name, len)))
		return err;
	return unlinked(fs, dir, &in, gone);
}

/* Is directory ino dir itself or below it? (walking ".." up from ino) */
static int within(struct ext2_fs *fs, uint32_t ino, uint32_t dir)
{
	struct ext2_inode in;
	int err;

	for (unsigned steps = 0; steps < WALK_MAX; steps++) {
		if (ino == dir)
			return 1;
		if (ino == EXT2_ROOT_INO)
			return 0;
		if ((err = ext2_read_inode(fs, ino, &in)) || (err = ext2_lookup(fs, &in, "..", 2, &ino)))
			return err;
	}
	return ext2_fail(fs, -EIO, "a directory loop");
}

int ext2_rename(struct ext2_fs *fs, uint32_t fdir, const char *fname, size_t flen,
		uint32_t tdir, const char *tname, size_t tlen, uint32_t *gone)
{
	struct ext2_inode fd, td, src, dst, *tp = fdir == tdir ? &fd : &td;
	uint32_t sino, dino;
	bool isdir;
	int err;

	*gone = 0;
	if ((err = check_name(fs, fname, flen)) || (err = check_name(fs, tname, tlen)) ||
	    (err = ext2_read_inode(fs, fdir, &fd)) || (err = ext2_read_inode(fs, tdir, &td)) ||
	    (err = check_dir(fs, &fd)) || (err = check_dir(fs, tp)) ||
	    (err = ext2_lookup(fs, &fd, fname, flen, &sino)) ||
	    (err = ext2_read_inode(fs, sino, &src)))
		return err;
	isdir = ext2_is_dir(&src);
	if (isdir && (err = within(fs, tdir, sino)))
		return err < 0 ? err : ext2_fail(fs, -EINVAL, "moving a directory into itself");
	err = ext2_lookup(fs, tp, tname, tlen, &dino);
	if (err && err != -ENOENT)
		return err;
	if (!err) {			/* replace dst */
		if (dino == sino)
			return 0;
		if ((err = ext2_read_inode(fs, dino, &dst)))
			return err;
		if (isdir && !ext2_is_dir(&dst))
			return ext2_fail(fs, -ENOTDIR, "replacing a file with a directory");
		if (!isdir && ext2_is_dir(&dst))
			return ext2_fail(fs, -EISDIR, "replacing a directory with a file");
		if (ext2_is_dir(&dst) && (err = is_empty(fs, &dst)) <= 0)
			return err ? err : ext2_fail(fs, -ENOTEMPTY, "the directory is not empty");
		if ((err = repoint(fs, tp, tname, tlen, sino, ftype(fs, src.mode))) ||
		    (err = unlinked(fs, tp, &dst, gone)))
			return err;
	} else {
		if (isdir && fdir != tdir && tp->links >= LINK_MAX)
			return ext2_fail(fs, -EMLINK, "too many subdirectories");
		if ((err = add(fs, tp, tname, tlen, sino, ftype(fs, src.mode))))
			return err;
	}
	/* the new name is there first: a crash between leaves two names, not none */
	if ((err = drop(fs, &fd, fname, flen)))
		return err;
	if (isdir && fdir != tdir) {
		if ((err = repoint(fs, &src, "..", 2, tdir, 0)))
			return err;
		fd.links--;
		tp->links++;
		if ((err = ext2_write_inode(fs, tp)))
			return err;
	}
	return ext2_write_inode(fs, &fd);
}
