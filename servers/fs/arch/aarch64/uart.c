/*
 * The console UART's receive side (uart.h), AArch64: the PL011 whose
 * registers the kernel hands over as a device frame (the boot info's
 * console_mmio, one page), mapped at the caller's va. The kernel keeps
 * transmitting on the same UART by polling DR/FR, so only the receive
 * interrupt is touched: RXIM and RTIM in UARTIMSC, cleared in UARTICR.
 *
 * UARTLCR_H and UARTCR are left as they are: QEMU's PL011 empties its
 * receive FIFO whenever FEN changes, so turning the FIFO on would drop
 * input that came before (QEMU then holds further input back until DR is
 * read, as the FIFO is one byte deep while FEN is 0: nothing is lost).
 *
 * The line is level-triggered at the GIC: the PL011 keeps it up while a
 * received byte is unread (the RX interrupt clears when DR is read, and
 * UARTICR clears it too), so reading the FIFO empty before irq_ack is
 * enough. The byte that came before uart_init is pending in the raw
 * status (RIS) already and raises the line as soon as RXIM is set.
 * docs/arch-aarch64.md, "Interrupt lines for user drivers".
 */
#include <stdint.h>
#include <faultline/abi.h>
#include <faultline/syscalls.gen.h>
#include "uart.h"

#define UART_DR		0x00
#define UART_FR		0x18
#define UART_IMSC	0x38	/* interrupt mask set/clear: 1 = enabled */
#define UART_ICR	0x44	/* interrupt clear */

#define FR_RXFE		(1u << 4)	/* receive FIFO empty */
#define INT_RX		(1u << 4)	/* RXIM / RXIC: receive */
#define INT_RT		(1u << 6)	/* RTIM / RTIC: receive timeout */

static volatile uint32_t *uart;

static uint32_t reg_read(unsigned off)
{
	return uart[off / 4];
}

static void reg_write(unsigned off, uint32_t value)
{
	uart[off / 4] = value;
}

int uart_init(int task, uintptr_t va, int ioport, int mmio)
{
	long err;

	(void)ioport;
	if (mmio < 0)
		return -ENODEV;
	err = fl_map(task, va, mmio, 0, 1, FL_MAP_READ | FL_MAP_WRITE);
	if (err)
		return (int)err;
	uart = (volatile uint32_t *)va;
	reg_write(UART_IMSC, reg_read(UART_IMSC) | INT_RX | INT_RT);
	return 0;
}

/*
 * A byte, or -1 with the FIFO empty. Reading DR clears the receive
 * interrupt once the FIFO is below its trigger level; UARTICR clears it
 * (and the receive timeout) explicitly before the last look, so a byte
 * that comes after that look raises it again.
 */
int uart_getc(void)
{
	if (!(reg_read(UART_FR) & FR_RXFE))
		return (int)(reg_read(UART_DR) & 0xff);
	reg_write(UART_ICR, INT_RX | INT_RT);
	if (reg_read(UART_FR) & FR_RXFE)
		return -1;
	return (int)(reg_read(UART_DR) & 0xff);
}
