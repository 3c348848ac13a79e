/*
 * The ext2 writer's ground floor (ext2_write.h, docs/ext2.md): device
 * writes, the read-write mount and unmount (s_state), inodes written back,
 * and allocation: block and inode bitmaps with the free counts of the
 * group descriptors and the superblock kept equal to them.
 */
#include "ext2_priv.h"
#include "ext2_write.h"

#define CHUNK		64	/* bitmap bytes read at a time */
#define STATE_ERROR	0x0002	/* s_state: errors were detected */

/* s_feature_compat bits the writer keeps right: dir_prealloc, ext_attr, resize_inode, dir_index */
#define COMPAT_WRITABLE	(0x0001 | 0x0008 | 0x0010 | COMPAT_DIR_INDEX)
#define RO_COMPAT_WRITABLE	(RO_COMPAT_SPARSE_SUPER | RO_COMPAT_LARGE_FILE)

static const uint8_t zeros[256];

int ext2_dev_write(struct ext2_fs *fs, uint64_t off, const void *buf, size_t len)
{
	int err;

	if (!fs->dev.write)
		return ext2_fail(fs, -EROFS, "the file system is mounted read-only");
	if ((err = fs->dev.write(fs->dev.ctx, off, buf, len)) < 0)
		return ext2_fail(fs, err, "device write failed");
	return 0;
}

int ext2_dev_zero(struct ext2_fs *fs, uint64_t off, uint64_t len)
{
	while (len) {
		size_t n = len < sizeof(zeros) ? (size_t)len : sizeof(zeros);
		int err = ext2_dev_write(fs, off, zeros, n);

		if (err)
			return err;
		off += n;
		len -= n;
	}
	return 0;
}

int ext2_get(struct ext2_fs *fs, uint64_t off, unsigned bytes, uint32_t *v)
{
	uint8_t p[4];
	int err = ext2_dev_read(fs, off, p, bytes);

	if (err)
		return err;
	*v = bytes == 2 ? le16(p) : le32(p);
	return 0;
}

int ext2_put(struct ext2_fs *fs, uint64_t off, unsigned bytes, uint32_t v)
{
	uint8_t p[4];

	if (bytes == 2)
		put_le16(p, (uint16_t)v);
	else
		put_le32(p, v);
	return ext2_dev_write(fs, off, p, bytes);
}

int ext2_add(struct ext2_fs *fs, uint64_t off, unsigned bytes, int32_t delta)
{
	uint32_t v;
	int err = ext2_get(fs, off, bytes, &v);

	return err ? err : ext2_put(fs, off, bytes, v + (uint32_t)delta);
}

/* ---- mount and unmount ---------------------------------------------------------- */

static int read_only(struct ext2_fs *fs, const char *why)
{
	fs->dev.write = NULL;
	fs->ro_why = why;
	return 0;
}

int ext2_mount_rw(struct ext2_fs *fs)
{
	uint32_t state;
	int err;

	if (fs->ro_compat & ~(uint32_t)RO_COMPAT_WRITABLE)
		return read_only(fs, "a read-only-compatible feature the writer does not keep "
				     "(only sparse_super and large_file): mounted read-only");
	if (fs->compat & ~(uint32_t)COMPAT_WRITABLE)
		return read_only(fs, "a compatible feature the writer does not keep (a journal?): "
				     "mounted read-only");
	if ((err = ext2_get(fs, SB_OFFSET + S_STATE, 2, &state)))
		return err;
	if (state & STATE_ERROR)
		return read_only(fs, "s_state says errors were found: run e2fsck; mounted read-only");
	if ((err = ext2_put(fs, SB_OFFSET + S_STATE, 2, state & ~(uint32_t)STATE_VALID)))
		return err;
	return ext2_sync(fs);
}

int ext2_sync(struct ext2_fs *fs)
{
	int err;

	if (!fs->dev.write || !fs->dev.sync)
		return 0;
	if ((err = fs->dev.sync(fs->dev.ctx)) < 0)
		return ext2_fail(fs, err, "device sync failed");
	return 0;
}

int ext2_unmount(struct ext2_fs *fs)
{
	uint32_t state;
	int err;

	if (!fs->dev.write)
		return 0;
	if ((err = ext2_sync(fs)) || (err = ext2_get(fs, SB_OFFSET + S_STATE, 2, &state)) ||
	    (err = ext2_put(fs, SB_OFFSET + S_STATE, 2, state | STATE_VALID)) ||
	    (err = ext2_sync(fs)))
		return err;
	fs->dev.write = NULL;
	return 0;
}

/* ---- inodes written back ------------------------------------------------------- */

static uint64_t inode_off(const struct ext2_fs *fs, uint32_t table, uint32_t ino)
{
	return block_off(fs, table) + (uint64_t)((ino - 1) % fs->inodes_per_group) * fs->inode_size;
}

