/*
 * What the ext2 library's files share (ext2.c the reader, ext2_alloc.c,
 * ext2_file.c, ext2_dir.c the writer; docs/ext2.md): on-disk field
 * offsets, little-endian helpers, device access. Not for the library's users.
 */
#pragma once

#include <errno.h>
#include <string.h>
#include "ext2.h"

#define SB_OFFSET	1024
#define SB_SIZE		1024
#define GD_SIZE		32
#define INODE_SIZE0	128		/* revision 0's inodes; the fields we read */
#define NDIRECT		12
#define DIRENT_HDR	8
#define RW_MAX		0x7ffff000u	/* bytes one ext2_read or ext2_write may move */

/* superblock fields: byte offsets from SB_OFFSET */
#define S_INODES_COUNT		0
#define S_BLOCKS_COUNT		4
#define S_FREE_BLOCKS		12
#define S_FREE_INODES		16
#define S_FIRST_DATA_BLOCK	20
#define S_LOG_BLOCK_SIZE	24
#define S_BLOCKS_PER_GROUP	32
#define S_INODES_PER_GROUP	40
#define S_MAGIC			56
#define S_STATE			58	/* 16 bits */
#define S_REV_LEVEL		76
#define S_FIRST_INO		84	/* revision 1 only, as are the features */
#define S_INODE_SIZE		88
#define S_FEATURE_COMPAT	92
#define S_FEATURE_INCOMPAT	96
#define S_FEATURE_RO_COMPAT	100

#define STATE_VALID		0x0001	/* s_state: unmounted cleanly */

#define INCOMPAT_FILETYPE	0x0002	/* a type byte in directory entries */
#define RO_COMPAT_SPARSE_SUPER	0x0001
#define RO_COMPAT_LARGE_FILE	0x0002
#define COMPAT_DIR_INDEX	0x0020

/* group descriptor fields */
#define BG_BLOCK_BITMAP		0
#define BG_INODE_BITMAP		4
#define BG_INODE_TABLE		8
#define BG_FREE_BLOCKS		12	/* 16 bits, as the next two */
#define BG_FREE_INODES		14
#define BG_USED_DIRS		16

/* inode fields */
#define I_MODE		0
#define I_UID		2
#define I_SIZE		4
#define I_ATIME		8
#define I_CTIME		12
#define I_MTIME		16
#define I_DTIME		20
#define I_GID		24
#define I_LINKS		26
#define I_BLOCKS	28
#define I_FLAGS		32
#define I_BLOCK		40	/* i_block[15] */
#define I_FILE_ACL	104
#define I_SIZE_HIGH	108	/* i_dir_acl in revision 0 */
#define I_UID_HIGH	120	/* osd2 (Linux) */
#define I_GID_HIGH	122
#define I_EXTRA_ISIZE	128	/* inodes over 128 bytes */

#define INDEX_FL	0x1000	/* i_flags: a hashed-tree directory */

static inline uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline uint64_t block_off(const struct ext2_fs *fs, uint32_t block)
{
	return (uint64_t)block * fs->block_size;
}

/* The part of a transfer at byte pos within one block: its length (at most left), *within where. */
static inline size_t block_piece(const struct ext2_fs *fs, uint64_t pos, size_t left,
				 uint32_t *within)
{
	size_t n;

	*within = (uint32_t)(pos % fs->block_size);
	n = fs->block_size - *within;
	return n < left ? n : left;
}

/* Byte offset of group g's descriptor. */
static inline uint64_t gd_off(const struct ext2_fs *fs, uint32_t g)
{
	return block_off(fs, fs->first_data_block + 1) + (uint64_t)g * GD_SIZE;
}

/* Set fs->why: err. */
int ext2_fail(struct ext2_fs *fs, int err, const char *why);
int ext2_dev_read(struct ext2_fs *fs, uint64_t off, void *buf, size_t len);

/* b is 0 (a hole) or a block of the image past the superblock's: 0, else -EIO. */
int ext2_check_block(struct ext2_fs *fs, uint32_t b);
/*
 * The path to logical block lblk: its depth (0 direct, 1..3 levels of
 * indirection; -EFBIG past the triple indirect block), *slot the i_block
 * entry it starts from, idx[d] the entry at each level from the top.
 */
int ext2_chain(struct ext2_fs *fs, uint64_t lblk, unsigned *slot, uint32_t idx[3]);

/* ---- the writer's device access (ext2_alloc.c) ---- */

/* The end of ext2_mount with a writer: features checked, s_state marked not clean. */
int ext2_mount_rw(struct ext2_fs *fs);

int ext2_dev_write(struct ext2_fs *fs, uint64_t off, const void *buf, size_t len);
int ext2_dev_zero(struct ext2_fs *fs, uint64_t off, uint64_t len);
/* A little-endian field of bytes 2 or 4 at off: read / written / added to. */
int ext2_get(struct ext2_fs *fs, uint64_t off, unsigned bytes, uint32_t *v);
int ext2_put(struct ext2_fs *fs, uint64_t off, unsigned bytes, uint32_t v);
int ext2_add(struct ext2_fs *fs, uint64_t off, unsigned bytes, int32_t delta);

/* A free block, marked used and zeroed, near goal (a block number or 0): -ENOSPC. */
int ext2_alloc_block(struct ext2_fs *fs, uint32_t goal, uint32_t *b);
int ext2_free_block(struct ext2_fs *fs, uint32_t b);
/* Blocks free now (s_free_blocks_count). */
int ext2_free_blocks(struct ext2_fs *fs, uint32_t *n);
/* A free inode, marked used, preferring group; dir counts it in bg_used_dirs_count. */
int ext2_alloc_inode(struct ext2_fs *fs, uint32_t group, bool dir, uint32_t *ino);
int ext2_free_inode(struct ext2_fs *fs, uint32_t ino, bool dir);

/* ---- ext2_file.c ---- */

/* The block of in's logical block lblk, allocated (with indirect blocks) if a hole. */
int ext2_bmap_alloc(struct ext2_fs *fs, struct ext2_inode *in, uint64_t lblk, uint32_t *pblk);
