/*
 * The file systems' constructors: the bootfs (bootfs.c), /tmp (tmpfs.c)
 * and the disk's ext2 (ext2fs.c). /dev is devfs.h's.
 */
#pragma once

#include "ext2.h"
#include "vfs.h"

/*
 * The bootfs: the tree of the cpio archive at base (len bytes, which must
 * stay mapped): its root directory, or NULL with *why (a malformed
 * archive, or no memory). Directories are made for every path's parents.
 */
struct node *bootfs_mount(const void *base, size_t len, const char **why);

/*
 * Page index of n, if n is a bootfs file whose page is wholly its own
 * bytes and page-aligned in the archive: true with *page the archive's
 * page holding it (the bootfs frame's page), so it can be mapped without
 * a copy. False for anything else (another file system, a partial last
 * page, which must not show the next entry's bytes).
 */
#define BOOTFS_PAGE	4096u
bool bootfs_frame_page(const struct node *n, uint64_t index, uint64_t *page);

/* /tmp: files and directories in the fs server's memory. */
#define TMPFS_FILE_MAX		(16u << 20)	/* bytes of one file: EFBIG past it */
#define TMPFS_BYTES_MAX		(32u << 20)	/* of all files: ENOSPC past it */
#define TMPFS_NODES_MAX		4096		/* ENOSPC past it */

/* A new, empty tmpfs: its root directory (one reference), or NULL. */
struct node *tmpfs_new(void);
/* Bytes its files hold now (for tests). */
size_t tmpfs_bytes(void);

/* The disk's ext2: the root of fs (mounted, and staying so), or NULL. Writable if fs is. */
struct node *ext2fs_root(struct ext2_fs *fs);
/* At shutdown: everything written back and the file system marked clean: 0, or -errno. */
int ext2fs_unmount(void);
