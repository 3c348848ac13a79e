/*
 * CPU features, the FPU, the syscall MSRs, interrupt masking, the TSC,
 * per-CPU data.
 */
#include <arch.h>
#include <cpu.h>
#include <arch/setup.h>
#include <arch/x86.h>

#define CPUID7_EBX_SMEP	(1u << 7)
#define CPUID7_EBX_SMAP	(1u << 20)

#define FXSAVE_MXCSR_MASK	28	/* byte offset in the FXSAVE image */
#define MXCSR_MASK_DEFAULT	0xffbfu	/* if the CPU reports 0 there */

/*
 * syscall clears these: interrupts stay masked in the kernel, string
 * instructions go up, no single-stepping, no SMAP override, and no NT
 * (with NT set, the kernel's iretq would fault).
 */
#define SYSCALL_FMASK	(RFLAGS_IF | RFLAGS_DF | RFLAGS_TF | RFLAGS_AC | RFLAGS_NT)

uint32_t fpu_mxcsr_mask;

struct x86_cpu x86_cpus[CPUS_MAX];

/*
 * Turn on the protections the CPU has: SMEP (no kernel execution of user
 * pages) and SMAP (no kernel access to user pages outside stac/clac).
 * -cpu max has both; the default qemu64 has neither. CR4.TSD stays clear:
 * user code may read the TSC (benchmarks do). CR4.FSGSBASE stays clear
 * too: the TLS base changes only through thread_write_regs.
 */
static void protection_init(void)
{
	uint32_t r[4];
	uint64_t cr4 = read_cr4() & ~CR4_TSD;

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

/*
 * x87 and SSE for user code (the kernel itself is built without them):
 * no emulation, WAIT honours TS, native x87 error reporting, FXSAVE and
 * SSE exceptions enabled. AVX stays off (no XSAVE): the user FP state is
 * the 512-byte FXSAVE image. Also learn which MXCSR bits FXRSTOR
 * accepts, to check images written by thread_write_regs.
 */
static void fpu_init(void)
{
	static uint8_t image[512] __aligned(16);
	uint32_t mask;

	/* AM: user code that sets EFLAGS.AC gets #AC for misaligned accesses */
	write_cr0((read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE | CR0_AM);
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	__asm__ volatile("fninit; fxsaveq %0" : "=m"(image));
	mask = *(uint32_t *)&image[FXSAVE_MXCSR_MASK];
	fpu_mxcsr_mask = mask ? mask : MXCSR_MASK_DEFAULT;
}

/*
 * syscall enters at syscall_entry with CS = GDT_KERNEL_CODE, SS = +8;
 * sysretq returns with SS = GDT_SYSRET_BASE + 8 and CS = + 16 (RPL 3).
 */
static void syscall_init(void)
{
	wrmsr(MSR_STAR, (uint64_t)GDT_SYSRET_BASE << 48 | (uint64_t)GDT_KERNEL_CODE << 32);
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	wrmsr(MSR_FMASK, SYSCALL_FMASK);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}

void cpu_init(void)
{
	protection_init();
	fpu_init();
	syscall_init();
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

/*
 * The GS base points at the CPU's struct x86_cpu, whose first field
 * points at its struct cpu. In the kernel GS_BASE holds it and
 * KERNEL_GS_BASE the user's GS base (0); every entry from user mode and
 * every return to it swaps the two (swapgs).
 */
void arch_cpu_set(struct cpu *cpu)
{
	struct x86_cpu *xc = &x86_cpus[cpu->id];

	xc->cpu = cpu;
	xc->kstack_top = cpu->kstack_top;
	wrmsr(MSR_GS_BASE, (uint64_t)xc);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
}



/* Our own frame holds the caller's frame pointer at 0(%rbp). */
uintptr_t arch_frame_pointer(void)
{
	return *(uintptr_t *)__builtin_frame_address(0);
}

_Static_assert(__builtin_offsetof(struct x86_cpu, kstack_top) == X86_CPU_KSTACK_TOP,
	       "X86_CPU_KSTACK_TOP");
_Static_assert(__builtin_offsetof(struct x86_cpu, user_rsp) == X86_CPU_USER_RSP,
	       "X86_CPU_USER_RSP");
