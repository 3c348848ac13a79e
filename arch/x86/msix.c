/*
 * MSI-X vectors: interrupts of PCI functions as irq lines for user
 * drivers (arch.h, "interrupt lines for user drivers").
 *
 * MSI-X vector k (0 <= k < MSIX_VECTORS, for all functions together) is
 * line MSIX_LINE_BASE + k and raises IDT vector VEC_MSIX_BASE + k. pci.c
 * finds a function's MSI-X capability and hands its table (mapped
 * uncached in the kernel) to msix_vectors_alloc, which takes the next
 * free vectors for its first entries and programs them. Vectors are
 * never given back: functions are enumerated once, at boot.
 *
 * A table entry is 16 bytes (PCI Local Bus 3.0, 6.8.2): message address
 * low and high, message data, vector control (bit 0: masked). On x86 the
 * message is a write to the LAPIC window: address 0xfee00000 with the
 * destination APIC ID in bits 19:12 (physical mode, no redirection
 * hint), data = the vector with fixed delivery, edge-triggered (bits 15
 * and 14 clear). MSI is always an edge.
 *
 * Masking is per entry, in its vector control word: the irq contract of
 * the IOAPIC lines holds (masked until bound, masked by the core when it
 * fires, unmasked by irq_ack). Unlike an IOAPIC edge, an MSI-X message
 * that the device wants to send while its entry is masked is not lost:
 * the device sets the entry's bit in the Pending Bit Array instead and
 * sends the message when the entry is unmasked (PCI 3.0 6.8.3.4; QEMU's
 * msix_notify and msix_handle_mask_update do exactly that). So an
 * interrupt that comes between the kernel's mask and the driver's
 * irq_ack arrives right after the ack.
 */
#include <arch.h>
#include <errno.h>
#include <kernel.h>
#include <arch/setup.h>
#include <arch/trap.h>

#define ENTRY_WORDS		4	/* 16 bytes */
#define ENTRY_ADDR_LO		0
#define ENTRY_ADDR_HI		1
#define ENTRY_DATA		2
#define ENTRY_CTRL		3
#define ENTRY_CTRL_MASKED	1u

#define MSI_ADDR_BASE		0xfee00000u
#define MSI_ADDR_DEST_SHIFT	12	/* destination APIC ID: bits 19:12 */

static volatile uint32_t *entry[MSIX_VECTORS];	/* vector k's table entry */
static unsigned nvectors;			/* handed out so far */

/*
 * Give the first *n entries of the MSI-X table at table (its kernel
 * address) the next free vectors, each entry masked, addressed to this
 * CPU's LAPIC; fewer if fewer are left (*n says how many). The first
 * vector, or -ENOSPC if none is left.
 */
int msix_vectors_alloc(unsigned *pn, volatile uint32_t *table)
{
	unsigned first = nvectors, n = MIN(*pn, MSIX_VECTORS - nvectors);

	if (n == 0)
		return -ENOSPC;
	for (unsigned i = 0; i < n; i++) {
		volatile uint32_t *e = table + i * ENTRY_WORDS;

		/* mask first: the address and data must not be used half-written */
		e[ENTRY_CTRL] |= ENTRY_CTRL_MASKED;
		e[ENTRY_ADDR_LO] = MSI_ADDR_BASE | lapic_id() << MSI_ADDR_DEST_SHIFT;
		e[ENTRY_ADDR_HI] = 0;
		e[ENTRY_DATA] = VEC_MSIX_BASE + first + i;	/* fixed, edge */
		entry[first + i] = e;
	}
	nvectors += n;
	*pn = n;
	return (int)first;
}

int msix_setup(unsigned k)
{
	if (k >= nvectors)
		return -ENODEV;
	msix_mask(k);
	return 0;
}

/*
 * The read back makes the (posted) write reach the device before we go
 * on: a message the device sent before it saw the mask is then already
 * at the LAPIC, and irq_deliver copes with one extra.
 */
void msix_mask(unsigned k)
{
	if (k < nvectors) {
		entry[k][ENTRY_CTRL] |= ENTRY_CTRL_MASKED;
		(void)entry[k][ENTRY_CTRL];
	}
}

/* A pending message (PBA bit set while masked) is sent by the device now. */
void msix_unmask(unsigned k)
{
	if (k < nvectors)
		entry[k][ENTRY_CTRL] &= ~ENTRY_CTRL_MASKED;
}
