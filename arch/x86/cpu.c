/* CPU features, interrupt masking, the TSC, per-CPU data, stack switching. */
#include <arch.h>
#include <cpu.h>
#include <arch/setup.h>
#include <arch/x86.h>

#define CPUID7_EBX_SMEP	(1u << 7)
#define CPUID7_EBX_SMAP	(1u << 20)

/*
 * Turn on the protections the CPU has: SMEP (no kernel execution of user
 * pages) and SMAP (no kernel access to user pages outside stac/clac).
 * -cpu max has both; the default qemu64 has neither.
 */
void cpu_init(void)
{
	uint32_t r[4];
	uint64_t cr4 = read_cr4();

	cpuid(0, 0, r);
	if (r[0] >= 7) {
		cpuid(7, 0, r);
		if (r[1] & CPUID7_EBX_SMEP)
			cr4 |= CR4_SMEP;
		if (r[1] & CPUID7_EBX_SMAP)
			cr4 |= CR4_SMAP;
	}
	write_cr4(cr4);
}

uint64_t arch_counter(void)
{
	return rdtsc();
}

unsigned long arch_irq_save(void)
{
	unsigned long flags;

	__asm__ volatile("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
	return flags & RFLAGS_IF;
}

void arch_irq_restore(unsigned long flags)
{
	if (flags & RFLAGS_IF)
		__asm__ volatile("sti" : : : "memory");
}

void arch_irq_enable(void)
{
	__asm__ volatile("sti" : : : "memory");
}

/* sti takes effect after the next instruction, so no interrupt is lost before hlt. */
void arch_wait_for_interrupt(void)
{
	__asm__ volatile("sti; hlt" : : : "memory");
}

/* The GS base points at the CPU's struct cpu, whose first field points at itself. */
void arch_cpu_set(struct cpu *cpu)
{
	wrmsr(MSR_GS_BASE, (uint64_t)cpu);
}

struct cpu *arch_this_cpu(void)
{
	struct cpu *cpu;

	__asm__ volatile("movq %%gs:0, %0" : "=r"(cpu));
	return cpu;
}

/* Our own frame holds the caller's frame pointer at 0(%rbp). */
uintptr_t arch_frame_pointer(void)
{
	return *(uintptr_t *)__builtin_frame_address(0);
}
