/* Checking and listing the bootfs at boot. */
#include <bootfs.h>
#include <errno.h>
#include <kernel.h>
#include <lib/cpio.h>
#include <memlayout.h>
#include <string.h>

void bootfs_check(const struct mem_range *bootfs)
{
	struct cpio_reader r;
	struct cpio_file f;
	const char *why;
	unsigned files = 0;
	uint64_t bytes = 0;
	int err;

	if (bootfs->size == 0)
		boot_fail("no boot module: the bootfs (a cpio made by tools/mkbootfs.py) "
			  "must be passed as the initrd");
	if (!IS_ALIGNED(bootfs->base, PAGE_SIZE))
		boot_fail("bootfs at %#lx is not page-aligned", (unsigned long)bootfs->base);

	kprintf("bootfs: %#lx, %lu bytes\n", (unsigned long)bootfs->base,
		(unsigned long)bootfs->size);
	cpio_open(&r, pa_to_kva(bootfs->base), bootfs->size);
	while ((err = cpio_next(&r, &f, &why)) > 0) {
		bool is_file = (f.mode & CPIO_MODE_TYPE) == CPIO_MODE_FILE;

		if (strcmp(f.name, CPIO_PAD_NAME) == 0)
			continue;
		if (is_file && f.size > 0 && !IS_ALIGNED(f.offset, PAGE_SIZE))
			boot_fail("bootfs: %s: data at offset %#lx is not page-aligned "
				  "(pack the bootfs with tools/mkbootfs.py)",
				  f.name, (unsigned long)f.offset);
		kprintf("  %-28s %8lu bytes  %s\n", f.name, (unsigned long)f.size,
			is_file ? "file" : (f.mode & CPIO_MODE_TYPE) == CPIO_MODE_DIR ? "dir" : "other");
		if (is_file) {
			files++;
			bytes += f.size;
		}
	}
	if (err < 0)
		boot_fail("bootfs: %s at offset %#lx (%s)", why, (unsigned long)r.off,
			  errno_name(err));
	kprintf("bootfs: %u files, %lu bytes of data\n", files, (unsigned long)bytes);
}

int bootfs_find(const struct mem_range *bootfs, const char *name, struct cpio_file *f)
{
	struct cpio_reader r;
	const char *why;

	cpio_open(&r, pa_to_kva(bootfs->base), bootfs->size);
	while (cpio_next(&r, f, &why) > 0)
		if ((f->mode & CPIO_MODE_TYPE) == CPIO_MODE_FILE && strcmp(f->name, name) == 0)
			return 0;
	return -ENOENT;
}
