/*
 * GICv2: distributor (GICD) and memory-mapped CPU interface (GICC). QEMU's
 * virt GIC has no security extensions, so group 0 is signalled as IRQ.
 */
#include <arch/irqchip.h>
#include <arch/mmio.h>
#include <arch/platform.h>
#include <memlayout.h>

#define GICD_CTLR		0x000
#define GICD_TYPER		0x004
#define TYPER_IT_LINES(t)	(((t) & 0x1f) + 1)	/* × 32 INTIDs */
#define GICD_ISENABLER(n)	(0x100 + 4 * (n))
#define GICD_ICENABLER(n)	(0x180 + 4 * (n))
#define GICD_ICPENDR(n)		(0x280 + 4 * (n))
#define GICD_IPRIORITYR(i)	(0x400 + (i))
#define GICD_ITARGETSR(i)	(0x800 + (i))
#define GICD_ICFGR(n)		(0xc00 + 4 * (n))
#define ICFGR_EDGE(i)		(2u << 2 * ((i) % 16))
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

static unsigned gicv2_lines(void)
{
	return 32 * TYPER_IT_LINES(mmio_read32(gicd + GICD_TYPER));
}

/*
 * This CPU's bit for ITARGETSR: the banked ITARGETSR0..7 read as it; a
 * uniprocessor GIC may read them as 0 (then CPU interface 0).
 */
static uint8_t this_cpu_target(void)
{
	uint8_t t = mmio_read8(gicd + GICD_ITARGETSR(0));

	return t ? t : 1;
}

/*
 * An SPI for a user driver: disabled first (the configuration may only
 * change while it is), level or edge, the default priority, targeted at
 * this CPU, a stale edge dropped; enabled by gicv2_unmask.
 */
static void gicv2_line_setup(unsigned intid, bool edge)
{
	uint32_t bit = 1u << (intid % 32), cfg;

	mmio_write32(gicd + GICD_ICENABLER(intid / 32), bit);
	cfg = mmio_read32(gicd + GICD_ICFGR(intid / 16));
	cfg = edge ? cfg | ICFGR_EDGE(intid) : cfg & ~ICFGR_EDGE(intid);
	mmio_write32(gicd + GICD_ICFGR(intid / 16), cfg);
	mmio_write8(gicd + GICD_IPRIORITYR(intid), PRIORITY_DEFAULT);
	mmio_write8(gicd + GICD_ITARGETSR(intid), this_cpu_target());
	if (edge)
		mmio_write32(gicd + GICD_ICPENDR(intid / 32), bit);
}

static void gicv2_mask(unsigned intid)
{
	mmio_write32(gicd + GICD_ICENABLER(intid / 32), 1u << (intid % 32));
}

static void gicv2_unmask(unsigned intid)
{
	mmio_write32(gicd + GICD_ISENABLER(intid / 32), 1u << (intid % 32));
}

const struct irqchip gicv2_chip = {
	.init = gicv2_init,
	.enable = gicv2_enable,
	.ack = gicv2_ack,
	.eoi = gicv2_eoi,
	.lines = gicv2_lines,
	.line_setup = gicv2_line_setup,
	.mask = gicv2_mask,
	.unmask = gicv2_unmask,
};
