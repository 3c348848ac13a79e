/* The interrupt controller the DTB names, and IRQ dispatch. */
#include <arch/irqchip.h>
#include <arch/platform.h>
#include <kernel.h>

static const struct irqchip *chip;

void irqchip_init(void)
{
	chip = platform.gic_version == 3 ? &gicv3_chip : &gicv2_chip;
	chip->init();
}

void irqchip_enable(unsigned intid)
{
	chip->enable(intid);
}

/* Called from the IRQ vector with interrupts masked. */
void irqchip_handle(void)
{
	for (;;) {
		unsigned intid = chip->ack();

		if (intid >= INTID_SPURIOUS)
			return;
		if (intid == platform.timer_intid)
			timer_irq();
		else
			kprintf("irq: unexpected interrupt %u\n", intid);
		chip->eoi(intid);
	}
}
