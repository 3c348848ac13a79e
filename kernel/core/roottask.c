/*
 * The root task: the kernel's only ELF loading. The program named by
 * init= on the command line (default bin/pager) is read from the bootfs into
 * a new task, with a stack, the bootfs mapped read-only and the boot-info
 * block, and its first thread is started with the block's address as its
 * argument. Any problem is a boot failure.
 */
#include <arch.h>
#include <boot.h>
#include <bootfs.h>
#include <devices.h>
#include <errno.h>
#include <faultline/abi.h>
#include <faultline/bootinfo.h>
#include <frameobj.h>
#include <ioport.h>
#include <irq.h>
#include <kernel.h>
#include <lib/cpio.h>
#include <lib/elf.h>
#include <memlayout.h>
#include <mm/memmap.h>
#include <pool.h>
#include <power.h>
#include <string.h>
#include <task.h>
#include <thread.h>
#include <umap.h>

/* Where things go in the root task (docs/boot.md). */
#define ROOT_BOOTFS_ADDR	0x0000500000000000ul
#define ROOT_BOOTINFO_ADDR	0x0000600000000000ul
#define ROOT_STACK_TOP		0x0000700000000000ul
#define ROOT_STACK_SIZE		(64 * 1024ul)
#define ROOT_PRIORITY		32
#define BOOTINFO_PAGES		4

struct task *root_task;

static unsigned segment_prot(const struct elf_segment *s)
{
	return FL_MAP_READ | (s->write ? FL_MAP_WRITE : 0) | (s->exec ? FL_MAP_EXEC : 0);
}

/*
 * A fresh zeroed frame from the system pool mapped at [va, va + size) in
 * t (the mapping holds it): 0 with its kernel address in *kva, or -errno.
 * The frame is the task's own: its writable pages may become writable
 * again after a protect (PG_MAYWRITE).
 */
static int map_new(struct task *t, vaddr_t va, size_t size, unsigned prot, void **kva)
{
	struct frame *f;
	int err = frame_create(&system_pool, size / PAGE_SIZE, 1, &f);

	if (err)
		return err;
	err = umap_map(t, va, f, 0, size / PAGE_SIZE, prot,
		       prot & FL_MAP_WRITE ? UMAP_MAYWRITE : 0);
	if (!err && kva)
		*kva = pa_to_kva(f->pa);
	kobj_put(&f->obj);
	return err;
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
		err = map_new(t, start, end - start, segment_prot(&s), (void **)&mem);
		if (err)
			boot_fail("%s: segment %u: %s", name, i, errno_name(err));
		memcpy(mem + (s.vaddr - start), elf->data + s.offset, s.filesz);
		if (s.exec)
			arch_sync_icache(kva_to_pa(mem), end - start);
	}
}

/* Fill the boot-info block at bi (BOOTINFO_PAGES pages, zeroed). */
static void fill_bootinfo(struct fl_bootinfo *bi, const struct boot_params *bp,
			  struct task *task, const int handles[])
{
	struct fl_bootinfo_mem *mem;
	size_t cmdline_len = strlen(bp->cmdline) + 1;
	unsigned n = 0;

	bi->magic = FL_BOOTINFO_MAGIC;
	bi->version = FL_BOOTINFO_VERSION;
	bi->size = BOOTINFO_PAGES * PAGE_SIZE;
	bi->self_task = handles[0];
	bi->self_thread = handles[1];
	bi->power = handles[2];
	bi->pool = handles[3];
	bi->bootfs_frame = handles[4];
	bi->console_irq = handles[5];
	bi->console_ioport = handles[6];
	bi->console_mmio = handles[7];
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
	bi->devices_offset = ALIGN_UP(bi->cmdline_offset + bi->cmdline_size, 16);
	bi->device_count = (uint32_t)devices_count();
	devices_hand_over(task, (struct fl_bootinfo_device *)((uint8_t *)bi + bi->devices_offset),
			  (int)bi->device_count);
}

