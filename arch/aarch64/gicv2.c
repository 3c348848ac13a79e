/*
 * GICv2: distributor (GICD) and memory-mapped CPU interface (GICC). QEMU's
 * virt GIC has no security extensions, so group 0 is signalled as IRQ.
 */
#include <arch/irqchip.h>
#include <arch/mmio.h>
#include <arch/platform.h>
#include <memlayout.h>

#define GICD_CTLR		0x000
#define GICD_ISENABLER(n)	(0x100 + 4 * (n))
#define GICD_IPRIORITYR(i)	(0x400 + (i))
#define GICD_ITARGETSR(i)	(0x800 + (i))
#define GICC_CTLR		0x00
#define GICC_PMR		0x04
#define GICC_BPR		0x08
#define GICC_IAR		0x0c
#define GICC_EOIR		0x10

#define PRIORITY_DEFAULT	0xa0
#define PRIORITY_MASK_ALL	0xf0	/* pass every priority above 0xf0 */

static uintptr_t gicd, gicc;

static void gicv2_init(void)
{
	gicd = (uintptr_t)pa_to_kva(platform.gicd);
	gicc = (uintptr_t)pa_to_kva(platform.gicc);
	mmio_write32(gicd + GICD_CTLR, 1);
	mmio_write32(gicc + GICC_PMR, PRIORITY_MASK_ALL);
	mmio_write32(gicc + GICC_BPR, 0);
	mmio_write32(gicc + GICC_CTLR, 1);
}

static void gicv2_enable(unsigned intid)
{
	mmio_write8(gicd + GICD_IPRIORITYR(intid), PRIORITY_DEFAULT);
	if (intid >= 32)
		mmio_write8(gicd + GICD_ITARGETSR(intid), 1);	/* CPU 0 */
	mmio_write32(gicd + GICD_ISENABLER(intid / 32), 1u << (intid % 32));
}

/* The INTID only: SGIs' source CPU bits are dropped (no SGIs are used yet). */
static unsigned gicv2_ack(void)
{
	return mmio_read32(gicc + GICC_IAR) & 0x3ff;
}

static void gicv2_eoi(unsigned intid)
{
	mmio_write32(gicc + GICC_EOIR, intid);
}

const struct irqchip gicv2_chip = {
	.init = gicv2_init,
	.enable = gicv2_enable,
	.ack = gicv2_ack,
	.eoi = gicv2_eoi,
};
