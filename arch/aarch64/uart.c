/* The PL011 UART as a polled output-only console. */
#include <arch.h>
#include <arch/mmio.h>
#include <arch/platform.h>
#include <memlayout.h>

#define UART_DR		0x00
#define UART_FR		0x18
#define FR_TXFF		(1u << 5)	/* transmit FIFO full */

/*
 * Reached through the direct map from the start: the early tables map
 * the first GiB as device memory, and arch_map_devices() maps the UART
 * in the final table.
 */
static uintptr_t uart_base = DIRECT_MAP_BASE + PL011_DEFAULT_PA;

void uart_init(paddr_t pa)
{
	uart_base = (uintptr_t)pa_to_kva(pa);
}

void arch_console_putc(int c)
{
	while (mmio_read32(uart_base + UART_FR) & FR_TXFF)
		;
	mmio_write32(uart_base + UART_DR, (uint32_t)(c & 0xff));
}
