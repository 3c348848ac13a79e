/*
 * Exceptions: the C side of vectors.S. Kernel-mode synchronous exceptions
 * are decoded from ESR_EL1 and reported through panic_trap(); IRQs go to
 * the GIC. Exceptions from EL0 go to trap_el0() (user.c), which uses
 * trap_user_kind() below to name a user exception.
 */
#include <arch.h>
#include <arch/mmu.h>
#include <arch/platform.h>
#include <arch/sysreg.h>
#include <arch/trapframe.h>
#include <cpu.h>
#include <kernel.h>
#include <memlayout.h>
#include <mm/kmap.h>

_Static_assert(1ul << KSTACK_SHIFT == KSTACK_SIZE, "vectors.S stack bit");
_Static_assert((int64_t)KSTACK_AREA_BASE >> 30 == KSTACK_AREA_TAG &&
	       KSTACK_AREA_SIZE == 1ul << 30, "vectors.S stack area test");
_Static_assert(__builtin_offsetof(struct cpu, id) == CPU_ID_OFFSET, "vectors.S cpu id");

/* Per-CPU stacks for exceptions taken when the kernel stack is exhausted. */
uint8_t emergency_stacks[CPUS_MAX][1ul << EMERGENCY_STACK_SHIFT] __aligned(16);

extern char vectors[];

static const char *const vector_names[VEC_COUNT] = {
	"EL1t sync", "EL1t irq", "EL1t fiq", "EL1t serror",
	"EL1h sync", "EL1h irq", "EL1h fiq", "EL1h serror",
	"EL0 sync", "EL0 irq", "EL0 fiq", "EL0 serror",
	"EL0 (AArch32) sync", "EL0 (AArch32) irq", "EL0 (AArch32) fiq", "EL0 (AArch32) serror",
};

void arch_trap_init(void)
{
	write_sysreg(vbar_el1, vectors);
	isb();
	mmu_user_init();
	cpu_user_init();
	irqchip_init();
	__asm__ volatile("msr daifclr, #4" : : : "memory");	/* SErrors are reported */
}

static const char *fault_status(uint64_t iss)
{
	switch (iss & 0x3c) {
	case 0x04: return "translation fault";
	case 0x08: return "access flag fault";
	case 0x0c: return "permission fault";
	}
	if ((iss & 0x3f) == 0x10)
		return "external abort";
	if ((iss & 0x3f) == 0x21)
		return "alignment fault";
	if ((iss & 0x3f) == 0x00)
		return "address size fault";
	return "fault";
}

/* A description of the exception and whether FAR_EL1 holds its address. */
static const char *describe(const struct trap_frame *tf, bool *far_valid)
{
	static char kind[96];
	uint64_t iss = ESR_ISS(tf->esr);
	unsigned level = iss & 3;

	*far_valid = false;
	switch (ESR_EC(tf->esr)) {
	case EC_DABT_CUR:
		*far_valid = !(iss & (1u << 10));	/* FnV */
		ksnprintf(kind, sizeof(kind), "data abort (%s, %s, lookup level %u)",
			  iss & (1u << 6) ? "write" : "read", fault_status(iss), level);
		return kind;
	case EC_IABT_CUR:
		*far_valid = !(iss & (1u << 10));
		ksnprintf(kind, sizeof(kind), "instruction abort (%s, lookup level %u)",
			  fault_status(iss), level);
		return kind;
	case EC_PC_ALIGN:
		*far_valid = true;
		return "pc alignment fault";
	case EC_SP_ALIGN:
		return "sp alignment fault";
	case EC_UNKNOWN:
		return "undefined instruction";
	case EC_ILLEGAL:
		return "illegal execution state";
	case EC_FP_ACCESS:
		return "FP/SIMD access trap";
	case EC_SYSREG:
		return "trapped system register access";
	case EC_SVC64:
		return "svc in kernel mode";
	case EC_BRK64:
		return "brk (breakpoint)";
	case EC_SERROR:
		return "SError";
	}
	ksnprintf(kind, sizeof(kind), "exception class %#lx",
		  (unsigned long)ESR_EC(tf->esr));
	return kind;
}

static __noreturn void kernel_sync(struct trap_frame *tf)
{
	bool far_valid;
	const char *kind;

	if (ESR_EC(tf->esr) == EC_UNKNOWN)
		power_semihosting_trapped();	/* returns only if not powering off */
	kind = describe(tf, &far_valid);
	panic_trap(kind, far_valid ? tf->far : 0, tf->elr, tf->x[29], tf);
}

__noreturn void trap_unexpected(struct trap_frame *tf, unsigned long vector)
{
	static char kind[64];

	ksnprintf(kind, sizeof(kind), "unexpected %s exception",
		  vector < VEC_COUNT ? vector_names[vector] : "?");
	panic_trap(kind, tf->far, tf->elr, tf->x[29], tf);
}

void trap_entry(struct trap_frame *tf, unsigned long vector);

/*
 * Exceptions taken at EL1. Interrupts are unmasked in the kernel only in
 * the idle loop, which has dropped the kernel lock, and in boot-time
 * self-tests, which wait for ticks holding it: take the lock unless this
 * CPU holds it already.
 */
