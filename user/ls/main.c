/*
 * ls [-l] [-a] [PATH...]: the names in each directory, sorted (-a: those
 * starting with '.' too); a file's own name. -l: type, size, name (and a
 * link's target is not read yet).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int long_form, all;

static char type_char(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFDIR: return 'd';
	case S_IFCHR: return 'c';
	case S_IFIFO: return 'p';
	case S_IFLNK: return 'l';
	case S_IFREG: return '-';
	default: return '?';
	}
}

static void show(const char *dir, const char *name)
{
	char path[1024];
	struct stat st;

	if (!long_form) {
		printf("%s\n", name);
		return;
	}
	if (dir)
		snprintf(path, sizeof(path), "%s%s%s", dir,
			 dir[strlen(dir) - 1] == '/' ? "" : "/", name);
	else
		snprintf(path, sizeof(path), "%s", name);
	if (lstat(path, &st) < 0) {	/* a symlink as itself */
		printf("? %10s %s\n", "?", name);
		return;
	}
	printf("%c %10lld %s\n", type_char(st.st_mode), (long long)st.st_size, name);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list(const char *path)
{
	struct stat st;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	DIR *d;

	if (stat(path, &st) < 0) {
		fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (!S_ISDIR(st.st_mode)) {
		show(NULL, path);
		return 0;
	}
	if (!(d = opendir(path))) {
		fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
		return 1;
	}
	errno = 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' && !all)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			names = realloc(names, cap * sizeof(*names));
		}
		if (!names || !(names[n++] = strdup(e->d_name))) {
			fprintf(stderr, "ls: out of memory\n");
			return 1;
		}
	}
	if (errno) {
		fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
		closedir(d);
		return 1;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		show(path, names[i]);
		free(names[i]);
	}
	free(names);
	return 0;
}

int main(int argc, char **argv)
{
	int i = 1, status = 0, paths;

	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		for (const char *o = argv[i] + 1; *o; o++) {
			if (*o == 'l')
				long_form = 1;
			else if (*o == 'a')
				all = 1;
			else {
				fprintf(stderr, "ls: unknown option -%c (ls [-la] [PATH...])\n", *o);
				return 2;
			}
		}
	}
	paths = argc - i;
	if (paths == 0)
		return list(".");
	for (; i < argc; i++) {
		if (paths > 1)
			printf("%s:\n", argv[i]);
		status |= list(argv[i]);
	}
	return status;
}
