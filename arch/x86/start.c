/*
 * The first C code, called by boot.S on the boot stack and boot page
 * tables: the console, the CPU's tables and features, the TSC frequency,
 * the boot information; then the portable kmain().
 */
#include <boot.h>
#include <arch.h>
#include <arch/setup.h>

static struct boot_params bp = {
	.arch = "x86_64",
	.machine = "q35",
	.irqchip = "lapic",
	.cmdline = "",
	.ncpus = 1,	/* SMP start (ACPI MADT, INIT-SIPI) is not there yet */
};

__noreturn void x86_start(uint32_t start_info)
{
	uart_init();
	gdt_init();
	arch_trap_init();	/* early, so a fault during boot gives a report */
	cpu_init();
	mmu_init();
	tsc_calibrate();
	bp.counter_hz = tsc_hz;
	pvh_parse(start_info, &bp);
	kmain(&bp);
}
