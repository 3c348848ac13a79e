/* The console's line editor (lined.h). */
#include <errno.h>
#include <string.h>
#include "lined.h"

void lined_init(struct lined *l, void (*echo)(const char *s, size_t len))
{
	memset(l, 0, sizeof(*l));
	l->echo = echo;
}

/* Move the typed line, then mark (if not 0), to cooked; dropped if it does not fit. */
static int commit(struct lined *l, uint8_t mark)
{
	size_t need = l->len + (mark != 0);

	if (l->clen + need > LINED_COOKED_MAX) {
		l->len = 0;
		return 0;
	}
	memcpy(l->cooked + l->clen, l->line, l->len);
	l->clen += l->len;
	if (mark)
		l->cooked[l->clen++] = mark;
	l->len = 0;
	return 1;
}

static void erase(struct lined *l)
{
	if (l->len) {
		l->len--;
		l->echo("\b \b", 3);
	}
}

int lined_input(struct lined *l, uint8_t c)
{
	switch (c) {
	case '\r':
	case '\n':
		l->line[l->len++] = '\n';	/* room kept for it below */
		l->echo("\n", 1);
		return commit(l, 0);
	case LINED_EOF:
		return commit(l, LINED_EOF);
	case '\b':
	case 0x7f:
		erase(l);
		return 0;
	case 0x15:			/* ^U */
		while (l->len)
			erase(l);
		return 0;
	}
	if ((c < 0x20 && c != '\t') || l->len >= LINED_LINE_MAX - 1)
		return 0;
	l->line[l->len++] = (char)c;
	l->echo((const char *)&c, 1);
	return 0;
}

int64_t lined_read(struct lined *l, void *buf, size_t len)
{
	size_t n = 0, used;

	if (!l->clen)
		return -EAGAIN;
	while (n < l->clen && l->cooked[n] != '\n' && l->cooked[n] != LINED_EOF)
		n++;
	if (n < l->clen && l->cooked[n] == '\n')
		n++;			/* the newline is the line's */
	if (n > len)
		n = len;
	memcpy(buf, l->cooked, n);
	used = n;
	if (used < l->clen && l->cooked[used] == LINED_EOF && (n == 0 || l->cooked[n - 1] != '\n'))
		used++;			/* the mark that ended this read */
	memmove(l->cooked, l->cooked + used, l->clen - used);
	l->clen -= used;
	return (int64_t)n;
}
