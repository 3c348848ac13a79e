/*
 * Formatted output: a subset of C's printf that the kernel needs.
 * Conversions d i u x X o p s c %; flags - 0 + space #; width and precision
 * (also as *); length modifiers hh h l ll z j t. Output is truncated to the
 * buffer like snprintf, and the return value is the untruncated length.
 * Checked against the host's snprintf by tests/unit/test_printf.c.
 */
#include <kernel.h>
#include <string.h>

struct out {
	char *buf;		/* a buffer of size bytes, or */
	size_t size;
	void (*sink)(int c);	/* a character sink */
	size_t len;		/* characters produced so far, even if not stored */
};

static void put(struct out *o, char c)
{
	if (o->sink)
		o->sink(c);
	else if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

enum { F_LEFT = 1, F_ZERO = 2, F_PLUS = 4, F_SPACE = 8, F_ALT = 16 };

struct spec {
	unsigned flags;
	int width;
	int prec;	/* -1: none */
};

static void put_str(struct out *o, const char *s, const struct spec *sp)
{
	size_t n;
	int padn;

	if (!s)
		s = "(null)";
	n = sp->prec >= 0 ? strnlen(s, (size_t)sp->prec) : strlen(s);
	padn = sp->width > (int)n ? sp->width - (int)n : 0;
	if (!(sp->flags & F_LEFT))
		pad(o, ' ', padn);
	for (size_t i = 0; i < n; i++)
		put(o, s[i]);
	if (sp->flags & F_LEFT)
		pad(o, ' ', padn);
}

static void put_num(struct out *o, uint64_t v, bool neg, unsigned base,
		    bool upper, const struct spec *sp, bool is_ptr)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, zeros, total, padn;
	const char *prefix = "";

	if (v == 0 && sp->prec == 0)
		n = 0;		/* "%.0d" of 0 prints nothing */
	else
		do {
			tmp[n++] = digits[v % base];
			v /= base;
		} while (v);

	if (neg)
		prefix = "-";
	else if (sp->flags & F_PLUS && base == 10 && !is_ptr)
		prefix = "+";
	else if (sp->flags & F_SPACE && base == 10 && !is_ptr)
		prefix = " ";
	else if ((sp->flags & F_ALT || is_ptr) && base == 16 && n > 0 &&
		 !(n == 1 && tmp[0] == '0' && !is_ptr))
		prefix = upper ? "0X" : "0x";

	zeros = sp->prec > n ? sp->prec - n : 0;
	if (sp->flags & F_ALT && base == 8 && zeros == 0 && (n == 0 || tmp[n - 1] != '0'))
		zeros = 1;
	total = (int)strlen(prefix) + zeros + n;
	padn = sp->width > total ? sp->width - total : 0;
	if (sp->flags & F_ZERO && !(sp->flags & F_LEFT) && sp->prec < 0) {
		zeros += padn;
		padn = 0;
	}
	if (!(sp->flags & F_LEFT))
		pad(o, ' ', padn);
	for (const char *p = prefix; *p; p++)
		put(o, *p);
	pad(o, '0', zeros);
	while (n > 0)
		put(o, tmp[--n]);
	if (sp->flags & F_LEFT)
		pad(o, ' ', padn);
}

enum { L_INT, L_CHAR, L_SHORT, L_LONG, L_LLONG, L_SIZE, L_MAX, L_PTRDIFF };

static uint64_t arg_unsigned(va_list *ap, int len)
{
	switch (len) {
	case L_CHAR: return (unsigned char)va_arg(*ap, unsigned);
	case L_SHORT: return (unsigned short)va_arg(*ap, unsigned);
	case L_LONG: return va_arg(*ap, unsigned long);
	case L_LLONG: return va_arg(*ap, unsigned long long);
	case L_SIZE: return va_arg(*ap, size_t);
	case L_MAX: return va_arg(*ap, uintmax_t);
	case L_PTRDIFF: return (uint64_t)va_arg(*ap, ptrdiff_t);
	default: return va_arg(*ap, unsigned);
	}
}

