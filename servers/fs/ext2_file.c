/*
 * File data written (ext2_write.h, docs/ext2.md): blocks allocated through
 * the map of 12 direct, a single, a double and a triple indirect block,
 * holes left as holes; truncation freeing data and indirect blocks; an
 * inode freed with everything it holds.
 */
#include "ext2_priv.h"
#include "ext2_write.h"

#define ENTRIES		16		/* indirect entries read at a time */
#define XATTR_REFCOUNT	4		/* h_refcount in an extended-attribute block */

uint64_t ext2_max_size(const struct ext2_fs *fs)
{
	uint64_t per = fs->block_size / 4;
	uint64_t blocks = NDIRECT + per + per * per + per * per * per;
	uint64_t max = blocks * fs->block_size;
	uint64_t iblocks = (uint64_t)UINT32_MAX * 512;	/* i_blocks counts 512-byte units */

	if (max > iblocks)
		max = iblocks;
	if (!(fs->ro_compat & RO_COMPAT_LARGE_FILE) && max > 0x7fffffffu)
		max = 0x7fffffffu;
	return max;
}

int ext2_bmap_alloc(struct ext2_fs *fs, struct ext2_inode *in, uint64_t lblk, uint32_t *pblk)
{
	uint32_t idx[3], blk[4], nfree, per_block = fs->block_size / 512;
	unsigned slot = 0;
	int level = ext2_chain(fs, lblk, &slot, idx), depth = 0, err;

	if (level < 0)
		return level;
	/* follow what exists: blk[d] is the block at depth d (the data block at depth level) */
	blk[0] = in->block[slot];
	if ((err = ext2_check_block(fs, blk[0])))
		return err;
	while (blk[depth] != 0 && depth < level) {
		if ((err = ext2_get(fs, block_off(fs, blk[depth]) + idx[depth] * 4ull, 4,
				    &blk[depth + 1])) || (err = ext2_check_block(fs, blk[depth + 1])))
			return err;
		depth++;
	}
	if (blk[depth] != 0) {
		*pblk = blk[depth];
		return 0;
	}
	/* level + 1 - depth blocks missing: make sure all of them can be had first */
	if ((err = ext2_free_blocks(fs, &nfree)))
		return err;
	if (nfree < (uint32_t)(level + 1 - depth))
		return ext2_fail(fs, -ENOSPC, "no free block");
	if ((uint64_t)in->blocks512 + (uint64_t)(level + 1 - depth) * per_block > UINT32_MAX)
		return ext2_fail(fs, -EFBIG, "i_blocks would overflow");
	for (int d = depth; d <= level; d++) {
		if ((err = ext2_alloc_block(fs, d ? blk[d - 1] : 0, &blk[d])))
			return err;
		in->blocks512 += per_block;
		if (d == 0)
			in->block[slot] = blk[0];
		else if ((err = ext2_put(fs, block_off(fs, blk[d - 1]) + idx[d - 1] * 4ull, 4,
					 blk[d])))
			return err;
	}
	*pblk = blk[level];
	return 0;
}

int64_t ext2_write(struct ext2_fs *fs, struct ext2_inode *in, uint64_t off,
		   const void *buf, size_t len)
{
	const uint8_t *src = buf;
	uint64_t max = ext2_max_size(fs);
	size_t done = 0;
	int err = 0;

	if (!ext2_writable(fs))
		return ext2_fail(fs, -EROFS, "the file system is mounted read-only");
	if (!ext2_is_reg(in))
		return ext2_fail(fs, -EINVAL, "not a regular file");
	if (len == 0)
		return 0;
	if (off >= max)
		return ext2_fail(fs, -EFBIG, "past the largest file size");
	if (len > max - off)
		len = (size_t)(max - off);
	if (len > RW_MAX)
		len = RW_MAX;
	/*
	 * Bytes past i_size in its last block are always zeros (new blocks
	 * are zeroed, truncation zeroes the tail), so growing needs no clearing.
	 */
	for (size_t n; done < len; done += n) {
		uint64_t pos = off + done;
		uint32_t within, pblk;

		n = block_piece(fs, pos, len - done, &within);
		if ((err = ext2_bmap_alloc(fs, in, pos / fs->block_size, &pblk)) ||
		    (err = ext2_dev_write(fs, block_off(fs, pblk) + within, src + done, n)))
			break;
	}
	if (off + done > in->size)
		in->size = off + done;
	/* (a failed allocation changed nothing: the inode holds what was done) */
	if (done || err == 0) {
		int werr = ext2_write_inode(fs, in);

		if (werr)
			return werr;
	}
	return done ? (int64_t)done : err;
}

/* ---- freeing -------------------------------------------------------------------- */

/*
 * Free what indirect block b (at level, mapping logical blocks from base,
 * span of them) maps from logical block keep on; b itself too if all of
 * it lies past keep (*whole).
 */
