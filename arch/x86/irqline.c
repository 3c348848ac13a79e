/*
 * Interrupt lines for user drivers (arch.h): one number space over two
 * sources.
 *
 *   lines 0 .. IRQ_LINES-1          IOAPIC GSIs (ioapic.c), vectors
 *                                   VEC_IRQ_BASE + line (0x40..0x57)
 *   lines MSIX_LINE_BASE + k        MSI-X vector k of a PCI function
 *   (k < MSIX_VECTORS)              (msix.c), vectors VEC_MSIX_BASE + k
 *                                   (0x60..0x7f)
 */
#include <arch.h>
#include <errno.h>
#include <irq.h>
#include <arch/setup.h>
#include <arch/trap.h>

static bool is_msix(unsigned line)
{
	return line >= MSIX_LINE_BASE && line < MSIX_LINE_BASE + MSIX_VECTORS;
}

int arch_irq_line_setup(unsigned line)
{
	if (line < IRQ_LINES)
		return ioapic_line_setup(line);
	if (is_msix(line))
		return msix_setup(line - MSIX_LINE_BASE);
	return -ENODEV;
}

void arch_irq_line_mask(unsigned line)
{
	if (line < IRQ_LINES)
		ioapic_line_mask(line);
	else if (is_msix(line))
		msix_mask(line - MSIX_LINE_BASE);
}

void arch_irq_line_unmask(unsigned line)
{
	if (line < IRQ_LINES)
		ioapic_line_unmask(line);
	else if (is_msix(line))
		msix_unmask(line - MSIX_LINE_BASE);
}

bool x86_irq_vector(uint64_t vector)
{
	return (vector >= VEC_IRQ_BASE && vector < VEC_IRQ_BASE + IRQ_LINES) ||
	       (vector >= VEC_MSIX_BASE && vector < VEC_MSIX_BASE + MSIX_VECTORS);
}

/*
 * An interrupt on a line's vector: the core masks the line and signals
 * the driver; the LAPIC EOI then lets lower-priority vectors in again
 * (for a level-triggered IOAPIC entry it also clears the IOAPIC's remote
 * IRR: the LAPIC broadcasts the EOI to the IOAPICs for vectors it took
 * as level-triggered). The line stays masked until irq_ack. Called with
 * the kernel lock held, for a vector x86_irq_vector accepts.
 */
void x86_irq_dispatch(unsigned vector)
{
	if (vector >= VEC_MSIX_BASE)
		irq_deliver(MSIX_LINE_BASE + vector - VEC_MSIX_BASE);
	else
		irq_deliver(vector - VEC_IRQ_BASE);
	lapic_eoi();
}