static int inode_table(struct ext2_fs *fs, uint32_t ino, uint32_t *table)
{
	int err;

	if (ino == 0 || ino > fs->inodes_count)
		return ext2_fail(fs, -EINVAL, "inode number out of range");
	if ((err = ext2_get(fs, gd_off(fs, (ino - 1) / fs->inodes_per_group) + BG_INODE_TABLE, 4,
			    table)))
		return err;
	if (*table <= fs->first_data_block || *table >= fs->blocks_count)
		return ext2_fail(fs, -EIO, "a group's inode table lies outside the image");
	return 0;
}

int ext2_write_inode(struct ext2_fs *fs, const struct ext2_inode *in)
{
	uint8_t raw[INODE_SIZE0];
	uint32_t table;
	uint64_t off;
	int err;

	if ((err = inode_table(fs, in->ino, &table)))
		return err;
	off = inode_off(fs, table, in->ino);
	if ((err = ext2_dev_read(fs, off, raw, sizeof(raw))))
		return err;
	put_le16(raw + I_MODE, in->mode);
	put_le16(raw + I_UID, (uint16_t)in->uid);
	put_le16(raw + I_UID_HIGH, (uint16_t)(in->uid >> 16));
	put_le16(raw + I_GID, (uint16_t)in->gid);
	put_le16(raw + I_GID_HIGH, (uint16_t)(in->gid >> 16));
	put_le32(raw + I_SIZE, (uint32_t)in->size);
	if (ext2_is_reg(in) && (fs->ro_compat & RO_COMPAT_LARGE_FILE))
		put_le32(raw + I_SIZE_HIGH, (uint32_t)(in->size >> 32));
	put_le32(raw + I_ATIME, in->atime);
	put_le32(raw + I_CTIME, in->ctime);
	put_le32(raw + I_MTIME, in->mtime);
	put_le16(raw + I_LINKS, in->links);
	put_le32(raw + I_BLOCKS, in->blocks512);
	put_le32(raw + I_FLAGS, in->flags);
	put_le32(raw + I_FILE_ACL, in->file_acl);
	for (int i = 0; i < 15; i++)
		put_le32(raw + I_BLOCK + 4 * i, in->block[i]);
	return ext2_dev_write(fs, off, raw, sizeof(raw));
}

/* A freshly allocated inode's record: all zeros (i_extra_isize 0: no extra fields). */
static int clear_inode(struct ext2_fs *fs, uint32_t ino)
{
	uint32_t table;
	int err = inode_table(fs, ino, &table);

	return err ? err : ext2_dev_zero(fs, inode_off(fs, table, ino), fs->inode_size);
}

/* ---- bitmaps -------------------------------------------------------------------- */

/* The first clear bit from start below nbits of the bitmap in block bm: *bit, or 1 if none. */
static int find_clear(struct ext2_fs *fs, uint32_t bm, uint32_t start, uint32_t nbits,
		      uint32_t *bit)
{
	uint8_t chunk[CHUNK];

	for (uint32_t base = start / 8 * 8; base < nbits; base += 8 * CHUNK) {
		uint32_t bytes = (nbits - base + 7) / 8;
		int err;

		if (bytes > CHUNK)
			bytes = CHUNK;
		if ((err = ext2_dev_read(fs, block_off(fs, bm) + base / 8, chunk, bytes)))
			return err;
		for (uint32_t i = 0; i < bytes; i++) {
			if (chunk[i] == 0xff)
				continue;
			for (uint32_t j = 0; j < 8; j++) {
				uint32_t b = base + i * 8 + j;

				if (b >= start && b < nbits && !(chunk[i] & (1u << j))) {
					*bit = b;
					return 0;
				}
			}
		}
	}
	return 1;
}

/* Set (on) or clear bit of bitmap block bm: -EIO if it already was so. */
static int flip(struct ext2_fs *fs, uint32_t bm, uint32_t bit, bool on)
{
	uint64_t off = block_off(fs, bm) + bit / 8;
	uint8_t byte, mask = (uint8_t)(1u << (bit % 8));
	int err;

	if ((err = ext2_dev_read(fs, off, &byte, 1)))
		return err;
	if (!!(byte & mask) == on)
		return ext2_fail(fs, -EIO, on ? "allocating a block or inode the bitmap says is used"
					    : "freeing a block or inode the bitmap says is free");
	byte ^= mask;
	return ext2_dev_write(fs, off, &byte, 1);
}

static int bitmap_of(struct ext2_fs *fs, uint32_t g, unsigned field, uint32_t *bm)
{
	int err = ext2_get(fs, gd_off(fs, g) + field, 4, bm);

	if (!err && (*bm <= fs->first_data_block || *bm >= fs->blocks_count))
		return ext2_fail(fs, -EIO, "a group's bitmap lies outside the image");
	return err;
}

/* The group's and the superblock's free count of blocks (or inodes) change by delta. */
static int count(struct ext2_fs *fs, uint32_t g, bool blocks, int32_t delta)
{
	int err = ext2_add(fs, gd_off(fs, g) + (blocks ? BG_FREE_BLOCKS : BG_FREE_INODES), 2, delta);

	return err ? err : ext2_add(fs, SB_OFFSET + (blocks ? S_FREE_BLOCKS : S_FREE_INODES), 4,
				    delta);
}

