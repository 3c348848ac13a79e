/*
 * The root task: the kernel's only ELF loading. The program named by
 * init= on the command line (default bin/init) is read from the bootfs into
 * a new task, with a stack, the bootfs mapped read-only and the boot-info
 * block, and its first thread is started with the block's address as its
 * argument. Any problem is a boot failure.
 */
#include <boot.h>
#include <bootfs.h>
#include <errno.h>
#include <faultline/abi.h>
#include <faultline/bootinfo.h>
#include <kernel.h>
#include <lib/cpio.h>
#include <lib/elf.h>
#include <memlayout.h>
#include <mm/frame.h>
#include <mm/memmap.h>
#include <mm/pt.h>
#include <power.h>
#include <string.h>
#include <task.h>
#include <thread.h>

/* Where things go in the root task (docs/boot.md). */
#define ROOT_BOOTFS_ADDR	0x0000500000000000ul
#define ROOT_BOOTINFO_ADDR	0x0000600000000000ul
#define ROOT_STACK_TOP		0x0000700000000000ul
#define ROOT_STACK_SIZE		(64 * 1024ul)
#define ROOT_PRIORITY		32
#define BOOTINFO_PAGES		2

struct task *root_task;

static unsigned segment_flags(const struct elf_segment *s)
{
	return PG_USER | (s->read ? PG_READ : 0) | (s->write ? PG_WRITE : 0) |
	       (s->exec ? PG_EXEC : 0);
}

/* Fresh zeroed frames mapped for the user at [va, va + size): 0 or -ENOMEM. */
static int map_new(struct task *t, vaddr_t va, size_t size, unsigned pg, void **kva)
{
	paddr_t pa;
	int err = frame_alloc(size / PAGE_SIZE, 1, &pa);

	if (err)
		return err;
	err = pt_map(t->pt, va, pa, size, pg);
	if (err) {
		frame_free(pa, size / PAGE_SIZE);
		return err;
	}
	if (kva)
		*kva = pa_to_kva(pa);
	return 0;
}

static void load_segments(struct task *t, const struct elf_file *elf, const char *name)
{
	struct elf_segment s;

	for (unsigned i = 0; elf_segment(elf, i, &s) == 0; i++) {
		vaddr_t start = ALIGN_DOWN(s.vaddr, PAGE_SIZE);
		vaddr_t end = ALIGN_UP(s.vaddr + s.memsz, PAGE_SIZE);
		uint8_t *mem;
		int err;

		if (s.write && s.exec)
			boot_fail("%s: segment %u is writable and executable (W^X)", name, i);
		if (!arch_user_addr_ok(start, end - start))
			boot_fail("%s: segment %u at %#lx is outside user space", name, i,
				  (unsigned long)s.vaddr);
		err = map_new(t, start, end - start, segment_flags(&s), (void **)&mem);
		if (err)
			boot_fail("%s: segment %u: %s", name, i, errno_name(err));
		memcpy(mem + (s.vaddr - start), elf->data + s.offset, s.filesz);
	}
}

