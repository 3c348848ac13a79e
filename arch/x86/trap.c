/*
 * The IDT and trap dispatch. Traps from user mode go to x86_user_trap
 * (user.c). In kernel mode every exception is a kernel bug: it goes to
 * panic_trap(). The LAPIC timer ticks, the IOAPIC's lines and the MSI-X
 * vectors go to the core (irqline.c); spurious interrupts are ignored (they need no EOI).
 */
#include <arch.h>
#include <cpu.h>
#include <kernel.h>
#include <arch/setup.h>
#include <arch/trap.h>
#include <arch/x86.h>

#define GATE_INTERRUPT	0x8e	/* present, DPL 0, 64-bit interrupt gate: IF cleared */
#define GATE_USER	0x60	/* DPL 3: user code may raise it with int3 */

struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
} __packed;

struct idt_ptr {
	uint16_t limit;
	uint64_t base;
} __packed;

extern const uint64_t exception_vectors[VEC_EXCEPTIONS], timer_vector, spurious_vector,
	irq_vectors[IRQ_LINES], msix_vectors[MSIX_VECTORS];

static struct idt_gate idt[256];

static const char *const exception_names[VEC_EXCEPTIONS] = {
	[0] = "divide error",
	[1] = "debug",
	[2] = "NMI",
	[3] = "breakpoint",
	[4] = "overflow",
	[5] = "bound range exceeded",
	[6] = "invalid opcode",
	[7] = "device not available",
	[8] = "double fault",
	[9] = "coprocessor segment overrun",
	[10] = "invalid TSS",
	[11] = "segment not present",
	[12] = "stack-segment fault",
	[13] = "general protection",
	[14] = "page fault",
	[16] = "x87 floating-point error",
	[17] = "alignment check",
	[18] = "machine check",
	[19] = "SIMD floating-point error",
	[20] = "virtualization exception",
	[21] = "control protection",
	[28] = "hypervisor injection",
	[29] = "VMM communication",
	[30] = "security exception",
};

static void set_gate(unsigned vec, uint64_t handler, unsigned ist, unsigned dpl3)
{
	idt[vec] = (struct idt_gate){
		.offset_lo = handler & 0xffff,
		.selector = GDT_KERNEL_CODE,
		.ist = ist,
		.type = GATE_INTERRUPT | dpl3,
		.offset_mid = (handler >> 16) & 0xffff,
		.offset_hi = handler >> 32,
	};
}

/* Also called by x86_start, so that faults during early boot are reported. */
void arch_trap_init(void)
{
	struct idt_ptr p = { sizeof(idt) - 1, (uint64_t)idt };

	for (unsigned v = 0; v < VEC_EXCEPTIONS; v++)
		set_gate(v, exception_vectors[v], 0, 0);
	set_gate(VEC_NMI, exception_vectors[VEC_NMI], IST_NMI, 0);
	set_gate(VEC_BREAKPOINT, exception_vectors[VEC_BREAKPOINT], 0, GATE_USER);
	set_gate(VEC_DOUBLE_FAULT, exception_vectors[VEC_DOUBLE_FAULT], IST_DOUBLE_FAULT, 0);
	set_gate(VEC_MACHINE_CHECK, exception_vectors[VEC_MACHINE_CHECK], IST_MACHINE_CHECK, 0);
	set_gate(VEC_TIMER, timer_vector, 0, 0);
	for (unsigned line = 0; line < IRQ_LINES; line++)
		set_gate(VEC_IRQ_BASE + line, irq_vectors[line], 0, 0);
	for (unsigned k = 0; k < MSIX_VECTORS; k++)
		set_gate(VEC_MSIX_BASE + k, msix_vectors[k], 0, 0);
	set_gate(VEC_SPURIOUS, spurious_vector, 0, 0);
	__asm__ volatile("lidt %0" : : "m"(p));
}

