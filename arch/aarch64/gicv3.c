/*
 * GICv3: distributor (GICD) with affinity routing, this CPU's
 * redistributor (GICR) for SGIs and PPIs, and the system-register CPU
 * interface (ICC_*_EL1). All interrupts are non-secure group 1.
 */
#include <arch/irqchip.h>
#include <arch/mmio.h>
#include <arch/platform.h>
#include <arch/sysreg.h>
#include <kernel.h>
#include <memlayout.h>

#define GICD_CTLR		0x0000
#define CTLR_ENABLE_G1		(1u << 1)
#define CTLR_ARE		(1u << 4)
#define CTLR_RWP		(1u << 31)
#define GICD_TYPER		0x0004
#define TYPER_IT_LINES(t)	(((t) & 0x1f) + 1)	/* × 32 INTIDs */
#define GICD_IGROUPR(n)		(0x0080 + 4 * (n))
#define GICD_ISENABLER(n)	(0x0100 + 4 * (n))
#define GICD_ICENABLER(n)	(0x0180 + 4 * (n))
#define GICD_ICPENDR(n)		(0x0280 + 4 * (n))
#define GICD_IPRIORITYR(i)	(0x0400 + (i))
#define GICD_ICFGR(n)		(0x0c00 + 4 * (n))
#define ICFGR_EDGE(i)		(2u << 2 * ((i) % 16))
#define GICD_IROUTER(i)		(0x6000 + 8 * (i))

#define GICR_TYPER		0x0008
#define TYPER_LAST		(1u << 4)
#define GICR_WAKER		0x0014
#define WAKER_SLEEP		(1u << 1)
#define WAKER_CHILDREN_ASLEEP	(1u << 2)
#define GICR_FRAME		0x20000		/* RD_base + SGI_base */
#define GICR_SGI		0x10000
#define GICR_IGROUPR0		(GICR_SGI + 0x0080)
#define GICR_ISENABLER0		(GICR_SGI + 0x0100)
#define GICR_IPRIORITYR(i)	(GICR_SGI + 0x0400 + (i))

#define PRIORITY_DEFAULT	0xa0
#define PRIORITY_MASK_ALL	0xf0

static uintptr_t gicd, gicr;	/* gicr: this CPU's redistributor */

/* Affinity of this CPU as GICR_TYPER[63:32] spells it. */
static uint32_t my_affinity(void)
{
	uint64_t mpidr = read_sysreg(mpidr_el1);

	return (uint32_t)(mpidr & 0xffffff) | (uint32_t)((mpidr >> 32) & 0xff) << 24;
}

/* This CPU as GICD_IROUTER spells it: Aff3 in bits 39:32, IRM = 0. */
static uint64_t my_route(void)
{
	uint32_t aff = my_affinity();

	return (aff & 0xffffff) | (uint64_t)(aff >> 24) << 32;
}

static uintptr_t find_redistributor(void)
{
	uintptr_t rd = (uintptr_t)pa_to_kva(platform.gicr);
	uintptr_t end = rd + platform.gicr_size;

	for (; rd < end; rd += GICR_FRAME) {
		uint64_t typer = mmio_read64(rd + GICR_TYPER);

		if ((uint32_t)(typer >> 32) == my_affinity())
			return rd;
		if (typer & TYPER_LAST)
			break;
	}
	panic("gicv3: no redistributor for affinity %#x", my_affinity());
}

static void wait_rwp(void)
{
	while (mmio_read32(gicd + GICD_CTLR) & CTLR_RWP)
		;
}

static void gicv3_init(void)
{
	gicd = (uintptr_t)pa_to_kva(platform.gicd);
	mmio_write32(gicd + GICD_CTLR, CTLR_ARE | CTLR_ENABLE_G1);
	wait_rwp();

	gicr = find_redistributor();
	mmio_write32(gicr + GICR_WAKER, mmio_read32(gicr + GICR_WAKER) & ~WAKER_SLEEP);
	while (mmio_read32(gicr + GICR_WAKER) & WAKER_CHILDREN_ASLEEP)
		;

	write_sysreg(ICC_SRE_EL1, read_sysreg(ICC_SRE_EL1) | 1);
	isb();
	write_sysreg(ICC_PMR_EL1, PRIORITY_MASK_ALL);
	write_sysreg(ICC_BPR1_EL1, 0);
	write_sysreg(ICC_CTLR_EL1, 0);		/* EOI also deactivates */
	write_sysreg(ICC_IGRPEN1_EL1, 1);
	isb();
}

