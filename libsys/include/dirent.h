/*
 * Directories (POSIX <dirent.h>; newlib has none for this target), read
 * from the fs server with FL_FS_READDIR (libsys/newlib/dirs.c). This
 * header is found before newlib's, which only says it is unsupported.
 */
#pragma once

#include <sys/types.h>

#define DT_UNKNOWN	0
#define DT_FIFO		1
#define DT_CHR		2
#define DT_DIR		4
#define DT_BLK		6
#define DT_REG		8
#define DT_LNK		10
#define DT_SOCK		12

struct dirent {
	ino_t d_ino;
	unsigned char d_type;		/* DT_* */
	char d_name[256];		/* NUL-terminated */
};

typedef struct fl_dir DIR;

DIR *opendir(const char *path);
DIR *fdopendir(int fd);			/* fd: a directory opened for reading; closedir closes it */
struct dirent *readdir(DIR *dir);	/* the next entry ("." and ".." included), NULL at the end or on an error (errno) */
void rewinddir(DIR *dir);
int closedir(DIR *dir);
int dirfd(DIR *dir);
