/*
 * Exceptions: the C side of vectors.S. Kernel-mode synchronous exceptions
 * are decoded from ESR_EL1 and reported through panic_trap(); IRQs go to
 * the GIC. Exceptions from EL0 go to trap_el0() (user.c), which uses
 * trap_user_fault() below to decode a user exception.
 */
#include <arch.h>
#include <arch/mmu.h>
#include <arch/platform.h>
#include <arch/sysreg.h>
#include <arch/trapframe.h>
#include <cpu.h>
#include <faultline/abi.h>
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
 * struct fault_info's describe for a user exception (syndrome: its ESR):
 * "page fault (write, translation)" and the like, only when a message
 * needs it.
 */
static void describe_user_fault(const struct fault_info *f, char *buf, size_t size)
{
	uint64_t iss = ESR_ISS(f->syndrome);
	unsigned ec = ESR_EC(f->syndrome);
	const char *rw = iss & ISS_WNR ? "write" : "read";

	switch (ec) {
	case EC_DABT_LOW:
	case EC_IABT_LOW:
		if (ec == EC_DABT_LOW && (iss & 0x3f) == 0x21)
			ksnprintf(buf, size, "alignment fault (%s)", rw);
		else
			ksnprintf(buf, size, "page fault (%s, %s)", ec == EC_IABT_LOW ? "exec" : rw,
				  user_fault_status(iss));
		return;
	case EC_BRK64:
		ksnprintf(buf, size, "breakpoint (brk #%#lx)", (unsigned long)(iss & 0xffff));
		return;
	case EC_WATCHPT_LOW:
		ksnprintf(buf, size, "watchpoint (%s)", rw);
		return;
	case EC_FP_EXC64:
		ksnprintf(buf, size, "floating-point exception (%s%s%s%s%s%s)",
			  iss & (1u << 0) ? " invalid" : "", iss & (1u << 1) ? " divide-by-zero" : "",
			  iss & (1u << 2) ? " overflow" : "", iss & (1u << 3) ? " underflow" : "",
			  iss & (1u << 4) ? " inexact" : "", iss & (1u << 7) ? " denormal" : "");
		return;
	}
	ksnprintf(buf, size, "exception class %#lx", (unsigned long)ec);
}

/*
 * Decode a synchronous exception taken at EL0 (not an svc or a trapped
 * wfi) into *f for user_fault(): kind and access (FL_FAULT_*, FL_ACCESS_*),
 * addr = FAR_EL1 for aborts (0 when FnV), the misaligned pc or sp for
 * alignment faults, the watched address for a watchpoint, else 0; pc =
 * ELR (the faulting instruction itself for everything decoded here); sp =
 * SP_EL0. The description is a constant, or (what NULL) describe_user_fault().
 */
void trap_user_fault(const struct trap_frame *tf, struct fault_info *f)
{
	uint64_t iss = ESR_ISS(tf->esr);
	unsigned ec = ESR_EC(tf->esr);
	unsigned fsc = iss & 0x3f;

	*f = (struct fault_info){
		.kind = FL_FAULT_OTHER, .pc = tf->elr, .sp = tf->sp,
		.describe = describe_user_fault, .syndrome = tf->esr,
	};
	switch (ec) {
	case EC_DABT_LOW:
	case EC_IABT_LOW:
		if (!(iss & ISS_FNV))
			f->addr = tf->far;
		if (ec == EC_DABT_LOW)
			f->access = iss & ISS_WNR ? FL_ACCESS_WRITE : FL_ACCESS_READ;
		else
			f->access = FL_ACCESS_EXEC;
		if (ec == EC_DABT_LOW && fsc == 0x21) {
			/* exclusive, atomic or device access (SCTLR_EL1.A = 0) */
			f->kind = FL_FAULT_ALIGNMENT;
			return;
		}
		f->kind = FL_FAULT_PAGE;
		if ((fsc & 0x3c) == 0x08 || (fsc & 0x3c) == 0x0c)	/* access flag, permission */
			f->access |= FL_ACCESS_PRESENT;
		return;
	case EC_PC_ALIGN:
		f->kind = FL_FAULT_ALIGNMENT;
		f->addr = tf->far;
		f->what = "pc alignment fault";
		return;
	case EC_SP_ALIGN:
		f->kind = FL_FAULT_ALIGNMENT;
		f->addr = tf->sp;
		f->what = "sp alignment fault";
		return;
	case EC_UNKNOWN:
		f->kind = FL_FAULT_UNDEFINED;
		f->what = "undefined instruction";
		return;
	case EC_ILLEGAL:
		f->kind = FL_FAULT_UNDEFINED;
		f->what = "illegal execution state";
		return;
	case EC_BRK64:
		f->kind = FL_FAULT_BREAKPOINT;
		return;
	case EC_BREAKPT_LOW:
		f->kind = FL_FAULT_BREAKPOINT;
		f->what = "hardware breakpoint";
		return;
	case EC_SSTEP_LOW:
		f->kind = FL_FAULT_BREAKPOINT;
		f->what = "single step";
		return;
	case EC_WATCHPT_LOW:
		f->kind = FL_FAULT_BREAKPOINT;
		f->access = iss & ISS_WNR ? FL_ACCESS_WRITE : FL_ACCESS_READ;
		f->addr = tf->far;
		return;
	case EC_FP_EXC64:
		f->kind = FL_FAULT_ARITHMETIC;
		return;
	case EC_SYSREG:
		f->kind = FL_FAULT_PROTECTION;
		f->what = "trapped system register access";
		return;
	case EC_FP_ACCESS:
		/* CPACR_EL1.FPEN = 0b11: cannot happen */
		f->what = "FP/SIMD access trap";
		return;
	}
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