static void gicv3_enable(unsigned intid)
{
	uint32_t bit = 1u << (intid % 32);

	if (intid < 32) {
		mmio_write8(gicr + GICR_IPRIORITYR(intid), PRIORITY_DEFAULT);
		mmio_write32(gicr + GICR_IGROUPR0, mmio_read32(gicr + GICR_IGROUPR0) | bit);
		mmio_write32(gicr + GICR_ISENABLER0, bit);
		return;
	}
	mmio_write8(gicd + GICD_IPRIORITYR(intid), PRIORITY_DEFAULT);
	mmio_write32(gicd + GICD_IGROUPR(intid / 32),
		     mmio_read32(gicd + GICD_IGROUPR(intid / 32)) | bit);
	mmio_write64(gicd + GICD_IROUTER(intid), my_route());
	mmio_write32(gicd + GICD_ISENABLER(intid / 32), bit);
	wait_rwp();
}

static unsigned gicv3_ack(void)
{
	unsigned intid = (unsigned)read_sysreg(ICC_IAR1_EL1) & 0xffffff;

	__asm__ volatile("dsb sy" : : : "memory");
	return intid;
}

static void gicv3_eoi(unsigned intid)
{
	write_sysreg(ICC_EOIR1_EL1, intid);
	isb();
}

static unsigned gicv3_lines(void)
{
	unsigned n = 32 * TYPER_IT_LINES(mmio_read32(gicd + GICD_TYPER));

	return n < INTID_SPURIOUS ? n : INTID_SPURIOUS;
}

/*
 * An SPI for a user driver: disabled first (the configuration may only
 * change while it is: wait for RWP), non-secure group 1, level or edge,
 * the default priority, routed to this CPU, a stale edge dropped; enabled
 * by gicv3_unmask.
 */
static void gicv3_line_setup(unsigned intid, bool edge)
{
	uint32_t bit = 1u << (intid % 32), cfg;

	mmio_write32(gicd + GICD_ICENABLER(intid / 32), bit);
	wait_rwp();
	mmio_write32(gicd + GICD_IGROUPR(intid / 32),
		     mmio_read32(gicd + GICD_IGROUPR(intid / 32)) | bit);
	cfg = mmio_read32(gicd + GICD_ICFGR(intid / 16));
	cfg = edge ? cfg | ICFGR_EDGE(intid) : cfg & ~ICFGR_EDGE(intid);
	mmio_write32(gicd + GICD_ICFGR(intid / 16), cfg);
	mmio_write8(gicd + GICD_IPRIORITYR(intid), PRIORITY_DEFAULT);
	mmio_write64(gicd + GICD_IROUTER(intid), my_route());
	if (edge)
		mmio_write32(gicd + GICD_ICPENDR(intid / 32), bit);
}

/* RWP: the line is really disabled before the EOI that follows deactivates it. */
static void gicv3_mask(unsigned intid)
{
	mmio_write32(gicd + GICD_ICENABLER(intid / 32), 1u << (intid % 32));
	wait_rwp();
}

static void gicv3_unmask(unsigned intid)
{
	mmio_write32(gicd + GICD_ISENABLER(intid / 32), 1u << (intid % 32));
}

const struct irqchip gicv3_chip = {
	.init = gicv3_init,
	.enable = gicv3_enable,
	.ack = gicv3_ack,
	.eoi = gicv3_eoi,
	.lines = gicv3_lines,
	.line_setup = gicv3_line_setup,
	.mask = gicv3_mask,
	.unmask = gicv3_unmask,
};