static uint32_t group_blocks(const struct ext2_fs *fs, uint32_t g)
{
	uint32_t left = fs->blocks_count - fs->first_data_block - g * fs->blocks_per_group;

	return left < fs->blocks_per_group ? left : fs->blocks_per_group;
}

int ext2_free_blocks(struct ext2_fs *fs, uint32_t *n)
{
	return ext2_get(fs, SB_OFFSET + S_FREE_BLOCKS, 4, n);
}

int ext2_alloc_block(struct ext2_fs *fs, uint32_t goal, uint32_t *b)
{
	uint32_t g0, start, bit, bm, nfree;
	int err;

	if (goal <= fs->first_data_block || goal >= fs->blocks_count)
		goal = fs->goal > fs->first_data_block && fs->goal < fs->blocks_count ?
			       fs->goal : fs->first_data_block + 1;
	g0 = (goal - fs->first_data_block) / fs->blocks_per_group;
	start = (goal - fs->first_data_block) % fs->blocks_per_group;
	/* the goal's group from the goal, the others, then the goal's group from its start */
	for (uint32_t k = 0; k <= fs->groups; k++, start = 0) {
		uint32_t g = (g0 + k) % fs->groups;

		if ((err = ext2_get(fs, gd_off(fs, g) + BG_FREE_BLOCKS, 2, &nfree)))
			return err;
		if (nfree == 0)
			continue;
		if ((err = bitmap_of(fs, g, BG_BLOCK_BITMAP, &bm)))
			return err;
		if ((err = find_clear(fs, bm, start, group_blocks(fs, g), &bit)) < 0)
			return err;
		if (err)
			continue;
		*b = fs->first_data_block + g * fs->blocks_per_group + bit;
		if (*b <= fs->first_data_block || *b >= fs->blocks_count)
			return ext2_fail(fs, -EIO, "a block bitmap marks a block outside the image free");
		if ((err = flip(fs, bm, bit, true)) || (err = count(fs, g, true, -1)) ||
		    (err = ext2_dev_zero(fs, block_off(fs, *b), fs->block_size)))
			return err;
		fs->goal = *b + 1;
		return 0;
	}
	return ext2_fail(fs, -ENOSPC, "no free block");
}

int ext2_free_block(struct ext2_fs *fs, uint32_t b)
{
	uint32_t g, bm;
	int err;

	if (b <= fs->first_data_block || b >= fs->blocks_count)
		return ext2_fail(fs, -EIO, "freeing a block out of range");
	g = (b - fs->first_data_block) / fs->blocks_per_group;
	if ((err = bitmap_of(fs, g, BG_BLOCK_BITMAP, &bm)) ||
	    (err = flip(fs, bm, (b - fs->first_data_block) % fs->blocks_per_group, false)))
		return err;
	return count(fs, g, true, 1);
}

int ext2_alloc_inode(struct ext2_fs *fs, uint32_t group, bool dir, uint32_t *ino)
{
	uint32_t bit, bm, nfree;
	int err;

	for (uint32_t k = 0; k < fs->groups; k++) {
		uint32_t g = (group + k) % fs->groups, first = g * fs->inodes_per_group;
		uint32_t start = first + 1 < fs->first_ino ? fs->first_ino - 1 - first : 0;
		uint32_t n = fs->inodes_count - first < fs->inodes_per_group ?
				     fs->inodes_count - first : fs->inodes_per_group;

		if (first >= fs->inodes_count)
			continue;
		if ((err = ext2_get(fs, gd_off(fs, g) + BG_FREE_INODES, 2, &nfree)))
			return err;
		if (nfree == 0)
			continue;
		if ((err = bitmap_of(fs, g, BG_INODE_BITMAP, &bm)))
			return err;
		if ((err = find_clear(fs, bm, start, n, &bit)) < 0)
			return err;
		if (err)
			continue;
		*ino = first + bit + 1;
		if ((err = flip(fs, bm, bit, true)) || (err = count(fs, g, false, -1)) ||
		    (dir && (err = ext2_add(fs, gd_off(fs, g) + BG_USED_DIRS, 2, 1))))
			return err;
		return clear_inode(fs, *ino);
	}
	return ext2_fail(fs, -ENOSPC, "no free inode");
}

int ext2_free_inode(struct ext2_fs *fs, uint32_t ino, bool dir)
{
	uint32_t g, bm;
	int err;

	if (ino < fs->first_ino || ino > fs->inodes_count)
		return ext2_fail(fs, -EIO, "freeing a reserved inode or one out of range");
	g = (ino - 1) / fs->inodes_per_group;
	if ((err = clear_inode(fs, ino)) || (err = bitmap_of(fs, g, BG_INODE_BITMAP, &bm)) ||
	    (err = flip(fs, bm, (ino - 1) % fs->inodes_per_group, false)) ||
	    (err = count(fs, g, false, 1)))
		return err;
	return dir ? ext2_add(fs, gd_off(fs, g) + BG_USED_DIRS, 2, -1) : 0;
}
