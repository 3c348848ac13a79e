/*
 * Reading ELF64 executables: the header checks and the loadable segments.
 * Every offset and size is checked against the file; a malformed file
 * yields an error, never a wild read.
 */
#pragma once

#include <types.h>

#define ELF_MACHINE_X86_64	62
#define ELF_MACHINE_AARCH64	183

struct elf_file {
	const uint8_t *data;
	size_t size;
	uint64_t entry;
	uint16_t phnum;
	uint64_t phoff;
};

/* The ELF machine number for an arch name ("x86_64", "aarch64"), 0 if unknown. */
uint16_t elf_machine(const char *arch);

/* A PT_LOAD segment. */
struct elf_segment {
	uint64_t vaddr;
	uint64_t memsz;
	uint64_t offset;	/* of the file bytes */
	uint64_t filesz;
	bool read, write, exec;
};

/*
 * Check an ELF64 little-endian static executable (ET_EXEC) for machine.
 * 0, or -ENOEXEC (not such an ELF file) / -EINVAL (inconsistent: program
 * headers or a segment outside the file, filesz > memsz, overlapping or
 * wrapping segments, an entry point in no executable segment).
 */
int elf_open(struct elf_file *elf, const void *data, size_t size, uint16_t machine);

/*
 * elf_open of a file of size bytes of which only the first avail are at
 * data (a pager holding page 0): also -ENOEXEC when the ELF header or the
 * program headers do not lie within those.
 */
int elf_open_head(struct elf_file *elf, const void *data, size_t avail, size_t size,
		  uint16_t machine);

/*
 * The index-th non-empty PT_LOAD segment: 0, or -ENOENT past the last.
 * Only valid after elf_open succeeded.
 */
int elf_segment(const struct elf_file *elf, unsigned index, struct elf_segment *seg);
