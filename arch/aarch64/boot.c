/* The first C code: from entry.S (MMU on, high half, boot stack) to kmain. */
#include <arch/platform.h>
#include <boot.h>
#include <kernel.h>

static struct boot_params bp;

__noreturn void aarch64_main(paddr_t dtb_pa, unsigned boot_el);

__noreturn void aarch64_main(paddr_t dtb_pa, unsigned boot_el)
{
	cpu_counter_init();
	bootinfo_parse(dtb_pa, &bp);
	uart_init(platform.uart);
	if (boot_el != 1)
		kprintf("aarch64: entered at EL%u, running at EL1\n", boot_el);
	kmain(&bp);
}
