/*
 * The boot console: the 16550 UART at COM1, polled. A user driver may
 * take over its receive side (arch_console_device): it enables the
 * receive interrupt (IER, MCR.OUT2) through its I/O port object; the
 * kernel goes on polling LSR.THRE to transmit, which that does not
 * disturb (the THRE interrupt stays off).
 */
#include <arch.h>
#include <arch/setup.h>
#include <arch/x86.h>

#define COM1		0x3f8
#define COM1_PORTS	8
#define COM1_IRQ	4	/* ISA IRQ 4 = GSI 4 on q35 (ioapic.c) */
#define UART_DATA	0	/* DLAB=0: transmit; DLAB=1: divisor low */
#define UART_IER	1	/* DLAB=0: interrupt enable; DLAB=1: divisor high */
#define UART_FCR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5

#define LCR_8N1		0x03
#define LCR_DLAB	0x80
#define MCR_DTR_RTS	0x03
#define LSR_THRE	0x20	/* transmit holding register empty */

void uart_init(void)
{
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, LCR_DLAB);
	outb(COM1 + UART_DATA, 1);	/* 115200 baud */
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, LCR_8N1);
	/*
	 * FIFOs off: turning them on empties the receive FIFO, and QEMU
	 * takes the first byte of its serial input as soon as the machine
	 * starts, so that byte would be lost; without the FIFO it waits in
	 * RBR (and the rest in QEMU) until the user driver reads it.
	 */
	outb(COM1 + UART_FCR, 0);
	outb(COM1 + UART_MCR, MCR_DTR_RTS);
}

void arch_console_putc(int c)
{
	while (!(inb(COM1 + UART_LSR) & LSR_THRE))
		;
	outb(COM1 + UART_DATA, (uint8_t)c);
}

void arch_console_device(struct arch_console_device *d)
{
	*d = (struct arch_console_device){
		.line = COM1_IRQ,
		.io_base = COM1,
		.io_size = COM1_PORTS,
	};
}

/* Port I/O for user drivers: sys_ioport_* checked the range and the width (1, 2 or 4). */
uint32_t arch_port_in(unsigned port, unsigned width)
{
	switch (width) {
	case 1:
		return inb(port);
	case 2:
		return inw(port);
	default:
		return inl(port);
	}
}

void arch_port_out(unsigned port, unsigned width, uint32_t value)
{
	switch (width) {
	case 1:
		outb(port, (uint8_t)value);
		break;
	case 2:
		outw(port, (uint16_t)value);
		break;
	default:
		outl(port, value);
		break;
	}
}
