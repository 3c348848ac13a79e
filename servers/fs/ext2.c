/*
 * The ext2 reader (ext2.h, docs/ext2.md). On-disk layout, all little-endian:
 *
 *   byte 1024    the superblock (1024 bytes), whatever the block size
 *   block s_first_data_block + 1
 *                the group descriptor table: 32 bytes a group
 *   bg_inode_table of group g
 *                inodes (g * s_inodes_per_group + 1) onwards, s_inode_size each
 *
 * A file's data is found through i_block[15]: 12 direct block numbers,
 * then a single, a double and a triple indirect block, each holding
 * block_size / 4 block numbers. Block number 0 is a hole.
 */
#include "ext2_priv.h"

#define SB_MAGIC	0xEF53
#define LOG_BLOCK_MAX	6		/* 1024 << 6: 64 KiB blocks at most */
#define FAST_LINK_MAX	60		/* bytes of i_block */

/*
 * s_feature_ro_compat bits that do not change how the image is read (a
 * reader may mount read-only whatever they are, but we accept only those
 * we know): sparse_super (superblock backups in fewer groups), large_file
 * (i_size_high, read below), btree_dir (never used), huge_file (i_blocks
 * units), gdt_csum (checksums we do not check), dir_nlink, extra_isize.
 */
#define RO_COMPAT_KNOWN		(0x0001 | 0x0002 | 0x0004 | 0x0008 | 0x0010 | 0x0020 | 0x0040)

int ext2_fail(struct ext2_fs *fs, int err, const char *why)
{
	fs->why = why;
	return err;
}

int ext2_mem_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	const struct ext2_mem *m = ctx;

	if (off > m->len || len > m->len - off)
		return -EIO;
	memcpy(buf, m->base + off, len);
	return 0;
}

int ext2_mem_write(void *ctx, uint64_t off, const void *buf, size_t len)
{
	struct ext2_mem *m = ctx;

	if (off > m->len || len > m->len - off)
		return -EIO;
	memcpy(m->base + off, buf, len);
	return 0;
}

int ext2_dev_read(struct ext2_fs *fs, uint64_t off, void *buf, size_t len)
{
	int err = fs->dev.read(fs->dev.ctx, off, buf, len);

	if (err < 0)
		return ext2_fail(fs, err, "device read failed (past the end of the image?)");
	return 0;
}

/* ---- mount ----------------------------------------------------------------- */

static uint32_t inode_table_blocks(const struct ext2_fs *fs)
{
	uint64_t bytes = (uint64_t)fs->inodes_per_group * fs->inode_size;

	return (uint32_t)((bytes + fs->block_size - 1) / fs->block_size);
}

/* Group g's inode table (bg_inode_table), checked to lie inside the image. */
static int group_inode_table(struct ext2_fs *fs, uint32_t g, uint32_t *table)
{
	uint64_t gdt = block_off(fs, fs->first_data_block + 1);
	uint8_t gd[GD_SIZE];
	uint32_t t;
	int err;

	if ((err = ext2_dev_read(fs, gdt + (uint64_t)g * GD_SIZE, gd, sizeof(gd))) < 0)
		return err;
	t = le32(gd + BG_INODE_TABLE);
	if (t <= fs->first_data_block || t >= fs->blocks_count ||
	    inode_table_blocks(fs) > fs->blocks_count - t)
		return ext2_fail(fs, -EINVAL, "a group's inode table lies outside the image");
	*table = t;
	return 0;
}

static int check_sizes(struct ext2_fs *fs)
{
	uint64_t gdt_end;

	if (fs->blocks_count <= fs->first_data_block + 1)
		return ext2_fail(fs, -EINVAL, "s_blocks_count too small");
	if (fs->inodes_count < EXT2_ROOT_INO)
		return ext2_fail(fs, -EINVAL, "s_inodes_count too small");
	/* one block of bitmap describes a group: 8 bits a byte */
	if (fs->blocks_per_group == 0 || fs->blocks_per_group > 8 * fs->block_size)
		return ext2_fail(fs, -EINVAL, "s_blocks_per_group absurd");
	if (fs->inodes_per_group == 0 || fs->inodes_per_group > 8 * fs->block_size)
		return ext2_fail(fs, -EINVAL, "s_inodes_per_group absurd");
	fs->groups = (fs->blocks_count - fs->first_data_block + fs->blocks_per_group - 1) /
		     fs->blocks_per_group;
	if ((uint64_t)fs->groups * fs->inodes_per_group < fs->inodes_count)
		return ext2_fail(fs, -EINVAL, "s_inodes_count exceeds the groups' inodes");
	if (block_off(fs, fs->blocks_count) > fs->dev.size)
		return ext2_fail(fs, -EINVAL, "image shorter than s_blocks_count blocks (truncated)");
	gdt_end = block_off(fs, fs->first_data_block + 1) + (uint64_t)fs->groups * GD_SIZE;
	if (gdt_end > block_off(fs, fs->blocks_count))
		return ext2_fail(fs, -EINVAL, "group descriptor table runs past the image");
	return 0;
}

