/*
 * What the files of arch/x86 call in each other (the core sees only arch.h).
 * Grouped by the file that defines them.
 */
#pragma once

#include <boot.h>
#include <cpu.h>
#include <arch/this_cpu.h>
#include <arch/trap.h>

/* start.c: called by boot.S with %ebx of the PVH entry. */
__noreturn void x86_start(uint32_t start_info);

/* uart.c */
void uart_init(void);

/* cpu.c */
void cpu_init(void);

struct cpu;

/* cpu.c: per-CPU data behind the GS base (whose first word is the struct cpu *). */
struct x86_cpu {
	struct cpu *cpu;	/* first: arch_this_cpu() is one mov %gs:0 */
	uint64_t kstack_top;	/* the running thread's; syscall_entry switches to it */
	uint64_t user_rsp;	/* syscall_entry's scratch */
};
extern struct x86_cpu x86_cpus[];

/* This CPU's block (arch_this_cpu: one gs-relative load). */
static inline struct x86_cpu *x86_this_cpu(void)
{
	return &x86_cpus[arch_this_cpu()->id];
}

extern uint32_t fpu_mxcsr_mask;	/* MXCSR bits FXRSTOR accepts */

/*
 * gdt.c: the GDT and the TSS whose IST stacks catch #DF, NMI and #MC.
 * The user segments sit where syscall/sysret want them (MSR_STAR): user
 * data at STAR base + 8, 64-bit user code at STAR base + 16.
 */
#define GDT_KERNEL_CODE	0x08
#define GDT_KERNEL_DATA	0x10
#define GDT_TSS		0x18	/* two slots: 0x18 and 0x20 */
#define GDT_USER_DATA	0x28
#define GDT_USER_CODE	0x30
#define GDT_SYSRET_BASE	0x20	/* STAR[63:48]: sysret adds 8 (ss) and 16 (cs) */
#define USER_DS		(GDT_USER_DATA | 3)
#define USER_CS		(GDT_USER_CODE | 3)
#define IST_DOUBLE_FAULT	1
#define IST_NMI			2
#define IST_MACHINE_CHECK	3
void gdt_init(void);
/* The stack the CPU switches to on an interrupt from user mode (TSS.rsp0). */
void gdt_set_kernel_stack(uintptr_t top);

/* trap.c */
#define X86_KIND_MAX	64	/* buffer for x86_exception_kind */
const char *x86_exception_kind(const struct trap_frame *tf, char *buf, size_t size);
struct fault_info;
void x86_page_fault_describe(const struct fault_info *f, char *buf, size_t size);
vaddr_t x86_fault_address(const struct trap_frame *tf);

/*
 * user.c: the C halves of the entries from user mode. Each takes the
 * kernel lock, does its work, and ends in x86_user_exit, which calls
 * sched_exit_to_user() and drops the lock; vectors.S then returns with
 * sysret or iretq (user_return).
 */
void x86_syscall(struct trap_frame *tf);
void x86_user_trap(struct trap_frame *tf);
void x86_user_exit(struct trap_frame *tf);

/* vectors.S */
extern char syscall_entry[], thread_first_entry[];

/* mmu.c */
void mmu_init(void);

/* pic.c */
void pic_disable(void);

/* pit.c: the TSC frequency, measured against the PIT by tsc_calibrate(). */
extern uint64_t tsc_hz;
void tsc_calibrate(void);

/* lapic.c */
paddr_t lapic_base(void);
uint32_t lapic_id(void);
void lapic_eoi(void);

/* ioapic.c: q35's one IOAPIC; lines 0..IRQ_LINES-1 are its GSIs. */
#define IOAPIC_BASE	0xfec00000ul
void ioapic_init(void);
int ioapic_line_setup(unsigned line);
void ioapic_line_mask(unsigned line);
void ioapic_line_unmask(unsigned line);

/* msix.c: MSI-X vectors k = 0..MSIX_VECTORS-1 (lines MSIX_LINE_BASE + k). */
int msix_vectors_alloc(unsigned *n, volatile uint32_t *table);	/* first k, or -ENOSPC */
int msix_setup(unsigned k);
void msix_mask(unsigned k);
void msix_unmask(unsigned k);

/* irqline.c: an interrupt on an IOAPIC or MSI-X vector, to the core. */
bool x86_irq_vector(uint64_t vector);
void x86_irq_dispatch(unsigned vector);

/* pvh.c: the PVH start_info into boot_params. */
void pvh_parse(uint32_t start_info_pa, struct boot_params *bp);

/*
 * pci.c: ECAM from ACPI MCFG (pci_acpi_probe, from pvh_parse on the boot
 * page tables) or the q35 default; pci_map_ecam maps it uncached
 * (arch_map_devices). arch_devices() scans it.
 */
void pci_acpi_probe(paddr_t rsdp_pa);
void pci_map_ecam(paddr_t root);

/* linker script: the image, physical start and virtual ends of its parts. */
extern char __kernel_start_pa[], __kernel_end[];
extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __data_end[];
