/*
 * A read-only ext2 reader (docs/ext2.md). Pure: it never allocates and
 * touches no device itself. The caller hands it a byte reader over the
 * image, read(ctx, off, buf, len), and the image's size in bytes:
 * ext2_mem_read reads an image held in memory; the fs server passes one
 * over its virtio-blk block cache. Reading bytes rather than whole blocks
 * means the library needs no block-sized buffers of its own (blocks may
 * be 64 KiB); a cache underneath makes the small reads cheap.
 *
 * Every function returns a negative errno on failure and then sets
 * fs->why to a sentence naming the problem. A corrupt image is never
 * trusted: each block number, inode number, directory entry and size is
 * checked before use. Errors: -EINVAL for an image mount refuses or a bad
 * argument, -EIO for corrupt metadata met while reading (or a failed device
 * read), -ENOENT, -ENOTDIR, -ENAMETOOLONG, -ELOOP, -EFBIG as named below.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EXT2_ROOT_INO		2
#define EXT2_NAME_MAX		255
#define EXT2_PATH_MAX		4096	/* bytes of a path, with its NUL */
#define EXT2_STEPS_MAX		256	/* lookups one path may take */

/* i_mode's type bits */
#define EXT2_S_IFMT		0xF000
#define EXT2_S_IFLNK		0xA000
#define EXT2_S_IFREG		0x8000
#define EXT2_S_IFDIR		0x4000

/* Read len bytes at byte offset off of the image; 0 or a negative errno. */
typedef int (*ext2_read_fn)(void *ctx, uint64_t off, void *buf, size_t len);
/* Write len bytes at off (the writer, ext2_write.h's functions): 0 or -errno. */
typedef int (*ext2_write_fn)(void *ctx, uint64_t off, const void *buf, size_t len);
/* Make what was written durable (a write-back cache's flush): 0 or -errno. */
typedef int (*ext2_sync_fn)(void *ctx);

struct ext2_dev {
	ext2_read_fn read;
	void *ctx;
	uint64_t size;			/* of the image, in bytes */
	ext2_write_fn write;		/* NULL: a read-only mount */
	ext2_sync_fn sync;		/* NULL: writes are durable at once */
};

/* An image in memory: ctx for ext2_mem_read and ext2_mem_write. */
struct ext2_mem {
	uint8_t *base;
	size_t len;
};

int ext2_mem_read(void *ctx, uint64_t off, void *buf, size_t len);
int ext2_mem_write(void *ctx, uint64_t off, const void *buf, size_t len);

/* A mounted file system: the superblock's numbers, checked. */
struct ext2_fs {
	struct ext2_dev dev;
	uint32_t block_size;		/* 1024 << s_log_block_size */
	uint32_t blocks_count;		/* s_blocks_count */
	uint32_t inodes_count;		/* s_inodes_count */
	uint32_t first_data_block;	/* s_first_data_block: 1 for 1 KiB blocks, else 0 */
	uint32_t blocks_per_group;
	uint32_t inodes_per_group;
	uint32_t groups;
	uint32_t inode_size;		/* 128 for revision 0, s_inode_size for 1 */
	uint32_t rev;			/* s_rev_level: 0 or 1 */
	uint32_t incompat, ro_compat;	/* feature bits */
	uint32_t compat;
	uint32_t first_ino;		/* s_first_ino: the first inode files may use */
	uint32_t goal;			/* where the next block search starts */
	const char *ro_why;		/* dev.write given but the mount is read-only: why */
	const char *why;		/* set by a failing call */
};

/* The fields of an on-disk inode the reader uses. */
struct ext2_inode {
	uint32_t ino;
	uint16_t mode;			/* type and permissions */
	uint16_t links;
	uint32_t uid, gid;
	uint64_t size;			/* with i_size_high for large regular files */
	uint32_t atime, ctime, mtime;
	uint32_t blocks512;		/* i_blocks: 512-byte sectors in use */
	uint32_t flags;
	uint32_t file_acl;		/* i_file_acl: an extended-attribute block */
	uint32_t block[15];		/* i_block: 12 direct, single, double, triple */
};

/* One directory entry. */
struct ext2_dirent {
	uint32_t ino;
	uint8_t type;			/* EXT2_FT_* if the filetype feature is on, else 0 */
	uint8_t name_len;
	char name[EXT2_NAME_MAX + 1];	/* NUL-terminated */
};

#define EXT2_FT_REG_FILE	1
#define EXT2_FT_DIR		2
#define EXT2_FT_SYMLINK		7

