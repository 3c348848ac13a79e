/* The disk: virtio-blk under a block cache under the ext2 reader (disk.c). */
#pragma once

#include <faultline/fs.h>
#include "vfs.h"

#define DISK_VA_SIZE	0x1000000ul	/* address space disk_mount uses at va */

/*
 * Open boot's disk (its driver's registers and DMA frame mapped at va)
 * and mount its ext2: the root node, or NULL with *why saying what failed.
 */
struct node *disk_mount(const struct fl_fs_boot *boot, uintptr_t va, const char **why);

/* Blocks of the mounted file system. */
uint32_t disk_blocks(void);
/* Why the disk is mounted read-only (an image the writer cannot keep right), or NULL. */
const char *disk_ro_why(void);
