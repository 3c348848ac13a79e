/* The kernel command line: space-separated key=value words. */
#include <errno.h>
#include <kernel.h>
#include <string.h>

static const char *cmdline = "";

void cmdline_set(const char *s)
{
	cmdline = s ? s : "";
}

int cmdline_get(const char *key, char *buf, size_t size)
{
	size_t klen = strlen(key);

	for (const char *p = cmdline; *p;) {
		const char *end;

		while (*p == ' ')
			p++;
		end = p;
		while (*end && *end != ' ')
			end++;
		if ((size_t)(end - p) > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
			size_t n = (size_t)(end - p) - klen - 1;

			if (n >= size)
				return -ERANGE;
			memcpy(buf, p + klen + 1, n);
			buf[n] = '\0';
			return 0;
		}
		p = end;
	}
	return -ENOENT;
}