static int prune(struct ext2_fs *fs, struct ext2_inode *in, uint32_t b, int level,
		 uint64_t base, uint64_t span, uint64_t keep, bool *whole)
{
	uint32_t per = fs->block_size / 4, per_block = fs->block_size / 512;
	uint64_t child = span / per;
	uint8_t e[ENTRIES * 4];
	int err;

	*whole = base >= keep;
	for (uint32_t i = 0; i < per; i += ENTRIES) {
		if (base + (i + ENTRIES) * child <= keep)
			continue;	/* all kept */
		if ((err = ext2_dev_read(fs, block_off(fs, b) + i * 4ull, e, sizeof(e))))
			return err;
		for (uint32_t j = 0; j < ENTRIES; j++) {
			uint64_t cbase = base + (i + j) * child;
			uint32_t c = le32(e + 4 * j);
			bool gone = true;

			if (c == 0 || cbase + child <= keep)
				continue;
			if ((err = ext2_check_block(fs, c)))
				return err;
			if (level > 1 &&
			    (err = prune(fs, in, c, level - 1, cbase, child, keep, &gone)))
				return err;
			if (!gone)
				continue;
			if (level == 1 && (err = ext2_free_block(fs, c)))
				return err;
			if (level == 1)
				in->blocks512 -= per_block;
			if (!*whole &&
			    (err = ext2_put(fs, block_off(fs, b) + (i + j) * 4ull, 4, 0)))
				return err;
		}
	}
	if (!*whole)
		return 0;
	in->blocks512 -= per_block;
	return ext2_free_block(fs, b);
}

/* Free in's blocks from logical block keep on (in memory: the caller writes in). */
static int free_from(struct ext2_fs *fs, struct ext2_inode *in, uint64_t keep)
{
	uint64_t per = fs->block_size / 4, base = NDIRECT, span = 1;
	bool whole;
	int err;

	for (unsigned i = keep < NDIRECT ? (unsigned)keep : NDIRECT; i < NDIRECT; i++) {
		if (!in->block[i])
			continue;
		if ((err = ext2_free_block(fs, in->block[i])))
			return err;
		in->block[i] = 0;
		in->blocks512 -= fs->block_size / 512;
	}
	for (int level = 1; level <= 3; level++) {
		uint32_t *top = &in->block[NDIRECT + level - 1];

		span *= per;
		if (*top && base + span > keep) {
			if ((err = ext2_check_block(fs, *top)) ||
			    (err = prune(fs, in, *top, level, base, span, keep, &whole)))
				return err;
			if (whole)
				*top = 0;
		}
		base += span;
	}
	return 0;
}

int ext2_truncate(struct ext2_fs *fs, struct ext2_inode *in, uint64_t len)
{
	uint32_t within = (uint32_t)(len % fs->block_size), pblk;
	int err;

	if (!ext2_writable(fs))
		return ext2_fail(fs, -EROFS, "the file system is mounted read-only");
	if (!ext2_is_reg(in))
		return ext2_fail(fs, ext2_is_dir(in) ? -EISDIR : -EINVAL, "not a regular file");
	if (len > ext2_max_size(fs))
		return ext2_fail(fs, -EFBIG, "past the largest file size");
	if (len < in->size) {
		/* the kept part of the last block: zeros after it, as growing expects */
		if (within && (err = ext2_bmap(fs, in, len / fs->block_size, &pblk)))
			return err;
		if (within && pblk &&
		    (err = ext2_dev_zero(fs, block_off(fs, pblk) + within, fs->block_size - within)))
			return err;
		if ((err = free_from(fs, in, (len + fs->block_size - 1) / fs->block_size)))
			return err;
	}
	in->size = len;
	return ext2_write_inode(fs, in);
}

/* Drop in's reference to its extended-attribute block, freed by its last user. */
static int drop_xattr(struct ext2_fs *fs, struct ext2_inode *in)
{
	uint64_t ref = block_off(fs, in->file_acl) + XATTR_REFCOUNT;
	uint32_t refs;
	int err;

	if ((err = ext2_check_block(fs, in->file_acl)) || (err = ext2_get(fs, ref, 4, &refs)))
		return err;
	if (refs > 1)
		err = ext2_put(fs, ref, 4, refs - 1);
	else
		err = ext2_free_block(fs, in->file_acl);
	in->file_acl = 0;
	return err;
}

int ext2_evict(struct ext2_fs *fs, uint32_t ino)
{
	struct ext2_inode in;
	int err;

	if (!ext2_writable(fs))
		return ext2_fail(fs, -EROFS, "the file system is mounted read-only");
	if ((err = ext2_read_inode(fs, ino, &in)))
		return err;
	if (in.links)
		return ext2_fail(fs, -EBUSY, "the inode still has links");
	if (!ext2_fast_symlink(fs, &in) && (err = free_from(fs, &in, 0)))
		return err;
	if (in.file_acl && (err = drop_xattr(fs, &in)))
		return err;
	return ext2_free_inode(fs, ino, ext2_is_dir(&in));
}
