/*
 * The local APIC (xAPIC, memory-mapped; TCG offers neither x2APIC nor
 * TSC-deadline) and its timer in periodic mode, calibrated against the TSC.
 */
#include <arch.h>
#include <kernel.h>
#include <memlayout.h>
#include <arch/setup.h>
#include <arch/trap.h>
#include <arch/x86.h>

#define APIC_BASE_ADDR	0x000ffffffffff000ul	/* in MSR_APIC_BASE */

#define LAPIC_ID	0x020	/* bits 31:24 */
#define LAPIC_TPR	0x080
#define LAPIC_EOI	0x0b0
#define LAPIC_SVR	0x0f0
#define LAPIC_LVT_TIMER	0x320
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR	0x390
#define LAPIC_TIMER_DIV	0x3e0

#define SVR_ENABLE	(1u << 8)
#define LVT_MASKED	(1u << 16)
#define LVT_PERIODIC	(1u << 17)
#define DIV_BY_16	0x3

#define CALIBRATE_MS	10

static volatile uint32_t *lapic_regs(void)
{
	return pa_to_kva(lapic_base());
}

static uint32_t lapic_read(unsigned reg)
{
	return lapic_regs()[reg / 4];
}

static void lapic_write(unsigned reg, uint32_t v)
{
	lapic_regs()[reg / 4] = v;
}

paddr_t lapic_base(void)
{
	return rdmsr(MSR_APIC_BASE) & APIC_BASE_ADDR;
}

/* This CPU's APIC ID, the destination of the IOAPIC's entries. */
uint32_t lapic_id(void)
{
	return lapic_read(LAPIC_ID) >> 24;
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

/* Timer counts per second (after the divider), over CALIBRATE_MS of TSC time. */
static uint64_t timer_rate(void)
{
	uint64_t wait = tsc_hz * CALIBRATE_MS / 1000, t0;
	uint32_t left;

	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);	/* one-shot, no interrupt */
	lapic_write(LAPIC_TIMER_INIT, UINT32_MAX);
	t0 = rdtsc();
	while (rdtsc() - t0 < wait)
		;
	left = lapic_read(LAPIC_TIMER_CUR);
	lapic_write(LAPIC_TIMER_INIT, 0);
	return (uint64_t)(UINT32_MAX - left) * 1000 / CALIBRATE_MS;
}

void arch_timer_init(unsigned hz)
{
	uint64_t rate, count;

	pic_disable();
	ioapic_init();
	lapic_write(LAPIC_SVR, SVR_ENABLE | VEC_SPURIOUS);
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_TIMER_DIV, DIV_BY_16);
	rate = timer_rate();
	count = rate / hz;
	if (count == 0 || count > UINT32_MAX)
		panic("timer: LAPIC timer at %lu Hz cannot tick at %u Hz", (unsigned long)rate, hz);
	lapic_write(LAPIC_LVT_TIMER, LVT_PERIODIC | VEC_TIMER);
	lapic_write(LAPIC_TIMER_INIT, (uint32_t)count);
	kprintf("timer: LAPIC timer %lu Hz after its divider, %u Hz tick\n",
		(unsigned long)rate, hz);
}