static int read_superblock(struct ext2_fs *fs)
{
	uint8_t sb[SB_SIZE];
	uint32_t log;
	int err;

	if (fs->dev.size < SB_OFFSET + SB_SIZE)
		return ext2_fail(fs, -EINVAL, "image too small to hold a superblock");
	if ((err = ext2_dev_read(fs, SB_OFFSET, sb, sizeof(sb))) < 0)
		return err;
	if (le16(sb + S_MAGIC) != SB_MAGIC)
		return ext2_fail(fs, -EINVAL, "bad magic (not ext2)");
	fs->rev = le32(sb + S_REV_LEVEL);
	if (fs->rev > 1)
		return ext2_fail(fs, -EINVAL, "unknown revision (s_rev_level above 1)");
	log = le32(sb + S_LOG_BLOCK_SIZE);
	if (log > LOG_BLOCK_MAX)
		return ext2_fail(fs, -EINVAL, "block size absurd (s_log_block_size above 6)");
	fs->block_size = 1024u << log;
	fs->blocks_count = le32(sb + S_BLOCKS_COUNT);
	fs->inodes_count = le32(sb + S_INODES_COUNT);
	fs->first_data_block = le32(sb + S_FIRST_DATA_BLOCK);
	fs->blocks_per_group = le32(sb + S_BLOCKS_PER_GROUP);
	fs->inodes_per_group = le32(sb + S_INODES_PER_GROUP);
	/* the superblock is in block 1 of 1 KiB blocks, block 0 of larger ones */
	if (fs->first_data_block != (fs->block_size == 1024 ? 1u : 0u))
		return ext2_fail(fs, -EINVAL, "s_first_data_block does not fit the block size");
	fs->inode_size = INODE_SIZE0;
	fs->incompat = fs->ro_compat = fs->compat = 0;
	fs->first_ino = 11;		/* revision 0's */
	if (fs->rev == 1) {
		fs->inode_size = le16(sb + S_INODE_SIZE);
		fs->incompat = le32(sb + S_FEATURE_INCOMPAT);
		fs->ro_compat = le32(sb + S_FEATURE_RO_COMPAT);
		fs->compat = le32(sb + S_FEATURE_COMPAT);
		fs->first_ino = le32(sb + S_FIRST_INO);
	}
	if (fs->inode_size < INODE_SIZE0 || fs->inode_size > fs->block_size ||
	    (fs->inode_size & (fs->inode_size - 1)))
		return ext2_fail(fs, -EINVAL, "s_inode_size absurd");
	if (fs->incompat & ~(uint32_t)INCOMPAT_FILETYPE)
		return ext2_fail(fs, -EINVAL, "unsupported incompatible feature (only filetype is read)");
	if (fs->ro_compat & ~(uint32_t)RO_COMPAT_KNOWN)
		return ext2_fail(fs, -EINVAL, "unknown read-only-compatible feature");
	return check_sizes(fs);
}

int ext2_mount(struct ext2_fs *fs, const struct ext2_dev *dev)
{
	struct ext2_inode root;
	uint32_t table;
	int err;

	fs->dev = *dev;
	fs->why = fs->ro_why = NULL;
	fs->goal = 0;
	if ((err = read_superblock(fs)) < 0)
		return err;
	for (uint32_t g = 0; g < fs->groups; g++)
		if ((err = group_inode_table(fs, g, &table)) < 0)
			return err;
	if ((err = ext2_read_inode(fs, EXT2_ROOT_INO, &root)) < 0)
		return err;
	if (!ext2_is_dir(&root))
		return ext2_fail(fs, -EINVAL, "the root inode is not a directory");
	if (fs->first_ino <= EXT2_ROOT_INO || fs->first_ino > fs->inodes_count)
		return ext2_fail(fs, -EINVAL, "s_first_ino absurd");
	return fs->dev.write ? ext2_mount_rw(fs) : 0;
}

