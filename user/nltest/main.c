/*
 * newlib as a user program's C library, on both architectures: stdio
 * formatting, the heap (malloc through sbrk's mapped frames), qsort and
 * bsearch, strtod and libm, constructors, and the ENOSYS of the calls
 * that wait for the fs server. TAP on stdout; exits 0 when all pass.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <faultline/process.h>

static int ncase, nfail;
static const char *volatile argc_text = "truncated text";	/* not folded at compile time */
static int constructed;

__attribute__((constructor)) static void construct(void)
{
	constructed = 42;
}

static void check(int ok, const char *name, const char *why)
{
	ncase++;
	if (ok) {
		printf("ok %d - %s\n", ncase, name);
	} else {
		nfail++;
		printf("not ok %d - %s # %s\n", ncase, name, why);
	}
}

static void formatting(void)
{
	char buf[128];
	int n = snprintf(buf, sizeof(buf), "%d|%5s|%-3x|%lld|%zu|%.3f|%e|%g|%a", -17, "ab", 0xa,
			 -1234567890123ll, (size_t)4096, 3.14159, 1234.5, 0.0001, 1.0);
	const char *want = "-17|   ab|a  |-1234567890123|4096|3.142|1.234500e+03|0.0001|0x1p+0";

	check(n == (int)strlen(want) && !strcmp(buf, want), "printf formats (integers, floats)",
	      buf);
	n = snprintf(buf, 8, "%s", argc_text);
	check(n == 14 && !strcmp(buf, "truncat"), "snprintf truncates and counts", buf);
}

static void heap(void)
{
	enum { N = 200 };
	char *p[N], *big;
	int ok = 1;

	for (int i = 0; i < N; i++) {
		p[i] = malloc(16 + i * 37);
		if (!p[i])
			ok = 0;
		else
			memset(p[i], i, 16 + i * 37);
	}
	for (int i = 0; i < N && ok; i += 2)
		free(p[i]);
	for (int i = 1; i < N && ok; i += 2)
		if (p[i][0] != (char)i || p[i][15 + i * 37] != (char)i)
			ok = 0;
	for (int i = 1; i < N; i += 2)
		free(p[i]);
	check(ok, "200 mallocs and frees keep their bytes", "a block lost its contents");

	big = malloc(1000);
	if (big) {
		strcpy(big, "kept across realloc");
		big = realloc(big, 3 << 20);	/* needs the heap to grow by 3 MiB */
	}
	check(big && !strcmp(big, "kept across realloc"), "realloc to 3 MiB keeps the data",
	      "lost");
	if (big) {
		big[(3 << 20) - 1] = 1;		/* the last byte is ours */
		free(big);
	}
	errno = 0;
	check(malloc(1ul << 30) == NULL && errno == ENOMEM, "malloc(1 GiB) is NULL with ENOMEM",
	      "allocated");
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static void sorting(void)
{
	enum { N = 1000 };
	static int v[N];
	uint32_t seed = 1;
	int sorted = 1, key, *hit;

	for (int i = 0; i < N; i++) {
		seed = seed * 1103515245u + 12345u;
		v[i] = (int)(seed >> 8) % 100000;
	}
	key = v[N / 3];
	qsort(v, N, sizeof(v[0]), cmp_int);
	for (int i = 1; i < N; i++)
		if (v[i - 1] > v[i])
			sorted = 0;
	hit = bsearch(&key, v, N, sizeof(v[0]), cmp_int);
	check(sorted && hit && *hit == key, "qsort 1000 ints, bsearch finds one", "unsorted");
}

static void numbers(void)
{
	char *end;
	double d = strtod("325e-2xyz", &end), h = strtod("0x1.8p1", NULL);

	check(d == 3.25 && !strcmp(end, "xyz") && h == 3.0, "strtod, decimal and hex",
	      "wrong value");
	check(fabs(sqrt(2.0) * sqrt(2.0) - 2.0) < 1e-12 && fabs(sin(M_PI / 2) - 1.0) < 1e-12,
	      "libm sqrt and sin", "wrong value");
	check(strtol("-0x7f", NULL, 16) == -127 && atoi("  42") == 42, "strtol and atoi",
	      "wrong value");
}

/* stdio on files: the fs server's; without one (fs=none) fopen fails with ENOSYS. */
static void stdio_files(void)
{
	char line[128] = "";
	FILE *f;

	errno = 0;
	f = fopen("/etc/motd", "r");
	if (fl_fs() < 0) {
		check(f == NULL && errno == ENOSYS, "no fs server: fopen fails with ENOSYS",
		      "no ENOSYS");
		return;
	}
	check(f && fgets(line, sizeof(line), f) && strstr(line, "Faultline") && fclose(f) == 0,
	      "fopen, fgets, fclose of /etc/motd", "fopen or fgets failed");
}

int main(int argc, char **argv)
{
	printf("TAP version 13\n1..11\n");
	check(constructed == 42 && argc == 1 && argv[0] && !argv[1],
	      "constructors ran; argc and argv", "no");
	formatting();
	heap();
	sorting();
	numbers();
	stdio_files();
	printf("# %d passed, %d failed\n", ncase - nfail, nfail);
	return nfail ? 1 : 0;
}
