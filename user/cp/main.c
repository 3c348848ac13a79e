/* cp FROM TO: a copy of the file FROM at TO (created, or truncated), with FROM's mode. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

static char buf[16384];

static int fail(const char *what, const char *name)
{
	fprintf(stderr, "cp: %s%s%s\n", what ? what : "", what ? " " : "", name);
	return 1;
}

int main(int argc, char **argv)
{
	struct stat st;
	int in, out, r = 0;
	ssize_t n;

	if (argc != 3) {
		fprintf(stderr, "usage: cp FROM TO\n");
		return 2;
	}
	if ((in = open(argv[1], O_RDONLY)) < 0 || fstat(in, &st) < 0) {
		fprintf(stderr, "cp: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (S_ISDIR(st.st_mode))
		return fail("a directory:", argv[1]);
	if ((out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, st.st_mode & 0777)) < 0) {
		fprintf(stderr, "cp: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			fprintf(stderr, "cp: %s: %s\n", argv[2], strerror(errno));
			r = 1;
			break;
		}
	if (n < 0) {
		fprintf(stderr, "cp: %s: %s\n", argv[1], strerror(errno));
		r = 1;
	}
	if (close(out) < 0 && !r) {
		fprintf(stderr, "cp: %s: %s\n", argv[2], strerror(errno));
		r = 1;
	}
	close(in);
	return r;
}
