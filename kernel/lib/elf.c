/* ELF64 executables (System V ABI, generic and x86_64/AArch64 supplements). */
#include <errno.h>
#include <lib/elf.h>
#include <string.h>

#define EI_CLASS	4
#define EI_DATA		5
#define EI_VERSION	6
#define ELFCLASS64	2
#define ELFDATA2LSB	1
#define ET_EXEC		2
#define PT_LOAD		1
#define PF_X		1
#define PF_W		2
#define PF_R		4
#define EHDR_SIZE	64
#define PHDR_SIZE	56

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)le16(p) | (uint32_t)le16(p + 2) << 16;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* The raw index-th program header (any type). */
static const uint8_t *phdr(const struct elf_file *elf, unsigned index)
{
	return elf->data + elf->phoff + (uint64_t)index * PHDR_SIZE;
}

static void decode(const uint8_t *ph, struct elf_segment *seg)
{
	uint32_t flags = le32(ph + 4);

	seg->offset = le64(ph + 8);
	seg->vaddr = le64(ph + 16);
	seg->filesz = le64(ph + 32);
	seg->memsz = le64(ph + 40);
	seg->read = flags & PF_R;
	seg->write = flags & PF_W;
	seg->exec = flags & PF_X;
}

/* Is the segment inside the file and its memory range sane? */
static bool segment_ok(const struct elf_file *elf, const struct elf_segment *s)
{
	if (s->filesz > s->memsz || s->memsz == 0)
		return false;
	if (s->offset > elf->size || s->filesz > elf->size - s->offset)
		return false;
	return s->vaddr + s->memsz > s->vaddr;	/* no wrap */
}

static bool overlap(const struct elf_segment *a, const struct elf_segment *b)
{
	return a->vaddr < b->vaddr + b->memsz && b->vaddr < a->vaddr + a->memsz;
}

int elf_open(struct elf_file *elf, const void *data, size_t size, uint16_t machine)
{
	const uint8_t *h = data;
	struct elf_segment a, b;
	bool entry_ok = false;
	unsigned nload = 0;

	if (size < EHDR_SIZE || memcmp(h, "\177ELF", 4) != 0 || h[EI_CLASS] != ELFCLASS64 ||
	    h[EI_DATA] != ELFDATA2LSB || h[EI_VERSION] != 1 || le16(h + 16) != ET_EXEC ||
	    le16(h + 18) != machine)
		return -ENOEXEC;
	elf->data = h;
	elf->size = size;
	elf->entry = le64(h + 24);
	elf->phoff = le64(h + 32);
	elf->phnum = le16(h + 56);
	if (le16(h + 54) != PHDR_SIZE || elf->phnum == 0 || elf->phoff > size ||
	    (uint64_t)elf->phnum * PHDR_SIZE > size - elf->phoff)
		return -EINVAL;

	for (unsigned i = 0; elf_segment(elf, i, &a) == 0; i++) {
		if (!segment_ok(elf, &a))
			return -EINVAL;
		for (unsigned j = 0; j < i; j++) {
			elf_segment(elf, j, &b);
			if (overlap(&a, &b))
				return -EINVAL;
		}
		if (a.exec && elf->entry >= a.vaddr && elf->entry < a.vaddr + a.memsz)
			entry_ok = true;
		nload++;
	}
	return nload && entry_ok ? 0 : -EINVAL;
}

int elf_open_head(struct elf_file *elf, const void *data, size_t avail, size_t size,
		  uint16_t machine)
{
	const uint8_t *h = data;
	uint64_t phoff;

	if (avail > size)
		avail = size;
	if (avail < EHDR_SIZE)
		return -ENOEXEC;
	phoff = le64(h + 32);
	if (phoff > avail || (uint64_t)le16(h + 56) * PHDR_SIZE > avail - phoff)
		return -ENOEXEC;
	return elf_open(elf, data, size, machine);
}

int elf_segment(const struct elf_file *elf, unsigned index, struct elf_segment *seg)
{
	for (unsigned i = 0; i < elf->phnum; i++) {
		const uint8_t *ph = phdr(elf, i);

		if (le32(ph) != PT_LOAD || le64(ph + 40) == 0)
			continue;	/* not loadable, or empty (linkers emit those) */
		if (index-- == 0) {
			decode(ph, seg);
			return 0;
		}
	}
	return -ENOENT;
}

uint16_t elf_machine(const char *arch)
{
	if (strcmp(arch, "x86_64") == 0)
		return ELF_MACHINE_X86_64;
	if (strcmp(arch, "aarch64") == 0)
		return ELF_MACHINE_AARCH64;
	return 0;
}
