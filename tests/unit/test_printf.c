/* The kernel's printf against the host's snprintf, format by format. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...);

/* Format with both, compare text and return value. */
static void same(const char *fmt, ...)
{
	char ours[256], theirs[256];
	va_list a, b;
	int n1, n2;

	va_start(a, fmt);
	va_copy(b, a);
	n1 = kvsnprintf(ours, sizeof(ours), fmt, a);
	n2 = vsnprintf(theirs, sizeof(theirs), fmt, b);
	va_end(a);
	va_end(b);
	if (n1 != n2 || strcmp(ours, theirs) != 0)
		fail_msg("format \"%s\": kernel \"%s\" (%d), host \"%s\" (%d)", fmt, ours, n1,
			 theirs, n2);
}

static void integers(void **state)
{
	(void)state;
	same("%d %i %u", 0, -1, 4000000000u);
	same("%d", -2147483647 - 1);
	same("%ld %lu", -9223372036854775807l - 1, 18446744073709551615ul);
	same("%lld %llx", -5ll, 0xffffffffffffffffull);
	same("%hhd %hhu %hd %hu", 300, 300, 70000, 70000);
	same("%zu %zd %jd %td", (size_t)12345, (ssize_t)-3, (intmax_t)-7, (ptrdiff_t)-9);
	same("%x %X %o", 0xbeefu, 0xbeefu, 0755u);
}

static void flags_width_precision(void **state)
{
	(void)state;
	same("[%5d] [%-5d] [%05d] [%+d] [% d] [%+5d]", 42, 42, 42, 42, 42, -42);
	same("[%#x] [%#X] [%#o] [%#x] [%#o]", 255u, 255u, 8u, 0u, 0u);
	same("[%.3d] [%8.3d] [%-8.3d] [%08.3d] [%.0d] [%5.0d]", 7, 7, 7, 7, 0, 0);
	same("[%*d] [%-*d] [%.*d] [%*d]", 6, 1, 6, 1, 4, 1, -6, 1);
	same("[%#010x] [%#.5x] [%+.2d] [% 05d]", 0x1fu, 0x1fu, 3, -3);
	same("[%016lx] [%#018lx]", 0xffffffff80000000ul, 0xffff800000000000ul);
}

static void strings_and_chars(void **state)
{
	(void)state;
	same("[%s] [%10s] [%-10s] [%.2s] [%*.*s]", "abc", "abc", "abc", "abc", 6, 1, "xyz");
	same("[%c] [%3c] [%-3c]", 'a', 'b', 'c');
	same("100%% %s", "done");
	same("no conversions at all");
}

static void pointers(void **state)
{
	char buf[64];

	(void)state;
	same("%p", (void *)0xffffffff80001234ul);
	same("%20p|%-20p|", (void *)0x1000ul, (void *)0x2000ul);
	/* glibc prints "(nil)" for NULL; the kernel prints 0x0, on purpose */
	ksnprintf(buf, sizeof(buf), "%p", (void *)0);
	assert_string_equal(buf, "0x0");
}

static void truncation(void **state)
{
	char buf[8];

	(void)state;
	memset(buf, 'X', sizeof(buf));
	assert_int_equal(ksnprintf(buf, 5, "%s", "abcdefgh"), 8);
	assert_string_equal(buf, "abcd");
	assert_int_equal(buf[5], 'X');
	assert_int_equal(ksnprintf(buf, 1, "%d", 12345), 5);
	assert_string_equal(buf, "");
	assert_int_equal(ksnprintf(NULL, 0, "%d", 12345), 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(integers),
		cmocka_unit_test(flags_width_precision),
		cmocka_unit_test(strings_and_chars),
		cmocka_unit_test(pointers),
		cmocka_unit_test(truncation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