/* Where a path walk ended (ext2_resolve). */
struct ext2_walk {
	uint32_t ino;			/* the inode reached */
	uint32_t parent;		/* the directory it was found in */
	const char *rest;		/* after a symlink: the rest of the path */
};

#define EXT2_WALK_SYMLINK	1

/*
 * Check the superblock and every group descriptor of the image dev gives.
 * With dev->write, the mount is read-write unless the image has a feature
 * the writer does not keep right: then fs->dev.write is set NULL and
 * fs->ro_why says why. A read-write mount marks s_state not clean.
 * -EINVAL (with fs->why) for what is refused: bad magic, an unknown
 * revision, absurd sizes or counts, an image shorter than s_blocks_count
 * blocks, a group table or inode table outside it, an unsupported
 * feature, a root inode that is not a directory. A failed read: its error.
 */
int ext2_mount(struct ext2_fs *fs, const struct ext2_dev *dev);

/* Read inode ino (1-based). -EINVAL if ino is 0 or above s_inodes_count. */
int ext2_read_inode(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in);

/*
 * The disk block holding logical block lblk of in's data: *pblk, or 0 for
 * a hole. -EFBIG past what the triple indirect block reaches; -EIO for a
 * block number out of range (in i_block or in an indirect block).
 */
int ext2_bmap(struct ext2_fs *fs, const struct ext2_inode *in, uint64_t lblk,
	      uint32_t *pblk);

/*
 * Copy up to len bytes of in's data at off into buf, clamped at its size
 * (and at 2 GiB a call); holes read as zeros. The byte count, 0 at or past
 * the end, or a negative errno. A fast symlink's target (held in i_block)
 * reads like data.
 */
int64_t ext2_read(struct ext2_fs *fs, const struct ext2_inode *in, uint64_t off,
		  void *buf, size_t len);

/* A symlink's target into buf (NUL-terminated, at most len - 1 bytes). */
int ext2_readlink(struct ext2_fs *fs, const struct ext2_inode *in, char *buf, size_t len);

/*
 * The next entry of directory dir at byte offset *pos (start at 0),
 * skipping unused ones (inode 0); *pos moves past it. 1 with *de filled,
 * 0 at the end, -ENOTDIR, or -EIO for a malformed entry (rec_len below 8,
 * not 4-aligned or overrunning its block, name_len longer than the entry,
 * an inode number out of range) or a directory whose size is not whole blocks.
 */
int ext2_readdir(struct ext2_fs *fs, const struct ext2_inode *dir, uint64_t *pos,
		 struct ext2_dirent *de);

/*
 * The entry at byte offset pos of directory dir, unused ones (inode 0)
 * included, checked as ext2_readdir says: 0 with *de and *rec_len, or -errno.
 */
int ext2_dir_entry(struct ext2_fs *fs, const struct ext2_inode *dir, uint64_t pos,
		   struct ext2_dirent *de, uint32_t *rec_len);

/* The inode named name (len bytes, no '/') in dir: 0 and *ino, or -ENOENT. */
int ext2_lookup(struct ext2_fs *fs, const struct ext2_inode *dir, const char *name,
		size_t len, uint32_t *ino);

/*
 * Walk path from the root directory (a leading '/' is optional; "." and
 * ".." are the directories' own entries). Symlinks are not followed:
 * 0 with w->ino the inode the path names (which may itself be a symlink),
 * or EXT2_WALK_SYMLINK when a symlink is met with more path after it
 * (w->ino the link, w->rest what follows it, from its '/'), so the caller
 * can read the link and walk on. Errors: -ENOENT, -ENOTDIR (a non-directory
 * with more path after it), -ENAMETOOLONG (a name over 255 bytes, a path
 * over 4095), -ELOOP (more than EXT2_STEPS_MAX components), -EIO.
 */
int ext2_resolve(struct ext2_fs *fs, const char *path, struct ext2_walk *w);

/* A symlink whose target lies in i_block (no data blocks). */
bool ext2_fast_symlink(const struct ext2_fs *fs, const struct ext2_inode *in);

static inline bool ext2_is_dir(const struct ext2_inode *in)
{
	return (in->mode & EXT2_S_IFMT) == EXT2_S_IFDIR;
}

static inline bool ext2_is_reg(const struct ext2_inode *in)
{
	return (in->mode & EXT2_S_IFMT) == EXT2_S_IFREG;
}

static inline bool ext2_is_symlink(const struct ext2_inode *in)
{
	return (in->mode & EXT2_S_IFMT) == EXT2_S_IFLNK;
}