/* ---- inodes ---------------------------------------------------------------- */

int ext2_read_inode(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in)
{
	uint8_t raw[INODE_SIZE0];
	uint32_t group, index, table;
	int err;

	if (ino == 0 || ino > fs->inodes_count)
		return ext2_fail(fs, -EINVAL, "inode number out of range");
	group = (ino - 1) / fs->inodes_per_group;
	index = (ino - 1) % fs->inodes_per_group;
	if ((err = group_inode_table(fs, group, &table)) < 0)
		return err;
	err = ext2_dev_read(fs, block_off(fs, table) + (uint64_t)index * fs->inode_size, raw,
		       sizeof(raw));
	if (err < 0)
		return err;
	in->ino = ino;
	in->mode = le16(raw + I_MODE);
	in->uid = le16(raw + I_UID) | (uint32_t)le16(raw + I_UID_HIGH) << 16;
	in->gid = le16(raw + I_GID) | (uint32_t)le16(raw + I_GID_HIGH) << 16;
	in->size = le32(raw + I_SIZE);
	/* i_size_high: the upper 32 bits of a regular file's size under large_file */
	if (ext2_is_reg(in) && (fs->ro_compat & RO_COMPAT_LARGE_FILE))
		in->size |= (uint64_t)le32(raw + I_SIZE_HIGH) << 32;
	in->atime = le32(raw + I_ATIME);
	in->ctime = le32(raw + I_CTIME);
	in->mtime = le32(raw + I_MTIME);
	in->links = le16(raw + I_LINKS);
	in->blocks512 = le32(raw + I_BLOCKS);
	in->flags = le32(raw + I_FLAGS);
	in->file_acl = le32(raw + I_FILE_ACL);
	for (int i = 0; i < 15; i++)
		in->block[i] = le32(raw + I_BLOCK + 4 * i);
	return 0;
}

/*
 * A fast symlink keeps its target in i_block itself: no data blocks
 * (i_blocks counts only the extended-attribute block, if any) and a
 * target shorter than i_block's 60 bytes.
 */
bool ext2_fast_symlink(const struct ext2_fs *fs, const struct ext2_inode *in)
{
	uint32_t acl = in->file_acl ? fs->block_size / 512 : 0;

	return ext2_is_symlink(in) && in->size < FAST_LINK_MAX && in->blocks512 == acl;
}

/* ---- block map -------------------------------------------------------------- */

int ext2_check_block(struct ext2_fs *fs, uint32_t b)
{
	if (b != 0 && (b <= fs->first_data_block || b >= fs->blocks_count))
		return ext2_fail(fs, -EIO, "block out of range");
	return 0;
}

/* Entry i of indirect block b (a valid, nonzero block number). */
static int indirect(struct ext2_fs *fs, uint32_t b, uint64_t i, uint32_t *out)
{
	uint8_t p[4];
	int err;

	if ((err = ext2_dev_read(fs, block_off(fs, b) + i * 4, p, sizeof(p))) < 0)
		return err;
	*out = le32(p);
	return ext2_check_block(fs, *out);
}

int ext2_chain(struct ext2_fs *fs, uint64_t lblk, unsigned *slot, uint32_t idx[3])
{
	uint64_t per = fs->block_size / 4;	/* block numbers an indirect block holds */
	uint64_t span = 1;			/* blocks one entry at this level maps */
	int level;

	if (lblk < NDIRECT) {
		*slot = (unsigned)lblk;
		return 0;
	}
	/* i_block[12]: single indirect, [13]: double, [14]: triple */
	lblk -= NDIRECT;
	for (level = 1; level <= 3; level++) {
		span *= per;
		if (lblk < span)
			break;
		lblk -= span;
	}
	if (level > 3)
		return ext2_fail(fs, -EFBIG, "offset beyond the triple indirect block");
	*slot = NDIRECT + (unsigned)level - 1;
	for (int d = 0; d < level; d++) {
		span /= per;
		idx[d] = (uint32_t)(lblk / span);
		lblk %= span;
	}
	return level;
}

