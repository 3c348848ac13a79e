/*
 * The cpio reader on archives made by tools/mkbootfs.py and by GNU cpio,
 * and on every truncation and a set of corruptions of them (run under
 * AddressSanitizer: a bad archive must give an error, never a wild read).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <errno.h>
#include "fixture.h"
#include <lib/cpio.h>

/* The files tests/unit/gen_fixtures.py puts in both archives. */
static const struct { const char *name; size_t size; uint8_t fill; } expected[] = {
	{ "a.txt", 10, 'a' },
	{ "empty", 0, 0 },
	{ "sub/b.bin", 5000, 'b' },
	{ "sub/c.bin", 8192, 'c' },
};

/* Walk an archive, check its files; return how many were not page-aligned. */
static int walk_and_check(struct blob b)
{
	struct cpio_reader r;
	struct cpio_file f;
	const char *why;
	unsigned seen = 0;
	int misaligned = 0, err;

	cpio_open(&r, b.data, b.len);
	while ((err = cpio_next(&r, &f, &why)) > 0) {
		if ((f.mode & CPIO_MODE_TYPE) != CPIO_MODE_FILE || !strcmp(f.name, CPIO_PAD_NAME))
			continue;
		assert_true(seen < 4);
		assert_string_equal(f.name, expected[seen].name);
		assert_int_equal(f.size, expected[seen].size);
		for (size_t i = 0; i < f.size; i++)
			assert_int_equal(((const uint8_t *)f.data)[i], expected[seen].fill);
		assert_ptr_equal(f.data, b.data + f.offset);
		if (f.size && f.offset % 4096)
			misaligned++;
		seen++;
	}
	assert_int_equal(err, 0);
	assert_int_equal(seen, 4);
	return misaligned;
}

static void bootfs_is_aligned(void **state)
{
	struct blob b = fixture_blob("bootfs.cpio");

	(void)state;
	assert_int_equal(walk_and_check(b), 0);
	free(b.data);
}

static void gnu_cpio_reads_but_is_misaligned(void **state)
{
	struct blob b = fixture_blob("gnu.cpio");

	(void)state;
	assert_true(walk_and_check(b) > 0);
	free(b.data);
}

/* Parse to the end; the result of the last cpio_next. */
static int parse_all(const uint8_t *p, size_t len)
{
	struct cpio_reader r;
	struct cpio_file f;
	const char *why = NULL;
	int err;

	cpio_open(&r, p, len);
	while ((err = cpio_next(&r, &f, &why)) > 0)
		;
	if (err < 0)
		assert_non_null(why);
	return err;
}

static void every_truncation_fails(void **state)
{
	struct blob b = fixture_blob("bootfs.cpio");

	(void)state;
	/* the trailer's header starts 124 bytes before the end (110 + name 11, padded) */
	for (size_t len = 0; len < b.len - 124; len++) {
		uint8_t *copy = malloc(len ? len : 1);	/* exact size: ASan sees overreads */

		memcpy(copy, b.data, len);
		assert_int_equal(parse_all(copy, len), -EOVERFLOW);
		free(copy);
	}
	free(b.data);
}

static void corruptions(void **state)
{
	struct blob b = fixture_blob("bootfs.cpio");
	uint8_t *c = malloc(b.len);

	(void)state;
	memcpy(c, b.data, b.len);
	c[0] = 'X';				/* magic */
	assert_int_equal(parse_all(c, b.len), -EINVAL);

	memcpy(c, b.data, b.len);
	c[6 + 8 * 6 + 3] = 'g';			/* a non-hex digit in filesize */
	assert_int_equal(parse_all(c, b.len), -EINVAL);

	memcpy(c, b.data, b.len);
	memcpy(c + 6 + 8 * 11, "00000000", 8);	/* namesize 0 */
	assert_int_equal(parse_all(c, b.len), -EINVAL);

	memcpy(c, b.data, b.len);
	memcpy(c + 6 + 8 * 11, "00000002", 8);	/* name no longer NUL-terminated */
	assert_int_equal(parse_all(c, b.len), -EINVAL);

	memcpy(c, b.data, b.len);
	memcpy(c + 6 + 8 * 6, "FFFFFFFF", 8);	/* 4 GiB of data */
	assert_int_equal(parse_all(c, b.len), -EOVERFLOW);

	/* random single-byte corruptions: any result, but no overread (ASan) */
	srand(1);
	for (int i = 0; i < 20000; i++) {
		memcpy(c, b.data, b.len);
		c[rand() % b.len] = (uint8_t)rand();
		(void)parse_all(c, b.len);
	}
	free(c);
	free(b.data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bootfs_is_aligned),
		cmocka_unit_test(gnu_cpio_reads_but_is_misaligned),
		cmocka_unit_test(every_truncation_fails),
		cmocka_unit_test(corruptions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
