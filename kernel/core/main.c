/*
 * The portable kernel's start: from the arch's boot_params to a running
 * system. Boot is in two steps: kmain runs on the arch's boot stack, sets
 * up memory and moves to a guarded kernel stack, where kmain_stacked goes on.
 */
#include <arch.h>
#include <boot.h>
#include <bootfs.h>
#include <cpu.h>
#include <errno.h>
#include <kernel.h>
#include <ktest.h>
#include <memlayout.h>
#include <mm/frame.h>
#include <mm/kmap.h>
#include <mm/memmap.h>
#include <frameobj.h>
#include <pool.h>
#include <string.h>

#define MIN_FREE_MEMORY	(8ul << 20)	/* what booting needs, with room to spare */

static struct mem_range usable[BOOT_RANGES_MAX];

static void print_memory_map(const struct boot_params *bp, unsigned nusable)
{
	kprintf("memory map:\n");
	for (unsigned i = 0; i < bp->nram; i++)
		kprintf("  ram       0x%012lx-0x%012lx %8lu KiB\n",
			(unsigned long)bp->ram[i].base,
			(unsigned long)(bp->ram[i].base + bp->ram[i].size),
			(unsigned long)(bp->ram[i].size >> 10));
	for (unsigned i = 0; i < bp->nreserved; i++)
		kprintf("  reserved  0x%012lx-0x%012lx %8lu KiB  %s\n",
			(unsigned long)bp->reserved[i].base,
			(unsigned long)(bp->reserved[i].base + bp->reserved[i].size),
			(unsigned long)(bp->reserved[i].size >> 10), bp->reserved[i].what);
	kprintf("  usable: %lu KiB in %u ranges\n",
		(unsigned long)(memmap_total(usable, nusable) >> 10), nusable);
}

static void run_selected(void)
{
	char test[32];
	int err = cmdline_get("test", test, sizeof(test));

	if (err == -ENOENT)
		return;
	if (err < 0)
		boot_fail("command line: test= value too long");
	poweroff(ktest_run(test));
}

/* What follows the kernel's own boot (kernel/core/boot_*.c). */
__noreturn void boot_continue(struct boot_params *bp);

static __noreturn void kmain_stacked(void *arg)
{
	struct boot_params *bp = arg;

	arch_trap_init();
	bootfs_check(&bp->bootfs);
	arch_timer_init(TIMER_HZ);
	run_selected();
	boot_continue(bp);
}

__noreturn void kmain(struct boot_params *bp)
{
	struct cpu *cpu = &cpus[0];
	int n, err;

	cmdline_set(bp->cmdline);
	cpu->self = cpu;
	cpu->id = 0;
	arch_cpu_set(cpu);
	kernel_lock();

	kprintf("\nFaultline microkernel (%s, %s, %s)\n", bp->arch, bp->machine, bp->irqchip);
	kprintf("command line: \"%s\"\n", bp->cmdline);
	kprintf("cpus: %u, counter: %lu Hz\n", bp->ncpus, (unsigned long)bp->counter_hz);

	if (bp->nram == 0)
		boot_fail("memory map: no RAM reported");
	n = memmap_usable(bp->ram, bp->nram, bp->reserved, bp->nreserved,
			  usable, BOOT_RANGES_MAX);
	if (n < 0)
		boot_fail("memory map: too many ranges");
	print_memory_map(bp, (unsigned)n);
	if (memmap_total(usable, (unsigned)n) < MIN_FREE_MEMORY)
		boot_fail("not enough memory: %lu KiB usable, the kernel needs %lu KiB",
			  (unsigned long)(memmap_total(usable, (unsigned)n) >> 10),
			  MIN_FREE_MEMORY >> 10);
	err = frame_init(usable, (unsigned)n);
	if (err)
		boot_fail("frame allocator: %s", errno_name(err));
	err = kmap_init(bp->ram, bp->nram);
	if (err)
		boot_fail("kernel page tables: %s", errno_name(err));
	err = page_owner_init(bp->ram, bp->nram);
	if (err)
		boot_fail("page owner table: %s", errno_name(err));
	err = kstack_alloc(&cpu->kstack_top);
	if (err)
		boot_fail("boot stack: %s", errno_name(err));
	pool_init();
	arch_stack_switch(cpu->kstack_top, kmain_stacked, bp);
}