int ext2_bmap(struct ext2_fs *fs, const struct ext2_inode *in, uint64_t lblk,
	      uint32_t *pblk)
{
	uint32_t idx[3], b;
	unsigned slot;
	int level, err;

	if (ext2_fast_symlink(fs, in))
		return ext2_fail(fs, -EINVAL, "a fast symlink has no blocks");
	if ((level = ext2_chain(fs, lblk, &slot, idx)) < 0)
		return level;
	b = in->block[slot];
	if ((err = ext2_check_block(fs, b)) < 0)
		return err;
	for (int d = 0; b != 0 && d < level; d++)
		if ((err = indirect(fs, b, idx[d], &b)) < 0)
			return err;
	*pblk = b;
	return 0;
}

/* ---- file data --------------------------------------------------------------- */

static int64_t read_fast_symlink(const struct ext2_inode *in, uint64_t off, void *buf,
				 size_t len)
{
	uint8_t target[FAST_LINK_MAX];

	for (int i = 0; i < 15; i++)
		put_le32(target + 4 * i, in->block[i]);
	memcpy(buf, target + off, len);
	return (int64_t)len;
}

int64_t ext2_read(struct ext2_fs *fs, const struct ext2_inode *in, uint64_t off,
		  void *buf, size_t len)
{
	uint8_t *out = buf;
	size_t done = 0;
	int err;

	if (off >= in->size)
		return 0;
	if (len > in->size - off)
		len = (size_t)(in->size - off);
	if (len > RW_MAX)
		len = RW_MAX;
	if (ext2_fast_symlink(fs, in))
		return read_fast_symlink(in, off, buf, len);
	for (size_t n; done < len; done += n) {
		uint64_t pos = off + done;
		uint32_t within, pblk;

		n = block_piece(fs, pos, len - done, &within);
		if ((err = ext2_bmap(fs, in, pos / fs->block_size, &pblk)) < 0)
			return err;
		if (pblk == 0)
			memset(out + done, 0, n);
		else if ((err = ext2_dev_read(fs, block_off(fs, pblk) + within, out + done, n)) < 0)
			return err;
	}
	return (int64_t)done;
}

int ext2_readlink(struct ext2_fs *fs, const struct ext2_inode *in, char *buf, size_t len)
{
	int64_t n;

	if (!ext2_is_symlink(in))
		return ext2_fail(fs, -EINVAL, "not a symlink");
	if (len == 0)
		return ext2_fail(fs, -EINVAL, "no room for the target");
	if (in->size >= len || in->size >= EXT2_PATH_MAX)
		return ext2_fail(fs, -ENAMETOOLONG, "symlink target longer than the buffer or a path");
	if ((n = ext2_read(fs, in, 0, buf, len - 1)) < 0)
		return (int)n;
	buf[n] = '\0';
	return (int)n;
}

/* ---- directories ------------------------------------------------------------- */

/*
 * A directory is whole blocks of entries: inode (4 bytes), rec_len (2),
 * name_len (1), file_type (1; the high byte of a 16-bit name_len without
 * the filetype feature), then the name. rec_len reaches the next entry;
 * entries never cross a block, and the last one of a block runs to its end.
 */
int ext2_dir_entry(struct ext2_fs *fs, const struct ext2_inode *dir, uint64_t pos,
		   struct ext2_dirent *de, uint32_t *rec_len)
{
	uint8_t h[DIRENT_HDR];
	uint32_t within = (uint32_t)(pos % fs->block_size), name_len;
	int64_t n;

	if ((n = ext2_read(fs, dir, pos, h, sizeof(h))) < 0)
		return (int)n;
	if (n != (int64_t)sizeof(h))
		return ext2_fail(fs, -EIO, "directory ends inside an entry");
	de->ino = le32(h);
	*rec_len = le16(h + 4);
	name_len = h[6];
	de->type = 0;
	if (fs->incompat & INCOMPAT_FILETYPE)
		de->type = h[7];
	else
		name_len |= (uint32_t)h[7] << 8;
	if (*rec_len < DIRENT_HDR)
		return ext2_fail(fs, -EIO, "directory entry's rec_len below 8");
	if (*rec_len % 4)
		return ext2_fail(fs, -EIO, "directory entry's rec_len not 4-aligned");
	if (*rec_len > fs->block_size - within)
		return ext2_fail(fs, -EIO, "directory entry overruns its block");
	if (name_len > *rec_len - DIRENT_HDR || name_len > EXT2_NAME_MAX)
		return ext2_fail(fs, -EIO, "directory entry's name_len longer than the entry");
	if (de->ino > fs->inodes_count)
		return ext2_fail(fs, -EIO, "directory entry names an inode out of range");
	de->name_len = (uint8_t)name_len;
	if (de->ino != 0 && name_len == 0)
		return ext2_fail(fs, -EIO, "directory entry with an empty name");
	if ((n = ext2_read(fs, dir, pos + DIRENT_HDR, de->name, name_len)) < 0)
		return (int)n;
	de->name[name_len] = '\0';
	return 0;
}

