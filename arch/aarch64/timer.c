/*
 * The periodic tick from the EL1 physical generic timer (CNTP, PPI 14 =
 * INTID 30 on virt), reloaded with TVAL on every interrupt.
 */
#include <arch.h>
#include <arch/platform.h>
#include <arch/sysreg.h>
#include <kernel.h>

#define CNT_CTL_ENABLE	(1u << 0)

static uint64_t interval;

void arch_timer_init(unsigned hz)
{
	interval = read_sysreg(cntfrq_el0) / hz;
	write_sysreg(cntp_tval_el0, interval);
	write_sysreg(cntp_ctl_el0, CNT_CTL_ENABLE);
	isb();
	irqchip_enable(platform.timer_intid);
}

void timer_irq(void)
{
	/* TVAL counts from now: ticks drift by the interrupt latency, as intended */
	write_sysreg(cntp_tval_el0, interval);
	isb();
	timer_tick();
}