/*
 * The console UART for a user driver: its interrupt line, and its
 * registers as an I/O port range or a device frame; -1 for what the
 * platform does not have (or could not be made).
 */
static void console_handles(struct task *task, int h[3])
{
	struct arch_console_device d;
	struct ioport *port;
	struct frame *mmio;
	struct irq *q;

	arch_console_device(&d);
	h[0] = h[1] = h[2] = -1;
	if (irq_create(d.line, &q) == 0) {
		h[0] = handle_install(task, &q->obj, FL_RIGHTS_ALL);
		kobj_put(&q->obj);
	}
	if (d.io_base && ioport_create(d.io_base, d.io_size, &port) == 0) {
		h[1] = handle_install(task, &port->obj, FL_RIGHT_READ | FL_RIGHT_WRITE | FL_RIGHT_GRANT);
		kobj_put(&port->obj);
	}
	if (d.mmio_base && frame_create_fixed(d.mmio_base, ALIGN_UP(d.mmio_size, PAGE_SIZE) / PAGE_SIZE,
					      true, &mmio) == 0) {
		h[2] = handle_install(task, &mmio->obj, FL_RIGHT_READ | FL_RIGHT_WRITE | FL_RIGHT_GRANT);
		kobj_put(&mmio->obj);
	}
}

_Static_assert(sizeof(struct fl_bootinfo) + 2 * BOOT_RANGES_MAX * sizeof(struct fl_bootinfo_mem) +
	       1024 + DEVICES_MAX * sizeof(struct fl_bootinfo_device) <= BOOTINFO_PAGES * PAGE_SIZE,
	       "the boot-info block fits");

void roottask_start(const struct boot_params *bp)
{
	char name[64] = "bin/pager";
	struct cpio_file file;
	struct elf_file elf;
	struct task *task;
	struct thread *thread;
	struct fl_bootinfo *bi;
	struct frame *bootfs;
	int err, handles[8];

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

	if (task_create("root", &system_pool, &task) || thread_create(task, ROOT_PRIORITY, &thread) ||
	    frame_create_fixed(bp->bootfs.base, ALIGN_UP(bp->bootfs.size, PAGE_SIZE) / PAGE_SIZE,
			       false, &bootfs))
		boot_fail("root task: out of memory");
	root_task = task;
	load_segments(task, &elf, name);
	if (map_new(task, ROOT_STACK_TOP - ROOT_STACK_SIZE, ROOT_STACK_SIZE,
		    FL_MAP_READ | FL_MAP_WRITE, NULL) ||
	    map_new(task, ROOT_BOOTINFO_ADDR, BOOTINFO_PAGES * PAGE_SIZE, FL_MAP_READ,
		    (void **)&bi))
		boot_fail("root task: out of memory for its stack or boot info");
	err = umap_map(task, ROOT_BOOTFS_ADDR, bootfs, 0, bootfs->pages, FL_MAP_READ, 0);
	if (err)
		boot_fail("root task: cannot map the bootfs (%s)", errno_name(err));

	handles[0] = handle_install(task, &task->obj, FL_RIGHTS_ALL);
	handles[1] = handle_install(task, &thread->obj, FL_RIGHTS_ALL);
	handles[2] = handle_install(task, &power_object, FL_RIGHTS_ALL);
	handles[3] = handle_install(task, &system_pool.obj, FL_RIGHTS_ALL);
	handles[4] = handle_install(task, &bootfs->obj, FL_RIGHT_READ | FL_RIGHT_GRANT);
	kobj_put(&bootfs->obj);		/* the handle and the mapping hold it */
	for (int i = 0; i < 5; i++)
		if (handles[i] < 0)
			boot_fail("root task: no room for its handles");
	console_handles(task, &handles[5]);
	fill_bootinfo(bi, bp, task, handles);
	kprintf("root task: %s, entry %#lx\n", name, (unsigned long)elf.entry);
	thread_start(thread, elf.entry, ROOT_STACK_TOP, ROOT_BOOTINFO_ADDR);
}
