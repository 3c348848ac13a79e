/*
 * The end of the line: power-off, panics and boot failures. Every path
 * prints a final "faultline: power off, status N" line, which the test
 * runner requires together with the matching QEMU exit status.
 */
#include <arch.h>
#include <kernel.h>
#include <memlayout.h>
#include <mm/kmap.h>
#include <mm/pt.h>

#define BACKTRACE_MAX	16

static volatile int panicking;

__noreturn void poweroff(int status)
{
	arch_irq_save();
	kprintf("faultline: power off, status %d\n", status);
	arch_poweroff(status);
}

/* May fp be followed? It must be an aligned, mapped kernel address. */
static bool frame_readable(uintptr_t fp)
{
	if (fp < DIRECT_MAP_BASE || !IS_ALIGNED(fp, 8))
		return false;
	if (!kernel_pt)		/* still on the boot tables: trust the image and stack */
		return fp >= KERNEL_IMAGE_BASE;
	return pt_lookup(kernel_pt, fp, NULL, NULL) == 0 &&
	       pt_lookup(kernel_pt, fp + 8, NULL, NULL) == 0;
}

void backtrace(uintptr_t fp)
{
	kprintf("  backtrace:\n");
	for (int i = 0; i < BACKTRACE_MAX && frame_readable(fp); i++) {
		uintptr_t *frame = (uintptr_t *)fp;

		if (frame[1] == 0)
			break;
		kprintf("    #%d %#lx\n", i, (unsigned long)frame[1]);
		if (frame[0] <= fp)	/* stacks grow down: callers are above */
			break;
		fp = frame[0];
	}
}

/* Only one panic report: a fault while reporting powers off at once. */
static void panic_begin(void)
{
	arch_irq_save();
	if (__atomic_exchange_n(&panicking, 1, __ATOMIC_ACQ_REL)) {
		kprintf("\nPANIC: nested panic\n");
		poweroff(STATUS_PANIC);
	}
}

__noreturn void panic(const char *fmt, ...)
{
	va_list ap;

	panic_begin();
	kprintf("\nPANIC: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	backtrace(arch_frame_pointer());
	poweroff(STATUS_PANIC);
}

__noreturn void panic_trap(const char *kind, vaddr_t addr, uintptr_t pc,
			   uintptr_t fp, const struct trap_frame *tf)
{
	panic_begin();
	if (kstack_is_guard(addr))
		kprintf("\nPANIC: kernel stack overflow (%s)\n", kind);
	else
		kprintf("\nPANIC: kernel exception: %s\n", kind);
	kprintf("  fault address: %#018lx\n", (unsigned long)addr);
	kprintf("  pc: %#018lx\n", (unsigned long)pc);
	if (tf)
		arch_dump_regs(tf);
	backtrace(fp);
	poweroff(STATUS_PANIC);
}

__noreturn void boot_fail(const char *fmt, ...)
{
	va_list ap;

	kprintf("\nBOOT FAILED: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	poweroff(STATUS_BOOT_ERROR);
}