int ext2_readdir(struct ext2_fs *fs, const struct ext2_inode *dir, uint64_t *pos,
		 struct ext2_dirent *de)
{
	uint32_t rec_len = 0;
	int err;

	if (!ext2_is_dir(dir))
		return ext2_fail(fs, -ENOTDIR, "not a directory");
	if (dir->size % fs->block_size)
		return ext2_fail(fs, -EIO, "directory size is not whole blocks");
	/* bounds a crafted directory whose blocks repeat: no bigger than the disk */
	if (dir->size > block_off(fs, fs->blocks_count))
		return ext2_fail(fs, -EIO, "directory larger than the file system");
	if (*pos % 4)
		return ext2_fail(fs, -EINVAL, "directory offset not 4-aligned");
	while (*pos < dir->size) {
		if ((err = ext2_dir_entry(fs, dir, *pos, de, &rec_len)) < 0)
			return err;
		*pos += rec_len;
		if (de->ino != 0)
			return 1;
	}
	return 0;
}

int ext2_lookup(struct ext2_fs *fs, const struct ext2_inode *dir, const char *name,
		size_t len, uint32_t *ino)
{
	struct ext2_dirent de;
	uint64_t pos = 0;
	int err;

	if (len == 0)
		return ext2_fail(fs, -ENOENT, "empty name");
	if (len > EXT2_NAME_MAX)
		return ext2_fail(fs, -ENAMETOOLONG, "name longer than 255 bytes");
	while ((err = ext2_readdir(fs, dir, &pos, &de)) > 0) {
		if (de.name_len == len && memcmp(de.name, name, len) == 0) {
			*ino = de.ino;
			return 0;
		}
	}
	if (err < 0)
		return err;
	return ext2_fail(fs, -ENOENT, "no such entry");
}

/* ---- paths ------------------------------------------------------------------- */

static size_t component_len(const char *p)
{
	size_t n = 0;

	while (p[n] != '\0' && p[n] != '/')
		n++;
	return n;
}

static const char *skip_slashes(const char *p)
{
	while (*p == '/')
		p++;
	return p;
}

int ext2_resolve(struct ext2_fs *fs, const char *path, struct ext2_walk *w)
{
	struct ext2_inode cur;
	const char *p;
	int steps = 0, err;

	if (strnlen(path, EXT2_PATH_MAX) == EXT2_PATH_MAX)
		return ext2_fail(fs, -ENAMETOOLONG, "path longer than 4095 bytes");
	w->ino = w->parent = EXT2_ROOT_INO;
	w->rest = NULL;
	if ((err = ext2_read_inode(fs, EXT2_ROOT_INO, &cur)) < 0)
		return err;
	for (p = skip_slashes(path); *p != '\0'; p = skip_slashes(p)) {
		size_t n = component_len(p);
		uint32_t next;

		if (ext2_is_symlink(&cur)) {
			w->rest = p - 1;	/* from the '/' after the link */
			return EXT2_WALK_SYMLINK;
		}
		if (n > EXT2_NAME_MAX)
			return ext2_fail(fs, -ENAMETOOLONG, "path component longer than 255 bytes");
		if (++steps > EXT2_STEPS_MAX)
			return ext2_fail(fs, -ELOOP, "too many path components (a directory loop?)");
		if (!ext2_is_dir(&cur))
			return ext2_fail(fs, -ENOTDIR, "a path component is not a directory");
		if ((err = ext2_lookup(fs, &cur, p, n, &next)) < 0)
			return err;
		w->parent = w->ino;
		w->ino = next;
		if ((err = ext2_read_inode(fs, next, &cur)) < 0)
			return err;
		p += n;
	}
	/* a trailing '/' asks for a directory */
	if (p > path && p[-1] == '/' && !ext2_is_dir(&cur)) {
		if (ext2_is_symlink(&cur)) {
			w->rest = p - 1;
			return EXT2_WALK_SYMLINK;
		}
		return ext2_fail(fs, -ENOTDIR, "a trailing '/' after a non-directory");
	}
	return 0;
}
