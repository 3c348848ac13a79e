/*
 * THE boundary between the portable core and an architecture.
 *
 * The core (kernel/) calls only the functions declared here; arch/x86 and
 * arch/aarch64 each implement all of them. Porting Faultline means
 * implementing this header and nothing else.
 */
#pragma once

#include <types.h>

struct trap_frame;	/* arch-defined register save area */
struct cpu;

/* ---- console and power ------------------------------------------------ */

/* Write one byte to the boot serial console (16550 / PL011), polling. */
void arch_console_putc(int c);

/*
 * Leave QEMU with the given guest status (0..63).
 * x86: isa-debug-exit, QEMU exits (2 * (status + 1)) + 1.
 * AArch64: semihosting SYS_EXIT, QEMU exits status.
 */
__noreturn void arch_poweroff(int status);

/* ---- CPU -------------------------------------------------------------- */

/* The cycle counter (TSC / PMCCNTR_EL0): one tick per instruction under icount. */
uint64_t arch_counter(void);

/* Interrupt masking on this CPU; arch_irq_save returns the previous state. */
unsigned long arch_irq_save(void);
void arch_irq_restore(unsigned long flags);
void arch_irq_enable(void);
/* Wait for an interrupt with interrupts enabled (hlt / wfi). */
void arch_wait_for_interrupt(void);

/*
 * This CPU's per-CPU block (GS base / TPIDR_EL1): static inline struct
 * cpu *arch_this_cpu(void), one instruction, from the arch's header.
 */
#include <arch/this_cpu.h>
/* Install the per-CPU block for the calling CPU. */
void arch_cpu_set(struct cpu *cpu);

/* Frame pointer of the caller, for backtraces. */
uintptr_t arch_frame_pointer(void);

/* Switch to a new stack and call fn(arg) there; fn must not return. */
__noreturn void arch_stack_switch(uintptr_t stack_top, void (*fn)(void *), void *arg);

/* ---- traps, interrupts, timer ---------------------------------------- */

/* Install exception vectors (IDT with IST stacks / VBAR_EL1). */
void arch_trap_init(void);

/* Start the periodic timer at hz ticks per second; each tick calls timer_tick(). */
void arch_timer_init(unsigned hz);

/* Print the saved registers of a trap frame, one "name=value" group per line. */
void arch_dump_regs(const struct trap_frame *tf);

/* ---- page tables ------------------------------------------------------ */
/*
 * Both architectures use four levels of 512 eight-byte entries; the walker
 * in kernel/mm/pt.c is generic. Level 3 is the root, level 0 maps 4 KiB
 * pages, level 1 may map 2 MiB blocks. The arch encodes the entries.
 */
typedef uint64_t pte_t;

#define PG_READ		0x01u
#define PG_WRITE	0x02u
#define PG_EXEC		0x04u
#define PG_USER		0x08u
#define PG_DEVICE	0x10u	/* device memory: uncached, no speculation */
#define PG_GLOBAL	0x20u	/* not flushed on address-space switch */
#define PG_ACCESSED	0x40u	/* arch_pte_flags: used since last cleared */
#define PG_DIRTY	0x80u	/* arch_pte_flags: written since last cleared */
/*
 * Software only, in a bit the walker ignores: the leaf was made from a
 * frame handle with FL_RIGHT_WRITE (or is the root task's own writable
 * memory), so a pager may give write back (FL_FAULT_ALLOW) after protect
 * took it. Set by umap_map only; split, protect and map_copy keep it.
 */
#define PG_MAYWRITE	0x100u

pte_t arch_pte_table(paddr_t table);		/* entry pointing at a next-level table */
/*
 * A leaf mapping pa with pg (PG_READ/WRITE/EXEC/USER/DEVICE/GLOBAL/MAYWRITE). It
 * starts accessed, and dirty if writable: the bits matter only after a
 * query cleared them. A leaf is pa ORed with bits that depend on nothing
 * but its flags and level, so e ^ arch_pte_addr(e) names e's attributes
 * (map_copy works out a run's entries once per distinct attributes).
 */
pte_t arch_pte_leaf(paddr_t pa, unsigned pg, unsigned level);
/*
 * arch_pte_valid(pte), arch_pte_addr(pte) and arch_pte_leaf_at(pte, level)
 * (a page or block, not a table), inline: asked for every page
 */
#include <arch/pte.h>
unsigned arch_pte_flags(pte_t pte);		/* PG_* of a leaf, with ACCESSED/DIRTY/MAYWRITE */

