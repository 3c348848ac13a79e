/* Self-tests of the library as compiled for this architecture. */
#include <errno.h>
#include <kernel.h>
#include <ktest.h>
#include <string.h>

static const char *printf_formats(void)
{
	char buf[64];

	ksnprintf(buf, sizeof(buf), "%d|%5u|%-4x|%08lx|%s|%c", -42, 7u, 0xabu, 0xdeadul, "ok", 'z');
	if (strcmp(buf, "-42|    7|ab  |0000dead|ok|z") != 0)
		return ktest_fail("got \"%s\"", buf);
	if (ksnprintf(buf, 4, "%s", "truncated") != 9 || strcmp(buf, "tru") != 0)
		return "truncation wrong";
	return NULL;
}

static const char *errno_names(void)
{
	if (strcmp(errno_name(-ENOMEM), "ENOMEM") || strcmp(errno_name(EINVAL), "EINVAL"))
		return "wrong name";
	return NULL;
}

const struct ktest lib_tests[] = {
	{ "lib: printf formats", printf_formats },
	{ "lib: errno names", errno_names },
	{ NULL, NULL },
};
