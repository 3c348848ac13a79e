/*
 * mmapcopy FILE: FILE's bytes to stdout through a mapping of it, not
 * read() (the seeds' example): the pages come from the fs server's page
 * cache as the write touches them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
	struct stat st;
	const char *p;
	size_t done = 0;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: mmapcopy FILE\n");
		return 2;
	}
	if ((fd = open(argv[1], O_RDONLY)) < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "mmapcopy: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (st.st_size == 0)
		return 0;		/* nothing to map: mmap of length 0 is EINVAL */
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "mmapcopy: mmap %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	while (done < (size_t)st.st_size) {
		ssize_t w = write(1, p + done, (size_t)st.st_size - done);

		if (w <= 0) {
			fprintf(stderr, "mmapcopy: write: %s\n", strerror(w < 0 ? errno : EIO));
			return 1;
		}
		done += (size_t)w;
	}
	return 0;
}