/* Fill the boot-info block at bi (BOOTINFO_PAGES pages, zeroed). */
static void fill_bootinfo(struct fl_bootinfo *bi, const struct boot_params *bp,
			  int task_h, int thread_h, int power_h)
{
	struct fl_bootinfo_mem *mem;
	size_t cmdline_len = strlen(bp->cmdline) + 1;
	unsigned n = 0;

	bi->magic = FL_BOOTINFO_MAGIC;
	bi->version = FL_BOOTINFO_VERSION;
	bi->size = BOOTINFO_PAGES * PAGE_SIZE;
	bi->self_task = task_h;
	bi->self_thread = thread_h;
	bi->power = power_h;
	bi->bootfs_addr = ROOT_BOOTFS_ADDR;
	bi->bootfs_size = bp->bootfs.size;
	strlcpy(bi->arch, bp->arch, sizeof(bi->arch));
	strlcpy(bi->machine, bp->machine, sizeof(bi->machine));
	strlcpy(bi->irqchip, bp->irqchip, sizeof(bi->irqchip));
	bi->ram_bytes = memmap_total(bp->ram, bp->nram);
	bi->ncpus = bp->ncpus;
	bi->counter_hz = bp->counter_hz;
	bi->timer_hz = TIMER_HZ;

	/* the memory map follows the header, then the command line */
	bi->mem_offset = ALIGN_UP(sizeof(*bi), 16);
	mem = (struct fl_bootinfo_mem *)((uint8_t *)bi + bi->mem_offset);
	for (unsigned i = 0; i < bp->nram; i++, n++)
		mem[n] = (struct fl_bootinfo_mem){ bp->ram[i].base, bp->ram[i].size, FL_MEM_RAM, 0 };
	for (unsigned i = 0; i < bp->nreserved; i++, n++)
		mem[n] = (struct fl_bootinfo_mem){ bp->reserved[i].base, bp->reserved[i].size,
						   FL_MEM_RESERVED, 0 };
	bi->mem_count = n;
	bi->cmdline_offset = bi->mem_offset + n * sizeof(*mem);
	bi->cmdline_size = (uint32_t)cmdline_len;
	memcpy((uint8_t *)bi + bi->cmdline_offset, bp->cmdline, cmdline_len);
}

_Static_assert(sizeof(struct fl_bootinfo) + 2 * BOOT_RANGES_MAX * sizeof(struct fl_bootinfo_mem) +
	       1024 <= BOOTINFO_PAGES * PAGE_SIZE, "the boot-info block fits");

void roottask_start(const struct boot_params *bp)
{
	char name[64] = "bin/init";
	struct cpio_file file;
	struct elf_file elf;
	struct task *task;
	struct thread *thread;
	struct fl_bootinfo *bi;
	int err, task_h, thread_h, power_h;

	err = cmdline_get("init", name, sizeof(name));
	if (err == -ERANGE)
		boot_fail("command line: init= names a path longer than %zu bytes", sizeof(name) - 1);
	if (bootfs_find(&bp->bootfs, name, &file))
		boot_fail("root task: %s is not in the bootfs", name);
	err = elf_open(&elf, file.data, file.size, elf_machine(bp->arch));
	if (err)
		boot_fail("root task: %s is not a valid executable for %s (%s)", name, bp->arch,
			  errno_name(err));
	if (!arch_user_addr_ok(elf.entry, 1))
		boot_fail("root task: %s: entry point outside user space", name);

	if (task_create("root", &task) || thread_create(task, ROOT_PRIORITY, &thread))
		boot_fail("root task: out of memory");
	root_task = task;
	load_segments(task, &elf, name);
	if (map_new(task, ROOT_STACK_TOP - ROOT_STACK_SIZE, ROOT_STACK_SIZE,
		    PG_USER | PG_READ | PG_WRITE, NULL) ||
	    map_new(task, ROOT_BOOTINFO_ADDR, BOOTINFO_PAGES * PAGE_SIZE, PG_USER | PG_READ,
		    (void **)&bi) ||
	    pt_map(task->pt, ROOT_BOOTFS_ADDR, bp->bootfs.base,
		   ALIGN_UP(bp->bootfs.size, PAGE_SIZE), PG_USER | PG_READ))
		boot_fail("root task: out of memory for its stack, boot info or bootfs");

	task_h = handle_install(task, &task->obj, FL_RIGHTS_ALL);
	thread_h = handle_install(task, &thread->obj, FL_RIGHTS_ALL);
	power_h = handle_install(task, &power_object, FL_RIGHTS_ALL);
	if (task_h < 0 || thread_h < 0 || power_h < 0)
		boot_fail("root task: no room for its handles");
	fill_bootinfo(bi, bp, task_h, thread_h, power_h);
	kprintf("root task: %s, entry %#lx\n", name, (unsigned long)elf.entry);
	thread_start(thread, elf.entry, ROOT_STACK_TOP, ROOT_BOOTINFO_ADDR);
}
