/*
 * Reading a cpio archive in the "newc" format (magic 070701), as used for
 * the bootfs. Every access is bounds checked.
 */
#pragma once

#include <types.h>

struct cpio_reader {
	const uint8_t *base;
	size_t len;
	size_t off;		/* next header */
};

struct cpio_file {
	const char *name;
	const void *data;
	uint64_t size;
	uint64_t offset;	/* of the data, from the archive's start */
	uint32_t mode;		/* type and permission bits */
};

#define CPIO_MODE_TYPE	0170000u
#define CPIO_MODE_FILE	0100000u
#define CPIO_MODE_DIR	0040000u

/* Name of the entries tools/mkbootfs.py inserts to page-align file data. */
#define CPIO_PAD_NAME	".bootfs-pad"

void cpio_open(struct cpio_reader *r, const void *base, size_t len);

/*
 * Read the next entry. Returns 1 with *f filled, 0 at the TRAILER!!! entry,
 * -EINVAL for a malformed header (bad magic, bad hex digit, bad name) and
 * -EOVERFLOW when an entry runs past the end of the archive (truncated).
 * On error *why says what was wrong.
 */
int cpio_next(struct cpio_reader *r, struct cpio_file *f, const char **why);
