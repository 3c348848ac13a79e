/*
 * Measuring the TSC against the 8254 PIT (1.193182 MHz): channel 2, gated
 * through port 0x61, counts down once in mode 0 and raises its output when
 * it reaches zero. Under TCG with icount the TSC then reads 1 GHz.
 */
#include <arch/setup.h>
#include <arch/x86.h>

#define PIT_HZ		1193182u
#define PIT_CH2		0x42
#define PIT_MODE	0x43
#define PORT_B		0x61	/* bit 0: channel 2 gate, bit 1: speaker, bit 5: channel 2 output */

#define MODE_CH2_ONESHOT 0xb0	/* channel 2, low then high byte, mode 0, binary */
#define PORTB_GATE	0x01
#define PORTB_SPEAKER	0x02
#define PORTB_OUT2	0x20

#define MEASURE_MS	10
#define ROUND_HZ	1000	/* report whole kHz: the measurement is not finer */

uint64_t tsc_hz;

void tsc_calibrate(void)
{
	const uint16_t count = PIT_HZ * MEASURE_MS / 1000;
	uint64_t t0, t1;

	outb(PORT_B, (inb(PORT_B) & ~PORTB_SPEAKER) | PORTB_GATE);
	outb(PIT_MODE, MODE_CH2_ONESHOT);
	outb(PIT_CH2, count & 0xff);
	outb(PIT_CH2, count >> 8);		/* counting starts now */
	t0 = rdtsc();
	while (!(inb(PORT_B) & PORTB_OUT2))
		;
	t1 = rdtsc();
	outb(PORT_B, inb(PORT_B) & ~PORTB_GATE);
	tsc_hz = (t1 - t0) * PIT_HZ / count;
	tsc_hz = (tsc_hz + ROUND_HZ / 2) / ROUND_HZ * ROUND_HZ;
}
