/*
 * The console's line editor (lined.c): bytes typed come in one at a
 * time, are echoed and edited, and whole lines go out to readers.
 * Pure: the echo goes through a function the caller gives.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define LINED_LINE_MAX		1024	/* bytes of the line being typed, its newline included */
#define LINED_COOKED_MAX	4096	/* bytes of finished lines not yet read */

struct lined {
	void (*echo)(const char *s, size_t len);
	size_t len;			/* of line */
	size_t clen;			/* of cooked */
	char line[LINED_LINE_MAX];
	/* finished input: lines ending in '\n', and LINED_EOF marks (^D) */
	uint8_t cooked[LINED_COOKED_MAX];
};

#define LINED_EOF	0x04		/* ^D: in cooked, ends a read without itself */

void lined_init(struct lined *l, void (*echo)(const char *s, size_t len));

/*
 * One typed byte: printable bytes and tab are added and echoed, CR or LF
 * ends the line, backspace or DEL erases a byte, ^U the line, ^D at the
 * start of a line is the end of input (elsewhere it hands over the line
 * so far, without a newline); other control bytes are ignored. A line
 * that finds no room in the cooked buffer is dropped. True if input
 * became readable.
 */
int lined_input(struct lined *l, uint8_t c);

/*
 * Up to len bytes of the first finished line: the byte count, 0 for an
 * end of input (^D at a line's start), -EAGAIN if there is no finished
 * line. A read never returns more than one line; a line longer than len
 * is returned in pieces.
 */
int64_t lined_read(struct lined *l, void *buf, size_t len);