void trap_entry(struct trap_frame *tf, unsigned long vector)
{
	if (vector == VEC_EL1H_IRQ) {
		bool lock = !kernel_lock_held();

		if (lock)
			kernel_lock();
		irqchip_handle();
		if (lock)
			kernel_unlock();
		return;
	}
	if (vector == VEC_EL1H_SYNC)
		kernel_sync(tf);
	trap_unexpected(tf, vector);
}

/* "translation", "permission", ... for the data/instruction fault status code. */
static const char *user_fault_status(uint64_t iss)
{
	switch (iss & 0x3c) {
	case 0x04: return "translation";
	case 0x08: return "access flag";
	case 0x0c: return "permission";
	}
	if ((iss & 0x3f) == 0x21)
		return "alignment";
	if ((iss & 0x3f) == 0x00)
		return "address size";
	if ((iss & 0x3f) == 0x10)
		return "external abort";
	return "other";
}

/*
 * Name a synchronous exception taken at EL0 (not an svc) and the address
 * it concerns: the fault address for aborts and alignment faults, the
 * stack pointer for an sp alignment fault, else the pc.
 */
const char *trap_user_kind(const struct trap_frame *tf, uintptr_t *addr)
{
	static char kind[80];
	uint64_t iss = ESR_ISS(tf->esr);

	*addr = tf->elr;
	switch (ESR_EC(tf->esr)) {
	case EC_DABT_LOW:
		if (!(iss & ISS_FNV))
			*addr = tf->far;
		if ((iss & 0x3f) == 0x21)	/* exclusive, atomic or device access */
			ksnprintf(kind, sizeof(kind), "alignment fault (%s)",
				  iss & ISS_WNR ? "write" : "read");
		else
			ksnprintf(kind, sizeof(kind), "page fault (%s, %s)",
				  iss & ISS_WNR ? "write" : "read", user_fault_status(iss));
		return kind;
	case EC_IABT_LOW:
		if (!(iss & ISS_FNV))
			*addr = tf->far;
		ksnprintf(kind, sizeof(kind), "page fault (exec, %s)", user_fault_status(iss));
		return kind;
	case EC_PC_ALIGN:
		*addr = tf->far;
		return "pc alignment fault";
	case EC_SP_ALIGN:
		*addr = tf->sp;
		return "sp alignment fault";
	case EC_UNKNOWN:
		return "undefined instruction";
	case EC_ILLEGAL:
		return "illegal execution state";
	case EC_BRK64:
		ksnprintf(kind, sizeof(kind), "breakpoint (brk #%#lx)",
			  (unsigned long)(iss & 0xffff));
		return kind;
	case EC_FP_EXC64:
		ksnprintf(kind, sizeof(kind), "floating-point exception (%s%s%s%s%s%s)",
			  iss & (1u << 0) ? " invalid" : "", iss & (1u << 1) ? " divide-by-zero" : "",
			  iss & (1u << 2) ? " overflow" : "", iss & (1u << 3) ? " underflow" : "",
			  iss & (1u << 4) ? " inexact" : "", iss & (1u << 7) ? " denormal" : "");
		return kind;
	case EC_FP_ACCESS:
		return "FP/SIMD access trap";
	case EC_SYSREG:
		return "trapped system register access";
	case EC_SVC64:
		return "svc";	/* not reached: trap_el0 handles system calls */
	}
	ksnprintf(kind, sizeof(kind), "exception class %#lx", (unsigned long)ESR_EC(tf->esr));
	return kind;
}

__noreturn void trap_overflow(struct trap_frame *tf, unsigned long vector);

/*
 * The stack ran into (or nearly into) its guard: we are on the emergency
 * stack. The report's address is FAR_EL1 for a data abort in the guard,
 * else the lowest address the handler would have needed.
 */
__noreturn void trap_overflow(struct trap_frame *tf, unsigned long vector)
{
	bool far_valid = false;
	const char *kind = vector == VEC_EL1H_SYNC ? describe(tf, &far_valid)
						   : vector_names[vector];
	vaddr_t addr = tf->sp - TF_SIZE - TRAP_HEADROOM;

	if (far_valid && kstack_is_guard(tf->far))
		addr = tf->far;
	panic_trap(kind, addr, tf->elr, tf->x[29], tf);
}

void arch_dump_regs(const struct trap_frame *tf)
{
	for (int i = 0; i < 30; i += 3)
		kprintf("  x%-2d=%016lx x%-2d=%016lx x%-2d=%016lx\n",
			i, (unsigned long)tf->x[i], i + 1, (unsigned long)tf->x[i + 1],
			i + 2, (unsigned long)tf->x[i + 2]);
	kprintf("  x30=%016lx sp =%016lx pc =%016lx\n",
		(unsigned long)tf->x[30], (unsigned long)tf->sp, (unsigned long)tf->elr);
	kprintf("  pstate=%08lx esr=%08lx far=%016lx\n",
		(unsigned long)tf->spsr, (unsigned long)tf->esr, (unsigned long)tf->far);
}