/* "page fault (write, not present)" and the like, written into buf. */
static const char *page_fault_kind(uint64_t error, char *buf, size_t size)
{
	if (!buf)
		return "page fault";
	const char *access = error & PF_FETCH ? "exec" : error & PF_WRITE ? "write" : "read";
	const char *why = error & PF_RESERVED ? "reserved bit set" :
			  error & PF_PRESENT ? "protection" : "not present";

	ksnprintf(buf, size, "page fault (%s, %s%s)", access, why,
		  error & PF_USER ? ", user" : "");
	return buf;
}

/* struct fault_info's describe for a user page fault (syndrome: the error code). */
void x86_page_fault_describe(const struct fault_info *f, char *buf, size_t size)
{
	page_fault_kind(f->syndrome, buf, size);
}

/*
 * The name of an exception, for messages. Page faults are formatted into
 * buf (X86_KIND_MAX bytes suffice; with buf NULL just "page fault"), the
 * others are constant strings.
 */
const char *x86_exception_kind(const struct trap_frame *tf, char *buf, size_t size)
{
	if (tf->vector == VEC_PAGE_FAULT)
		return page_fault_kind(tf->error, buf, size);
	if (exception_names[tf->vector])
		return exception_names[tf->vector];
	return "reserved exception";
}

/*
 * The fault address: CR2 for page faults, and for a double fault too,
 * because the #PF that could not be delivered (a stack overflow) left
 * its address there.
 */
vaddr_t x86_fault_address(const struct trap_frame *tf)
{
	if (tf->vector == VEC_PAGE_FAULT || tf->vector == VEC_DOUBLE_FAULT)
		return tf->cr2;
	return 0;
}

/*
 * In kernel mode interrupts are enabled only by the idle loop, which has
 * dropped the kernel lock, and by boot-time self-tests, which hold it.
 * The timer and the interrupt lines (whose drivers' threads the idle loop
 * then runs) are handled the same way.
 */
static void kernel_interrupt(uint64_t vector)
{
	bool lock = !kernel_lock_held();

	if (lock)
		kernel_lock();
	if (vector == VEC_TIMER) {
		timer_tick();
		lapic_eoi();
	} else {
		x86_irq_dispatch(vector);
	}
	if (lock)
		kernel_unlock();
}

void trap(struct trap_frame *tf)
{
	if (tf->cs & 3) {
		x86_user_trap(tf);
		return;
	}
	if (tf->vector < VEC_EXCEPTIONS) {
		char kind[X86_KIND_MAX];

		panic_trap(x86_exception_kind(tf, kind, sizeof(kind)), x86_fault_address(tf),
			   tf->rip, tf->rbp, tf);
	}
	if (tf->vector == VEC_TIMER || x86_irq_vector(tf->vector)) {
		kernel_interrupt(tf->vector);
		return;
	}
	if (tf->vector == VEC_SPURIOUS)
		return;
	panic("trap: unexpected vector %lu", (unsigned long)tf->vector);
}

void arch_dump_regs(const struct trap_frame *tf)
{
	kprintf("  vector=%lu error=%#lx\n", (unsigned long)tf->vector, (unsigned long)tf->error);
	kprintf("  rax=%016lx rbx=%016lx rcx=%016lx rdx=%016lx\n",
		tf->rax, tf->rbx, tf->rcx, tf->rdx);
	kprintf("  rsi=%016lx rdi=%016lx rbp=%016lx rsp=%016lx\n",
		tf->rsi, tf->rdi, tf->rbp, tf->rsp);
	kprintf("  r8 =%016lx r9 =%016lx r10=%016lx r11=%016lx\n",
		tf->r8, tf->r9, tf->r10, tf->r11);
	kprintf("  r12=%016lx r13=%016lx r14=%016lx r15=%016lx\n",
		tf->r12, tf->r13, tf->r14, tf->r15);
	kprintf("  rip=%016lx rflags=%016lx cs=%#lx ss=%#lx\n",
		tf->rip, tf->rflags, tf->cs, tf->ss);
	kprintf("  cr2=%016lx cr3=%016lx\n", tf->cr2, tf->cr3);
}
