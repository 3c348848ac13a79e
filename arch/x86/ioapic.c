/*
 * The IOAPIC: interrupt lines (GSIs) 0..IRQ_LINES-1 for user drivers
 * (arch.h, "interrupt lines for user drivers"; irqline.c routes lines
 * here). q35 has one IOAPIC at 0xfec00000 with 24 pins, GSI base 0. No
 * ACPI parsing: QEMU's MADT (hw/i386/acpi-common.c, build_madt) lists
 * exactly that IOAPIC and overrides only ISA IRQ 0 (to GSI 2) and the
 * PCI-routed ISA IRQs 5, 9, 10 and 11 (level, active high), so every
 * other ISA IRQ, COM1's 4 among them, is the GSI of the same number.
 * init checks the version register, so a missing IOAPIC gives "no lines"
 * (-ENODEV), not writes into nothing.
 *
 * Line n raises vector VEC_IRQ_BASE + n, fixed delivery to the boot CPU's
 * LAPIC (physical destination mode). Lines 0..15 are ISA: edge-triggered,
 * active high. 16..23 are PCI (PIRQ A..H on q35): level-triggered, active
 * low. Every entry stays masked until a driver binds its irq object; the
 * core masks it again when it fires (irq_deliver) until the driver
 * acknowledges. Masking a level-triggered entry holds the interrupt back
 * in the IOAPIC (IRR) until unmask; an edge that comes while its entry is
 * masked is dropped (82093AA datasheet), which the driver has to allow
 * for: after acknowledging, it reads the device again (docs/arch-x86_64.md).
 */
#include <arch.h>
#include <errno.h>
#include <kernel.h>
#include <memlayout.h>
#include <arch/setup.h>
#include <arch/trap.h>

#define IOAPIC_REGSEL	0x00	/* register index */
#define IOAPIC_WIN	0x10	/* its value */

#define IOAPIC_VER	0x01	/* bits 23:16: the last redirection entry */
#define IOAPIC_REDTBL	0x10	/* entry n: 0x10 + 2n (low), 0x11 + 2n (high) */

#define RTE_MASKED	(1u << 16)
#define RTE_LEVEL	(1u << 15)
#define RTE_ACTIVE_LOW	(1u << 13)
#define RTE_DEST_SHIFT	24	/* in the high word: physical APIC ID */

#define ISA_LINES	16

static unsigned nlines;	/* redirection entries, 0 without an IOAPIC */

static volatile uint32_t *ioapic_regs(void)
{
	return pa_to_kva(IOAPIC_BASE);
}

static uint32_t ioapic_read(unsigned reg)
{
	ioapic_regs()[IOAPIC_REGSEL / 4] = reg;
	return ioapic_regs()[IOAPIC_WIN / 4];
}

static void ioapic_write(unsigned reg, uint32_t v)
{
	ioapic_regs()[IOAPIC_REGSEL / 4] = reg;
	ioapic_regs()[IOAPIC_WIN / 4] = v;
}

/* The low word of line's entry, masked or not. */
static uint32_t rte_low(unsigned line, bool masked)
{
	uint32_t low = VEC_IRQ_BASE + line;	/* fixed delivery, physical destination */

	if (line >= ISA_LINES)
		low |= RTE_LEVEL | RTE_ACTIVE_LOW;
	return masked ? low | RTE_MASKED : low;
}

/* Mask every entry (after reset they are, but not necessarily after firmware). */
void ioapic_init(void)
{
	uint32_t ver = ioapic_read(IOAPIC_VER);

	if (ver == 0xffffffffu) {
		kprintf("ioapic: none at %#lx, no interrupt lines\n", (unsigned long)IOAPIC_BASE);
		return;
	}
	nlines = MIN(((ver >> 16) & 0xff) + 1, IRQ_LINES);
	for (unsigned line = 0; line < nlines; line++)
		ioapic_write(IOAPIC_REDTBL + 2 * line, rte_low(line, true));
	kprintf("ioapic: version %#x, %u lines at vectors %#x..%#x\n", ver & 0xff, nlines,
		VEC_IRQ_BASE, VEC_IRQ_BASE + nlines - 1);
}

int ioapic_line_setup(unsigned line)
{
	if (line >= nlines)
		return -ENODEV;
	ioapic_write(IOAPIC_REDTBL + 2 * line + 1, lapic_id() << RTE_DEST_SHIFT);
	ioapic_write(IOAPIC_REDTBL + 2 * line, rte_low(line, true));
	return 0;
}

void ioapic_line_mask(unsigned line)
{
	if (line < nlines)
		ioapic_write(IOAPIC_REDTBL + 2 * line, rte_low(line, true));
}

void ioapic_line_unmask(unsigned line)
{
	if (line < nlines)
		ioapic_write(IOAPIC_REDTBL + 2 * line, rte_low(line, false));
}
