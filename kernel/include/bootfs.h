/* The bootfs: the cpio archive the kernel boots with. */
#pragma once

#include <boot.h>

/*
 * Check the archive (newc, every file's data page-aligned, a trailer) and
 * list its entries on the console. Any defect is a boot failure.
 */
void bootfs_check(const struct mem_range *bootfs);

struct cpio_file;

/* Find a file by name: 0 with *f, or -ENOENT. */
int bootfs_find(const struct mem_range *bootfs, const char *name, struct cpio_file *f);

/* Load the root task (init= on the command line) and start it; failures end the boot. */
void roottask_start(const struct boot_params *bp);
