/*
 * The console UART's receive side (uart.h), x86_64: the 16550 at COM1,
 * reached through the I/O port object the kernel hands over (the boot
 * info's console_ioport: ports 0x3f8..0x3ff, offsets 0..7 here). The
 * kernel keeps transmitting on the same UART by polling, so only the
 * receive interrupt is touched: IER.ERBFI, and MCR.OUT2, which on PCs
 * gates the UART's interrupt output onto ISA IRQ 4.
 *
 * IRQ 4 reaches the IOAPIC edge-triggered: an edge that comes while the
 * kernel holds the line masked (between the interrupt and irq_ack) is
 * lost, and the UART keeps its output high until its receive buffer is
 * empty, so the caller must read it empty after acknowledging (read,
 * ack, read again; or ack, then read), never only before, and once
 * before its first wait (input that came before the line was bound
 * raised no interrupt anyone saw). docs/arch-x86_64.md, "Interrupt lines
 * for user drivers".
 */
#include <stdint.h>
#include <faultline/abi.h>
#include <faultline/syscalls.gen.h>
#include "uart.h"

#define UART_RBR	0	/* receive buffer (DLAB = 0) */
#define UART_IER	1	/* interrupt enable (DLAB = 0) */
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5

#define IER_ERBFI	0x01	/* received data available */
#define LCR_DLAB	0x80
#define MCR_OUT2	0x08
#define LSR_DR		0x01	/* data ready */

static int port = -1;

static long in8(unsigned reg)
{
	return fl_ioport_in(port, reg, 1);
}

static long out8(unsigned reg, unsigned value)
{
	return fl_ioport_out(port, reg, 1, value);
}

int uart_init(int task, uintptr_t va, int ioport, int mmio)
{
	long lcr, mcr, err;

	(void)task, (void)va, (void)mmio;
	if (ioport < 0)
		return -ENODEV;
	port = ioport;
	lcr = in8(UART_LCR);
	if (lcr < 0)
		return (int)lcr;
	if (lcr & LCR_DLAB) {	/* IER is the divisor's high byte with DLAB set */
		err = out8(UART_LCR, lcr & ~LCR_DLAB);
		if (err)
			return (int)err;
	}
	mcr = in8(UART_MCR);
	if (mcr < 0)
		return (int)mcr;
	err = out8(UART_MCR, mcr | MCR_OUT2);
	if (!err)
		err = out8(UART_IER, IER_ERBFI);
	return (int)err;
}

int uart_getc(void)
{
	long lsr = in8(UART_LSR), c;

	if (lsr < 0 || !(lsr & LSR_DR))
		return -1;
	c = in8(UART_RBR);
	return c < 0 ? -1 : (int)(c & 0xff);
}
