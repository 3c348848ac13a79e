/* Power-off through QEMU's isa-debug-exit device (iobase 0xf4, iosize 4). */
#include <arch.h>
#include <kernel.h>
#include <arch/x86.h>

#define DEBUG_EXIT_PORT	0xf4

/*
 * QEMU exits with (value << 1) | 1. We write status + 1 so that no status
 * gives 1, which QEMU also uses for its own errors.
 */
__noreturn void arch_poweroff(int status)
{
	outl(DEBUG_EXIT_PORT, (uint32_t)status + 1);
	kprintf("faultline: isa-debug-exit did not stop QEMU "
		"(add -device isa-debug-exit,iobase=0xf4,iosize=0x04); halting\n");
	halt_forever();
}
