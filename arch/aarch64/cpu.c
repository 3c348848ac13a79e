/* CPU-local primitives: interrupt masking, per-CPU pointer, cycle counter. */
#include <arch.h>
#include <arch/platform.h>
#include <arch/sysreg.h>
#include <cpu.h>
#include <kernel.h>

#define DAIF_I		(1u << 7)
#define PMCR_E		(1u << 0)	/* enable counters */
#define PMCR_C		(1u << 2)	/* reset the cycle counter */
#define PMCR_LC		(1u << 6)	/* 64-bit cycle counter */
#define PMCNTEN_C	(1u << 31)
#define PMUSERENR_CR	(1u << 2)	/* EL0 may read PMCCNTR_EL0 */
#define CNTKCTL_EL0VCTEN (1u << 1)	/* EL0 may read CNTVCT_EL0 and CNTFRQ_EL0 */
#define SCTLR_SPAN	(1u << 23)	/* 0: exceptions to EL1 set PSTATE.PAN */

unsigned long arch_irq_save(void)
{
	unsigned long flags = read_sysreg(daif);

	__asm__ volatile("msr daifset, #2" : : : "memory");
	return flags;
}

void arch_irq_restore(unsigned long flags)
{
	write_sysreg(daif, flags);
}

void arch_irq_enable(void)
{
	__asm__ volatile("msr daifclr, #2" : : : "memory");
}

/*
 * wfi wakes on a pending interrupt even while it is masked; unmasking
 * afterwards takes it. So there is no window in which a wakeup is lost.
 */
void arch_wait_for_interrupt(void)
{
	__asm__ volatile("dsb sy; wfi; msr daifclr, #2" : : : "memory");
}


void arch_cpu_set(struct cpu *cpu)
{
	write_sysreg(tpidr_el1, cpu);
}

uintptr_t arch_frame_pointer(void)
{
	/* our own frame record's first word is the caller's frame pointer */
	return *(uintptr_t *)__builtin_frame_address(0);
}

/*
 * The PMU cycle counter. QEMU (TCG) runs it at 1 GHz of virtual time, and
 * with -icount shift=0 one virtual nanosecond is one instruction, so it
 * then counts instructions exactly.
 */
uint64_t arch_counter(void)
{
	isb();
	return read_sysreg(pmccntr_el0);
}

void cpu_counter_init(void)
{
	unsigned pmuver = (read_sysreg(id_aa64dfr0_el1) >> 8) & 0xf;

	if (pmuver == 0 || pmuver == 0xf)
		boot_fail("no PMU: arch_counter() needs PMCCNTR_EL0 (QEMU: -cpu cortex-a72 or max)");
	write_sysreg(pmccfiltr_el0, 0);		/* count at EL1 and EL0 */
	write_sysreg(pmcr_el0, read_sysreg(pmcr_el0) | PMCR_E | PMCR_C | PMCR_LC);
	write_sysreg(pmcntenset_el0, PMCNTEN_C);
	isb();
}

#define TIGHT_CYCLES	2000		/* a sample taken within 2 us */
#define MEASURE_MS	4

/* The generic counter now, and the cycle counter at the same moment. */
static uint64_t sample(uint64_t *cycles)
{
	uint64_t c0, c1, t;

	do {
		c0 = arch_counter();
		t = read_sysreg(cntpct_el0);
		c1 = arch_counter();
	} while (c1 - c0 > TIGHT_CYCLES);	/* the host preempted us: again */
	*cycles = c0 + (c1 - c0) / 2;
	return t;
}

/*
 * The cycle counter's rate, measured against the generic timer over a
 * few milliseconds and rounded to whole MHz. Without icount both counters
 * follow host time, so each end point is sampled until it is tight.
 */
uint64_t cpu_counter_hz(void)
{
	uint64_t freq = read_sysreg(cntfrq_el0), t0, t1, c0, c1;

	t0 = sample(&c0);
	do {
		t1 = sample(&c1);
	} while (t1 - t0 < freq / 1000 * MEASURE_MS);
	return ((c1 - c0) * freq / (t1 - t0) + 500000) / 1000000 * 1000000;
}

/*
 * What EL0 may read directly: the cycle counter (PMUSERENR_EL0.CR only:
 * EN would also let a task write PMCR_EL0 and stop or reset the counter
 * the kernel and other tasks time with) and the virtual counter. TPIDR_EL0
 * is per thread and TPIDRRO_EL0 stays 0 (user-readable: no kernel values).
 */
void cpu_user_init(void)
{
	if ((read_sysreg(id_aa64mmfr1_el1) >> 20) & 0xf) {
		/*
		 * PAN (ARMv8.1; not on cortex-a72): EL1 accesses to EL0-accessible
		 * pages fault. The kernel reaches user memory only through the
		 * direct map (uaccess.c), so PAN is always on: set now, and set
		 * again by every exception to EL1 (SCTLR_EL1.SPAN = 0).
		 */
		write_sysreg(sctlr_el1, read_sysreg(sctlr_el1) & ~(uint64_t)SCTLR_SPAN);
		__asm__ volatile(".inst 0xd500419f" : : : "memory");	/* msr pan, #1 */
		isb();
	}
	write_sysreg(pmuserenr_el0, PMUSERENR_CR);
	write_sysreg(cntkctl_el1, CNTKCTL_EL0VCTEN);
	write_sysreg(tpidr_el0, 0);
	write_sysreg(tpidrro_el0, 0);
	isb();
}
