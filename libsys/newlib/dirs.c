/*
 * opendir, readdir, rewinddir, closedir over the fs server's
 * FL_FS_READDIR (faultline/fs.h): a buffer of struct fl_dirent records,
 * refilled when used up; a directory's offset counts entries, so rewinding
 * is an lseek to 0.
 */
#include <dirent.h>
#include <stddef.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <faultline/abi.h>
#include <faultline/fs.h>
#include <faultline/ipc.h>

#include "glue.h"

struct fl_dir {
	int fd;
	size_t at, len;			/* the next record in buf, the bytes there */
	struct dirent ent;
	char buf[FL_FS_IO_MAX] __attribute__((aligned(8)));
};

DIR *fdopendir(int fd)
{
	struct stat st;
	DIR *d;

	if (fstat(fd, &st) < 0)
		return NULL;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return NULL;
	}
	if (!(d = calloc(1, sizeof(*d)))) {
		errno = ENOMEM;
		return NULL;
	}
	d->fd = fd;
	return d;
}

DIR *opendir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY);
	DIR *d;

	if (fd < 0)
		return NULL;
	if (!(d = fdopendir(fd))) {
		int err = errno;

		close(fd);
		errno = err;
	}
	return d;
}

struct dirent *readdir(DIR *d)
{
	const size_t head = offsetof(struct fl_dirent, name);	/* 12: the name follows */
	struct fl_dirent rec;

	if (!d) {
		errno = EBADF;
		return NULL;
	}
	if (d->at >= d->len) {
		long r;

		if (fl_fs_endpoint < 0) {
			errno = EBADF;
			return NULL;
		}
		r = fl_fs_call(FL_FS_READDIR, 0, (uint64_t)d->fd, sizeof(d->buf), 0, NULL);
		if (r <= 0 || (size_t)r > sizeof(d->buf)) {
			if (r < 0)
				errno = (int)-r;
			else if (r > 0)
				errno = EIO;
			return NULL;		/* the end (errno untouched), or an error */
		}
		memcpy(d->buf, fl_fs_ipcbuf->words, (size_t)r);
		d->at = 0;
		d->len = (size_t)r;
	}
	if (d->len - d->at < head) {
		d->at = d->len;
		errno = EIO;
		return NULL;
	}
	memcpy(&rec, d->buf + d->at, head);
	if (rec.reclen < head + rec.namelen + 1 || rec.reclen > d->len - d->at) {
		d->at = d->len;			/* a record that does not fit: the server's bug */
		errno = EIO;
		return NULL;
	}
	d->ent.d_ino = (ino_t)rec.ino;
	d->ent.d_type = rec.type;
	memcpy(d->ent.d_name, d->buf + d->at + head, rec.namelen);
	d->ent.d_name[rec.namelen] = 0;
	d->at += rec.reclen;
	return &d->ent;
}

void rewinddir(DIR *d)
{
	if (!d)
		return;
	lseek(d->fd, 0, SEEK_SET);
	d->at = d->len = 0;
}

int closedir(DIR *d)
{
	int r;

	if (!d)
		return fail(EBADF);
	r = close(d->fd);
	free(d);
	return r;
}

int dirfd(DIR *d)
{
	return d ? d->fd : fail(EBADF);
}
