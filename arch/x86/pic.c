/*
 * The legacy 8259 PICs: the LAPIC timer replaces them. They are moved to
 * vectors 0x20..0x2f (the BIOS leaves them on the exception vectors) and
 * then masked completely.
 */
#include <arch/setup.h>
#include <arch/trap.h>
#include <arch/x86.h>

#define PIC1_CMD	0x20
#define PIC1_DATA	0x21
#define PIC2_CMD	0xa0
#define PIC2_DATA	0xa1

#define ICW1_INIT_ICW4	0x11
#define ICW4_8086	0x01

void pic_disable(void)
{
	outb(PIC1_CMD, ICW1_INIT_ICW4);
	outb(PIC2_CMD, ICW1_INIT_ICW4);
	outb(PIC1_DATA, VEC_PIC_BASE);		/* ICW2: vector base */
	outb(PIC2_DATA, VEC_PIC_BASE + 8);
	outb(PIC1_DATA, 1u << 2);		/* ICW3: slave on IRQ 2 */
	outb(PIC2_DATA, 2);			/* ICW3: slave identity */
	outb(PIC1_DATA, ICW4_8086);
	outb(PIC2_DATA, ICW4_8086);
	outb(PIC1_DATA, 0xff);			/* mask everything */
	outb(PIC2_DATA, 0xff);
}
