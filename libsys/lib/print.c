/* Console output, formatted by the kernel's own printf (kernel/lib/printf.c). */
#include <faultline/sys.h>

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

void fl_print(const char *s)
{
	size_t len = strlen(s);

	while (len) {
		size_t n = len < FL_CONSOLE_WRITE_MAX ? len : FL_CONSOLE_WRITE_MAX;

		fl_console_write(s, n);
		s += n;
		len -= n;
	}
}

void fl_printf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fl_print(buf);
	if (n >= (int)sizeof(buf))
		fl_print("[... line truncated by fl_printf]\n");
}

int fl_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