static int64_t arg_signed(va_list *ap, int len)
{
	switch (len) {
	case L_CHAR: return (signed char)va_arg(*ap, int);
	case L_SHORT: return (short)va_arg(*ap, int);
	case L_LONG: return va_arg(*ap, long);
	case L_LLONG: return va_arg(*ap, long long);
	case L_SIZE: return (int64_t)va_arg(*ap, size_t);
	case L_MAX: return va_arg(*ap, intmax_t);
	case L_PTRDIFF: return va_arg(*ap, ptrdiff_t);
	default: return va_arg(*ap, int);
	}
}

static const char *parse_spec(const char *f, struct spec *sp, int *len, va_list *ap)
{
	sp->flags = 0;
	sp->width = 0;
	sp->prec = -1;
	for (;; f++) {
		if (*f == '-') sp->flags |= F_LEFT;
		else if (*f == '0') sp->flags |= F_ZERO;
		else if (*f == '+') sp->flags |= F_PLUS;
		else if (*f == ' ') sp->flags |= F_SPACE;
		else if (*f == '#') sp->flags |= F_ALT;
		else break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->flags |= F_LEFT;
			sp->width = -sp->width;
		}
		f++;
	} else {
		while (*f >= '0' && *f <= '9')
			sp->width = sp->width * 10 + (*f++ - '0');
	}
	if (*f == '.') {
		f++;
		sp->prec = 0;
		if (*f == '*') {
			sp->prec = va_arg(*ap, int);
			if (sp->prec < 0)
				sp->prec = -1;
			f++;
		} else {
			while (*f >= '0' && *f <= '9')
				sp->prec = sp->prec * 10 + (*f++ - '0');
		}
	}
	*len = L_INT;
	if (f[0] == 'h' && f[1] == 'h') { *len = L_CHAR; f += 2; }
	else if (f[0] == 'h') { *len = L_SHORT; f++; }
	else if (f[0] == 'l' && f[1] == 'l') { *len = L_LLONG; f += 2; }
	else if (f[0] == 'l') { *len = L_LONG; f++; }
	else if (f[0] == 'z') { *len = L_SIZE; f++; }
	else if (f[0] == 'j') { *len = L_MAX; f++; }
	else if (f[0] == 't') { *len = L_PTRDIFF; f++; }
	return f;
}

static void format(struct out *o, const char *fmt, va_list ap_in)
{
	struct spec sp;
	va_list ap;
	int len;

	va_copy(ap, ap_in);
	for (const char *f = fmt; *f; f++) {
		if (*f != '%') {
			put(o, *f);
			continue;
		}
		f = parse_spec(f + 1, &sp, &len, &ap);
		switch (*f) {
		case 'd':
		case 'i': {
			int64_t v = arg_signed(&ap, len);
			put_num(o, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0, 10, false, &sp, false);
			break;
		}
		case 'u': put_num(o, arg_unsigned(&ap, len), false, 10, false, &sp, false); break;
		case 'x': put_num(o, arg_unsigned(&ap, len), false, 16, false, &sp, false); break;
		case 'X': put_num(o, arg_unsigned(&ap, len), false, 16, true, &sp, false); break;
		case 'o': put_num(o, arg_unsigned(&ap, len), false, 8, false, &sp, false); break;
		case 'p': put_num(o, (uintptr_t)va_arg(ap, void *), false, 16, false, &sp, true); break;
		case 's': put_str(o, va_arg(ap, const char *), &sp); break;
		case 'c': {
			char s[2] = { (char)va_arg(ap, int), 0 };
			sp.prec = 1;
			if (s[0] == 0) {	/* a NUL still counts as one character */
				pad(o, ' ', sp.flags & F_LEFT ? 0 : sp.width - 1);
				put(o, 0);
				pad(o, ' ', sp.flags & F_LEFT ? sp.width - 1 : 0);
			} else {
				put_str(o, s, &sp);
			}
			break;
		}
		case '%': put(o, '%'); break;
		case '\0':
			f--;	/* lone '%' at the end: stop */
			break;
		default:	/* unknown conversion: print it as is */
			put(o, '%');
			put(o, *f);
			break;
		}
	}
	va_end(ap);
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, NULL, 0 };

	format(&o, fmt, ap);
	if (size > 0)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

void kvformat(void (*sink)(int c), const char *fmt, va_list ap)
{
	struct out o = { NULL, 0, sink, 0 };

	format(&o, fmt, ap);
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
