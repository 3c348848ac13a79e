/*
 * The ELF reader on static executables built by the host and the AArch64
 * cross compiler, checked against readelf's listing, and on broken copies.
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
#include <lib/elf.h>

static void matches_readelf(const char *arch, uint16_t machine)
{
	char name[512], kind[16], flags[8];	/* name: a fixture path too */
	unsigned long long vaddr, memsz, off, filesz, entry;
	struct elf_file elf;
	struct elf_segment seg;
	unsigned n = 0;
	size_t len;
	uint8_t *data;
	FILE *f;

	snprintf(name, sizeof(name), "%s.elf", arch);
	data = fixture_load(name, &len);
	assert_int_equal(elf_open(&elf, data, len, machine), 0);
	snprintf(name, sizeof(name), "%s/%s.segments", FIXTURES, arch);
	f = fopen(name, "r");
	assert_non_null(f);
	assert_int_equal(fscanf(f, "%15s %llx", kind, &entry), 2);
	assert_int_equal(elf.entry, entry);
	while (fscanf(f, "%15s %llx %llx %llx %llx %7s", kind, &vaddr, &memsz, &off, &filesz,
		      flags) == 6) {
		assert_int_equal(elf_segment(&elf, n, &seg), 0);
		assert_int_equal(seg.vaddr, vaddr);
		assert_int_equal(seg.memsz, memsz);
		assert_int_equal(seg.offset, off);
		assert_int_equal(seg.filesz, filesz);
		assert_int_equal(seg.read, strchr(flags, 'R') != NULL);
		assert_int_equal(seg.write, strchr(flags, 'W') != NULL);
		assert_int_equal(seg.exec, strchr(flags, 'E') != NULL);
		n++;
	}
	fclose(f);
	assert_true(n >= 2);
	assert_int_equal(elf_segment(&elf, n, &seg), -ENOENT);
	/* the other machine's executable is refused */
	assert_int_equal(elf_open(&elf, data, len, machine == ELF_MACHINE_X86_64 ?
				  ELF_MACHINE_AARCH64 : ELF_MACHINE_X86_64), -ENOEXEC);
	free(data);
}

static void x86_64_executable(void **state)
{
	(void)state;
	matches_readelf("x86_64", ELF_MACHINE_X86_64);
}

static void aarch64_executable(void **state)
{
	(void)state;
	matches_readelf("aarch64", ELF_MACHINE_AARCH64);
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void broken_files(void **state)
{
	size_t len;
	uint8_t *orig = fixture_load("x86_64.elf", &len), *c = malloc(len);
	struct elf_file elf;
	uint64_t phoff;

	(void)state;
	memcpy(c, orig, len);
	assert_int_equal(elf_open(&elf, c, 63, ELF_MACHINE_X86_64), -ENOEXEC);
	c[0] = 0;
	assert_int_equal(elf_open(&elf, c, len, ELF_MACHINE_X86_64), -ENOEXEC);

	memcpy(c, orig, len);
	c[16] = 3;			/* ET_DYN */
	assert_int_equal(elf_open(&elf, c, len, ELF_MACHINE_X86_64), -ENOEXEC);

	memcpy(c, orig, len);
	put64(c + 32, len);		/* program headers past the end */
	assert_int_equal(elf_open(&elf, c, len, ELF_MACHINE_X86_64), -EINVAL);

	memcpy(c, orig, len);
	put64(c + 24, 0x10);		/* entry in no executable segment */
	assert_int_equal(elf_open(&elf, c, len, ELF_MACHINE_X86_64), -EINVAL);

	memcpy(c, orig, len);
	phoff = orig[32] | (uint64_t)orig[33] << 8;
	put64(c + phoff + 32, len);	/* first segment's filesz past the end */
	assert_int_equal(elf_open(&elf, c, len, ELF_MACHINE_X86_64), -EINVAL);

	memcpy(c, orig, len);
	put64(c + phoff + 56 + 16, 0x400000);	/* second segment overlaps the first */
	assert_int_equal(elf_open(&elf, c, len, ELF_MACHINE_X86_64), -EINVAL);

	/* an empty PT_LOAD (memsz 0, as linkers emit) is skipped, not refused */
	memcpy(c, orig, len);
	{
		struct elf_segment first, seg;
		unsigned n = 0;

		put64(c + phoff + 2 * 56 + 32, 0);	/* third phdr (rodata): filesz 0 */
		put64(c + phoff + 2 * 56 + 40, 0);	/*                      memsz 0 */
		assert_int_equal(elf_open(&elf, c, len, ELF_MACHINE_X86_64), 0);
		assert_int_equal(elf_segment(&elf, 0, &first), 0);
		while (elf_segment(&elf, n, &seg) == 0) {
			assert_true(seg.memsz > 0);
			n++;
		}
		assert_int_equal(elf_open(&elf, orig, len, ELF_MACHINE_X86_64), 0);
		assert_int_equal(elf_segment(&elf, n, &seg), 0);	/* one more in the original */
		assert_int_equal(elf_segment(&elf, n + 1, &seg), -ENOENT);
	}

	/* only the first bytes at hand: the program headers must lie in them */
	assert_int_equal(elf_open_head(&elf, orig, 4096, len, ELF_MACHINE_X86_64), 0);
	assert_int_equal(elf_open_head(&elf, orig, phoff + 56, len, ELF_MACHINE_X86_64), -ENOEXEC);
	assert_int_equal(elf_open_head(&elf, orig, 63, len, ELF_MACHINE_X86_64), -ENOEXEC);
	memcpy(c, orig, len);
	put64(c + 32, 4096 - 56);	/* the headers cross the page */
	assert_int_equal(elf_open_head(&elf, c, 4096, len, ELF_MACHINE_X86_64), -ENOEXEC);

	/* truncations and random damage: errors are fine, overreads are not */
	for (size_t n = 0; n < len; n += 7) {
		uint8_t *t = malloc(n ? n : 1);

		memcpy(t, orig, n);
		(void)elf_open(&elf, t, n, ELF_MACHINE_X86_64);
		free(t);
	}
	srand(3);
	for (int i = 0; i < 20000; i++) {
		struct elf_segment seg;

		memcpy(c, orig, len);
		c[rand() % 512] = (uint8_t)rand();
		if (elf_open(&elf, c, len, ELF_MACHINE_X86_64) == 0)
			for (unsigned k = 0; elf_segment(&elf, k, &seg) == 0; k++)
				assert_true(seg.offset + seg.filesz <= len);
	}
	free(c);
	free(orig);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(x86_64_executable),
		cmocka_unit_test(aarch64_executable),
		cmocka_unit_test(broken_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
