/* cat [FILE...]: each file's bytes to stdout; no file or "-": stdin. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char buf[16384];

/* Copy fd to stdout: 0, or 1 after saying what failed. */
static int copy(int fd, const char *name)
{
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf)), done = 0;

		if (n == 0)
			return 0;
		if (n < 0) {
			fprintf(stderr, "cat: %s: %s\n", name, strerror(errno));
			return 1;
		}
		while (done < n) {
			ssize_t w = write(1, buf + done, (size_t)(n - done));

			if (w <= 0) {
				fprintf(stderr, "cat: write: %s\n", strerror(w < 0 ? errno : EIO));
				return 1;
			}
			done += w;
		}
	}
}

int main(int argc, char **argv)
{
	int status = 0;

	if (argc < 2)
		return copy(0, "stdin");
	for (int i = 1; i < argc; i++) {
		int fd = strcmp(argv[i], "-") == 0 ? 0 : open(argv[i], O_RDONLY);

		if (fd < 0) {
			fprintf(stderr, "cat: %s: %s\n", argv[i], strerror(errno));
			status = 1;
			continue;
		}
		status |= copy(fd, argv[i]);
		if (fd != 0)
			close(fd);
	}
	return status;
}
