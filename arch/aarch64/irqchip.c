/*
 * The interrupt controller the DTB names, and IRQ dispatch: the timer's
 * PPI to the tick, SPIs set up for user drivers (arch_irq_line_setup) to
 * the core's irq_deliver(), which masks the line until the driver's
 * irq_ack; the EOI follows at once, so a level-triggered line that stays
 * up does not come back while it is masked.
 */
#include <arch.h>
#include <arch/irqchip.h>
#include <arch/platform.h>
#include <errno.h>
#include <irq.h>
#include <kernel.h>

#define SPI_BASE	32

static const struct irqchip *chip;
static uint32_t user_lines[INTID_SPURIOUS / 32];	/* set up by arch_irq_line_setup */

void irqchip_init(void)
{
	chip = platform.gic_version == 3 ? &gicv3_chip : &gicv2_chip;
	chip->init();
}

void irqchip_enable(unsigned intid)
{
	chip->enable(intid);
}

/* An SPI the distributor implements, not one the kernel uses itself. */
bool irqchip_line_ok(unsigned intid)
{
	return intid >= SPI_BASE && intid < INTID_SPURIOUS && intid < chip->lines() &&
	       intid != platform.timer_intid;
}

static bool user_line(unsigned intid)
{
	return intid < INTID_SPURIOUS && (user_lines[intid / 32] & (1u << (intid % 32)));
}

/* Called from the IRQ vector with interrupts masked and the kernel lock held. */
void irqchip_handle(void)
{
	for (;;) {
		unsigned intid = chip->ack();

		if (intid >= INTID_SPURIOUS)
			return;
		if (intid == platform.timer_intid)
			timer_irq();
		else if (user_line(intid))
			irq_deliver(intid);	/* masks it until irq_ack */
		else
			kprintf("irq: unexpected interrupt %u\n", intid);
		chip->eoi(intid);
	}
}

/*
 * Lines for user drivers: SPIs only (SGIs and PPIs are per CPU and the
 * kernel's). Level-sensitive unless the DTB says the console UART's line
 * is an edge (every SPI of virt is level-high); routed to this CPU,
 * masked until irq_bind or irq_ack unmasks it.
 */
int arch_irq_line_setup(unsigned line)
{
	if (!irqchip_line_ok(line))
		return -ENODEV;
	chip->line_setup(line, line == platform.uart_intid && platform.uart_edge);
	user_lines[line / 32] |= 1u << (line % 32);
	return 0;
}

void arch_irq_line_mask(unsigned line)
{
	if (user_line(line))
		chip->mask(line);
}

void arch_irq_line_unmask(unsigned line)
{
	if (user_line(line))
		chip->unmask(line);
}

/* The PL011 the kernel prints on, for a user driver's receive side. */
void arch_console_device(struct arch_console_device *d)
{
	d->line = platform.uart_intid;
	d->io_base = d->io_size = 0;
	d->mmio_base = platform.uart;
	d->mmio_size = platform.uart_size;
}

uint32_t arch_port_in(unsigned port, unsigned width)
{
	panic("no port I/O (in %#x, width %u)", port, width);
}

void arch_port_out(unsigned port, unsigned width, uint32_t value)
{
	panic("no port I/O (out %#x, width %u, value %#x)", port, width, value);
}
