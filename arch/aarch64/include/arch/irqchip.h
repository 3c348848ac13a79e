/* One interface to the GICv2 and GICv3 drivers. */
#pragma once

#include <types.h>

#define INTID_SPURIOUS	1020	/* this and above: no interrupt */

struct irqchip {
	void (*init)(void);			/* distributor and this CPU's interface */
	void (*enable)(unsigned intid);		/* an SGI/PPI of this CPU or an SPI */
	unsigned (*ack)(void);			/* the pending INTID, or >= INTID_SPURIOUS */
	void (*eoi)(unsigned intid);
	/* SPIs for user drivers (arch_irq_line_*): */
	unsigned (*lines)(void);		/* INTIDs below this exist (GICD_TYPER) */
	void (*line_setup)(unsigned intid, bool edge);	/* masked, routed here */
	void (*mask)(unsigned intid);
	void (*unmask)(unsigned intid);
};

extern const struct irqchip gicv2_chip, gicv3_chip;
