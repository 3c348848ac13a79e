/*
 * The ext2 writer (docs/ext2.md, "Writing"): beside the reader of ext2.h,
 * over the same pure byte callbacks, with ext2_dev.write set. Allocation
 * (ext2_alloc.c), file data and truncation (ext2_file.c), directories and
 * names (ext2_dir.c). Inodes are passed as the caller's copies: a
 * function changing one writes it back and leaves the copy current.
 * Errors as the reader's, and -EROFS (a read-only mount), -ENOSPC, -EFBIG,
 * -EEXIST, -ENOTEMPTY, -EISDIR, -ENOTDIR, -ENAMETOOLONG, -EINVAL, -EMLINK.
 */
#pragma once

#include "ext2.h"

static inline bool ext2_writable(const struct ext2_fs *fs)
{
	return fs->dev.write != NULL;
}

/* Write in's fields back to its on-disk inode. */
int ext2_write_inode(struct ext2_fs *fs, const struct ext2_inode *in);

/* The largest size a regular file may have here (EFBIG past it). */
uint64_t ext2_max_size(const struct ext2_fs *fs);

/*
 * Write len bytes of buf at off of regular file in, allocating blocks
 * (holes stay holes): the byte count, short if the disk filled (then
 * -ENOSPC if nothing was written), or -EFBIG at the maximum size.
 */
int64_t ext2_write(struct ext2_fs *fs, struct ext2_inode *in, uint64_t off,
		   const void *buf, size_t len);

/* Set a regular file's size: blocks past it freed, the kept tail zeroed. */
int ext2_truncate(struct ext2_fs *fs, struct ext2_inode *in, uint64_t len);

/*
 * Make name (len bytes) in directory dir: a regular file or (EXT2_S_IFDIR
 * in mode) a directory with "." and "..". *out: the new inode.
 */
int ext2_create(struct ext2_fs *fs, struct ext2_inode *dir, const char *name, size_t len,
		uint16_t mode, struct ext2_inode *out);

/*
 * Remove name from dir: rmdir (an empty directory, else -ENOTEMPTY /
 * -ENOTDIR) or unlink (not a directory: -EISDIR). The inode's link count
 * drops; when it reaches 0, *gone is its number (else 0) and the caller
 * frees it with ext2_evict, at once or when its last user lets go.
 */
int ext2_unlink(struct ext2_fs *fs, struct ext2_inode *dir, const char *name, size_t len,
		bool rmdir, uint32_t *gone);

/* Free inode ino (links 0) and all its blocks. */
int ext2_evict(struct ext2_fs *fs, uint32_t ino);

/*
 * Move fdir/fname to tdir/tname (directory inode numbers), replacing a
 * file there (or an empty directory, for a directory): *gone as for
 * ext2_unlink. -EINVAL moving a directory into itself or below.
 */
int ext2_rename(struct ext2_fs *fs, uint32_t fdir, const char *fname, size_t flen,
		uint32_t tdir, const char *tname, size_t tlen, uint32_t *gone);

/* Flush what was written (the device's sync): 0 or -errno. */
int ext2_sync(struct ext2_fs *fs);

/* Sync, mark s_state clean, sync again; the file system stays mounted read-only. */
int ext2_unmount(struct ext2_fs *fs);