/*
 * Accessed and dirty. clear_ad returns pte with both cleared; set_ad with
 * accessed set, and dirty too if write. The caller stores the entry and
 * flushes the TLB. Where the CPU does not manage the bits (ARMv8.0), the
 * arch emulates them: a cleared entry traps the next access (or write)
 * and the arch's user fault path sets the bits itself, never bothering
 * the core (it finds the entry with pt_leaf()).
 */
pte_t arch_pte_clear_ad(pte_t pte);
pte_t arch_pte_set_ad(pte_t pte, bool write);

/*
 * Store an entry. AArch64 requires break-before-make when a valid entry is
 * replaced; callers clear the entry and flush the TLB before writing a new
 * valid one, and this function orders the store before later table walks.
 */
void arch_pte_store(pte_t *slot, pte_t pte);

void arch_tlb_flush_page(vaddr_t va);
void arch_tlb_flush_all(void);

/*
 * Make instruction fetches see what was written to [pa, pa + len) through
 * the direct map (by a copy or by DMA) before it is mapped executable.
 * AArch64: clean the data cache to the point of unification and
 * invalidate the instruction cache; x86: nothing (coherent). QEMU models
 * no caches, so this is reviewed, not tested.
 */
void arch_sync_icache(paddr_t pa, size_t len);

/*
 * Zero one page, copy one page (to a distinct page, or onto itself), at
 * kernel addresses, the way the CPU does it fastest: x86 rep stosq /
 * rep movsq, AArch64 dc zva and ldp/stp. Under QEMU icount these are
 * also the shortest paths: 512 counted instructions for x86's rep (one
 * per iteration), about 257 for dc zva, against ~770 for a C loop.
 */
void arch_zero_page(void *kva);
void arch_copy_page(void *dst, const void *src);

/* Root table of the kernel's address space and switching to a new one. */
paddr_t arch_pt_root(void);
void arch_pt_activate(paddr_t root);

/* Virtual (link) addresses of the kernel image's sections, from the linker script. */
struct kernel_sections {
	vaddr_t text_start, text_end;		/* RX */
	vaddr_t rodata_start, rodata_end;	/* R */
	vaddr_t data_start, data_end;		/* RW: .data, .bss, boot stacks */
};
void arch_kernel_sections(struct kernel_sections *ks);

/*
 * Map device ranges the arch needs (UART, interrupt controller) into the
 * new kernel table before it is activated.
 */
void arch_map_devices(paddr_t root);

/* ---- threads, user mode, system calls (Kernel I) -------------------- */
/*
 * Each arch defines in <arch/thread.h>:
 *   struct arch_thread   embedded in struct thread: the saved kernel
 *                        context (stack pointer, callee-saved registers),
 *                        the user FP/SIMD state and the TLS base.
 *   struct trap_frame    the user registers saved at kernel entry, at the
 *                        top of the thread's kernel stack.
 * and in abi/arch/<arch>/include/faultline/regs.h (shared with user space) the
 * register-set layouts struct fl_regs_general / fl_regs_fp.
 */
struct thread;

/*
 * Prepare a new thread's kernel stack (top at kstack_top) so that the first
 * arch_context_switch to it returns to user mode at pc with stack sp, the
 * first argument register = arg, every other register zero, FP state
 * zeroed, TLS base 0.
 */
void arch_thread_init(struct thread *t, uintptr_t kstack_top,
		      uintptr_t pc, uintptr_t sp, uintptr_t arg);

/*
 * Save the running thread's kernel context (and its FP/SIMD state and TLS
 * base: eager switching) into prev and resume next where it left off.
 * Also switches the user address space: arch_pt_activate_user(next's task).
 * Returns when someone switches back to prev.
 */
void arch_context_switch(struct thread *prev, struct thread *next);

/*
 * The IPC fastpath's switch: as arch_context_switch, but next resumes in
 * user mode straight from the trap frame at the top of its kernel stack,
 * and whatever else that stack held is dropped. Only for a thread blocked
 * in a system call whose results are already in its frame. The kernel
 * lock is released once next's state is in place, as next leaves the
 * kernel; prev, when switched back to by arch_context_switch, returns
 * from here with the lock held as usual.
 */
void arch_switch_to_user(struct thread *prev, struct thread *next);

/*
 * Inside a system call of the current thread t: the values of the
 * registers returned besides the result, written into its saved user
 * frame (x86_64 rdi rsi rdx r10 r8 r9; AArch64 x1..x6). IPC uses them for
 * badge, tag and message words.
 */
void arch_syscall_set_extra(struct thread *t, const unsigned long w[6]);

