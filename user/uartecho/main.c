/*
 * A user-level driver for the console UART's receive interrupt: the
 * kernel forwards the line's interrupts to a notification, the driver
 * drains the receive FIFO, echoes each line it assembled, acknowledges
 * the interrupt, and waits again. "quit" ends it (power-off status 0).
 * The register access is the architecture's, shared with the fs server
 * (servers/fs/arch/ARCH/uart.c).
 */
#include <faultline/sys.h>
#include "uart.h"

#define UART_VA		0x60000000ul	/* the PL011's registers (AArch64) */

int main(const struct fl_bootinfo *bi)
{
	char line[128];
	unsigned n = 0;
	bool acked = true;
	long ntfn = fl_notification_create(), err;

	if (bi->console_irq < 0 || ntfn < 0) {
		fl_printf("echo: no console interrupt (%d)\n", bi->console_irq);
		return 2;
	}
	err = fl_irq_bind(bi->console_irq, (int)ntfn, 1);
	if (!err)
		err = uart_init(bi->self_task, UART_VA, bi->console_ioport, bi->console_mmio);
	if (err) {
		fl_printf("echo: cannot take the UART: %ld\n", err);
		return 2;
	}
	fl_print("echo: ready\n");
	/*
	 * Drain, then wait; after each interrupt drain, acknowledge, and drain
	 * again: an edge-triggered line (x86 COM1) drops an edge that comes
	 * while it is masked, so bytes that arrived before the ack are read
	 * here rather than waiting for the next interrupt.
	 */
	for (;;) {
		int c;

		while ((c = uart_getc()) >= 0) {
			if (c != '\r' && c != '\n') {
				if (n < sizeof(line) - 1)
					line[n++] = (char)c;
				continue;
			}
			line[n] = '\0';
			if (n == 0)
				continue;
			fl_printf("echo: %s\n", line);
			if (strcmp(line, "quit") == 0)
				return 0;
			n = 0;
		}
		if (acked) {
			if (fl_wait((int)ntfn) < 0)
				return 2;
			acked = false;
		} else {
			fl_irq_ack(bi->console_irq);
			acked = true;
		}
	}
}
