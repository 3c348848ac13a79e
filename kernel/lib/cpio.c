/*
 * cpio "newc": a 110-byte ASCII header (magic "070701", then thirteen
 * 8-digit hex fields), the NUL-terminated name padded to 4 bytes counted
 * from the header's start, then the data padded to 4 bytes.
 */
#include <errno.h>
#include <lib/cpio.h>
#include <string.h>

#define HDR_SIZE	110
#define TRAILER		"TRAILER!!!"

enum { F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE,
       F_DEVMAJOR, F_DEVMINOR, F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE, F_CHECK };

void cpio_open(struct cpio_reader *r, const void *base, size_t len)
{
	r->base = base;
	r->len = len;
	r->off = 0;
}

static bool hex_field(const uint8_t *h, int field, uint32_t *out)
{
	const uint8_t *p = h + 6 + 8 * field;
	uint32_t v = 0;

	for (int i = 0; i < 8; i++) {
		uint8_t c = p[i];

		if (c >= '0' && c <= '9')
			v = v << 4 | (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v << 4 | (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v = v << 4 | (uint32_t)(c - 'A' + 10);
		else
			return false;
	}
	*out = v;
	return true;
}

static size_t align4(size_t x)
{
	return (x + 3) & ~(size_t)3;
}

int cpio_next(struct cpio_reader *r, struct cpio_file *f, const char **why)
{
	const uint8_t *h = r->base + r->off;
	uint32_t mode, filesize, namesize;
	size_t name_off, data_off, end;

	if (r->off > r->len || r->len - r->off < HDR_SIZE) {
		*why = "archive ends before the trailer";
		return -EOVERFLOW;
	}
	if (memcmp(h, "070701", 6) != 0) {
		*why = "bad magic (not a newc cpio header)";
		return -EINVAL;
	}
	if (!hex_field(h, F_MODE, &mode) || !hex_field(h, F_FILESIZE, &filesize) ||
	    !hex_field(h, F_NAMESIZE, &namesize)) {
		*why = "bad hex digit in header";
		return -EINVAL;
	}
	name_off = r->off + HDR_SIZE;
	if (namesize == 0 || namesize > r->len - name_off) {
		*why = namesize == 0 ? "empty name" : "name runs past the end";
		return namesize == 0 ? -EINVAL : -EOVERFLOW;
	}
	if (r->base[name_off + namesize - 1] != '\0' ||
	    strnlen((const char *)r->base + name_off, namesize) != namesize - 1) {
		*why = "name is not NUL-terminated";
		return -EINVAL;
	}
	data_off = align4(name_off + namesize);
	if (data_off > r->len || filesize > r->len - data_off) {
		*why = "data runs past the end (truncated archive)";
		return -EOVERFLOW;
	}
	end = align4(data_off + filesize);

	f->name = (const char *)r->base + name_off;
	f->data = r->base + data_off;
	f->size = filesize;
	f->offset = data_off;
	f->mode = mode;
	r->off = end;
	if (strcmp(f->name, TRAILER) == 0)
		return 0;
	return 1;
}