/* The result register (rax / x0) of t's system call, in its saved frame. */
void arch_syscall_set_result(struct thread *t, long r);
/* Both at once, for the IPC fastpath: result r, then badge, tag and w[0..3] as the extra registers. */
void arch_syscall_set_message(struct thread *t, long r, uint64_t badge, uint64_t tag,
			      const uint64_t w[4]);

/* Install a user page table (CR3 / TTBR0_EL1). */
void arch_pt_activate_user(paddr_t root);
/* Make a new user root table usable: x86 copies the kernel half into it. */
void arch_pt_init_user(paddr_t root);

/* Is va a valid user address (canonical, below the kernel half)? */
bool arch_user_addr_ok(vaddr_t va, size_t len);

/*
 * Register sets of a thread that is not running (suspended or blocked):
 * copy to or from a kernel buffer of len bytes. -EINVAL for an unknown set
 * or a wrong len; writes are checked (e.g. x86 pc must be canonical, flags
 * are masked to the user-settable bits) and -EINVAL if bad.
 */
int arch_regs_get(struct thread *t, unsigned set, void *buf, size_t len);
int arch_regs_set(struct thread *t, unsigned set, const void *buf, size_t len);

/*
 * The arch's entry code calls the core:
 *   long syscall_dispatch(nr, args[6]) for a system call (then returns its
 *     result in the user's result register);
 *   void user_fault(const struct fault_info *) for an exception taken in
 *     user mode (page fault, undefined instruction, ...); it may return,
 *     when the fault handler resumes the thread;
 *   timer_tick() for the timer.
 * Before every return to user mode the arch calls sched_exit_to_user(),
 * which may switch threads.
 */

/* ---- interrupt lines for user drivers (Kernel II) -------------------- */
/*
 * A line is the number the interrupt controller knows: an IOAPIC GSI on
 * x86_64 (the ISA IRQ for legacy devices: COM1 is 4), a GIC INTID on
 * AArch64 (SPIs from 32: the PL011 is 33). x86_64 numbers the MSI-X
 * vectors it gave PCI functions after the GSIs (arch_devices lists
 * them; they are edge-triggered, and an entry masked while its device
 * signals keeps the message pending until unmask). The arch's interrupt dispatch
 * calls the core's irq_deliver(line) for a line it enabled, masked until
 * the driver acknowledges (level-triggered lines work: the device keeps
 * the line up until the driver has served it).
 */

/* Route line to this CPU, masked. 0, or -ENODEV if there is no such line. */
int arch_irq_line_setup(unsigned line);
void arch_irq_line_mask(unsigned line);
void arch_irq_line_unmask(unsigned line);

/*
 * The console UART a user driver may take over (boot info lists it):
 * its interrupt line, and its registers as an I/O port base (x86_64,
 * io_base != 0) or a physical MMIO page (AArch64, mmio_base != 0).
 */
struct arch_console_device {
	unsigned line;
	unsigned io_base, io_size;
	paddr_t mmio_base;
	size_t mmio_size;
};
void arch_console_device(struct arch_console_device *d);

/* x86_64 port I/O for user drivers (other arches: never called). */
uint32_t arch_port_in(unsigned port, unsigned width);
void arch_port_out(unsigned port, unsigned width, uint32_t value);

/*
 * Hidden costs, counted for the benchmarks (kernel/include/kstat.h): the
 * arch adds to kstat.as_switches on every user page-table switch and to
 * kstat.tlb_flushes on every TLB invalidation it issues, including those
 * of arch_tlb_flush_* and of a switch that flushes.
 */

/* ---- devices (Kernel III) ------------------------------------------- */

/* A device the arch found at boot, for the root task (the boot info lists it). */
struct arch_device {
	char name[24];			/* "pci 00:03.0", "virtio-mmio@a003e00" */
	uint32_t vendor, device;	/* PCI ids; virtio-mmio: VendorID and DeviceID registers */
	uint32_t class_code;		/* PCI class/subclass/prog-if (0 for virtio-mmio) */
	uint32_t irq_line;		/* its first line for arch_irq_line_setup, or ~0u if none */
	unsigned nirq;			/* lines irq_line .. irq_line + nirq - 1 (PCI: MSI-X) */
	paddr_t config;			/* its configuration space page (PCI), or 0 */
	unsigned nmmio;
	struct {
		paddr_t base;
		uint64_t size;
	} mmio[6];			/* memory BARs / mmio regions, page-rounded */
};

/* Fill up to max devices; returns how many. Called once, after arch_trap_init. */
int arch_devices(struct arch_device *out, int max);

