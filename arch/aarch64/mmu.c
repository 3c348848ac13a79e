/*
 * Page-table entries (VMSAv8-64, 4 KiB granule) for the generic walker,
 * TLB maintenance and the kernel's translation table base.
 *
 * arch.h levels: 3 = root (ARM level 0), 0 = 4 KiB pages (ARM level 3).
 * Leaves: pages at level 0 (bits[1:0] = 0b11), blocks at levels 1 and 2
 * (0b01). Tables above level 0 are 0b11. The kernel half (TTBR1) holds the
 * direct map, the stacks and the image; TTBR0 is left for user space.
 *
 * Accessed and dirty are emulated (ARMv8.0 has neither hardware AF nor
 * DBM): AF = 0 makes the next access an access flag fault; a writable
 * entry carries PTE_SW_WRITE and is AP read-only until PTE_SW_DIRTY is
 * set, so its first write is a permission fault. mmu_user_ad_fault()
 * fixes both in the EL0 fault path. Invariant: AP[2] (PTE_RDONLY) is
 * clear exactly when SW_WRITE and SW_DIRTY are both set.
 */
#include <arch.h>
#include <arch/mmu.h>
#include <arch/platform.h>
#include <arch/sysreg.h>
#include <cpu.h>
#include <errno.h>
#include <kernel.h>
#include <kstat.h>
#include <memlayout.h>
#include <mm/pt.h>
#include <string.h>
#include <arch/trapframe.h>
#include <sched.h>
#include <task.h>
#include <thread.h>

#define PTE_ATTR_MASK	(7ul << 2)
#define TTBR_ADDR_MASK	0x0000fffffffffffeul

extern char _kernel_start[], _text_end[], _rodata_end[], _data_start[], _kernel_end[];

pte_t arch_pte_table(paddr_t table)
{
	return (table & PTE_ADDR_MASK) | PTE_TABLE;
}

pte_t arch_pte_leaf(paddr_t pa, unsigned pg, unsigned level)
{
	pte_t pte = (pa & PTE_ADDR_MASK) | PTE_AF;

	pte |= level == 0 ? PTE_TABLE : PTE_BLOCK;
	if (pg & PG_DEVICE)
		pte |= PTE_ATTR(MAIR_DEVICE_IDX) | PTE_PXN | PTE_UXN;
	else
		pte |= PTE_ATTR(MAIR_NORMAL_IDX) | PTE_SH_INNER;
	/* accessed (AF above), and dirty if writable */
	if (pg & PG_WRITE)
		pte |= PTE_SW_WRITE | PTE_SW_DIRTY;
	else
		pte |= PTE_RDONLY;
	if (pg & PG_USER)
		pte |= PTE_USER;
	if (pg & PG_MAYWRITE)
		pte |= PTE_SW_MAYWRITE;
	/* the kernel never executes user pages, user code never kernel pages */
	if (!(pg & PG_EXEC) || (pg & PG_DEVICE))
		pte |= PTE_PXN | PTE_UXN;
	else if (pg & PG_USER)
		pte |= PTE_PXN;
	else
		pte |= PTE_UXN;
	if (!(pg & PG_GLOBAL))
		pte |= PTE_NG;
	return pte;
}

/* A clean writable entry is AP read-only, but PG_WRITE: SW_WRITE says so. */
unsigned arch_pte_flags(pte_t pte)
{
	unsigned pg = PG_READ;
	bool user = pte & PTE_USER;

	if ((pte & PTE_SW_WRITE) || !(pte & PTE_RDONLY))
		pg |= PG_WRITE;
	if (user)
		pg |= PG_USER;
	if (!(pte & (user ? PTE_UXN : PTE_PXN)))
		pg |= PG_EXEC;
	if ((pte & PTE_ATTR_MASK) == PTE_ATTR(MAIR_DEVICE_IDX))
		pg |= PG_DEVICE;
	if (!(pte & PTE_NG))
		pg |= PG_GLOBAL;
	if (pte & PTE_AF)
		pg |= PG_ACCESSED;
	if ((pte & PTE_SW_DIRTY) || !(pte & PTE_RDONLY))
		pg |= PG_DIRTY;
	if (pte & PTE_SW_MAYWRITE)
		pg |= PG_MAYWRITE;
	return pg;
}

/*
 * Only AF, AP[2] and software bits change: no break-before-make is needed
 * for that (the caller still flushes the TLB, as arch.h says).
 */
pte_t arch_pte_clear_ad(pte_t pte)
{
	return (pte & ~(PTE_AF | PTE_SW_DIRTY)) | PTE_RDONLY;
}

pte_t arch_pte_set_ad(pte_t pte, bool write)
{
	pte |= PTE_AF;
	if (write) {
		pte |= PTE_SW_DIRTY;
		if (pte & PTE_SW_WRITE)
			pte &= ~PTE_RDONLY;
	}
	return pte;
}

/*
 * The emulation, from the EL0 abort path before user_fault(); true if the
 * fault was the emulation's and the thread just retries the access. On a
 * present user leaf of the current task:
 *   - an access flag fault sets AF (and dirty too for a write the entry
 *     allows). If the access is not allowed even so (a write to a
 *     read-only page, an exec of an execute-never one), the retry is a
 *     permission fault that the core reports as it would without the
 *     emulation;
 *   - a permission fault of a write to a clean writable entry (SW_WRITE,
 *     AP read-only) makes it dirty and AP read-write;
 *   - a permission fault the entry no longer causes (another CPU set the
 *     bits first; this TLB held the old entry) is retried after the flush.
 * Everything else is false: the core reports it. The kernel lock is held,
 * so no one else changes entries meanwhile.
 */
bool mmu_user_ad_fault(const struct trap_frame *tf)
{
	uint64_t iss = ESR_ISS(tf->esr);
	unsigned ec = ESR_EC(tf->esr);
	struct thread *t = sched_current();
	bool exec = ec == EC_IABT_LOW, write;
	pte_t *slot, pte, fixed;

	if ((ec != EC_DABT_LOW && !exec) || (iss & ISS_FNV))
		return false;
	if (FSC_TYPE(iss) != FSC_ACCESS && FSC_TYPE(iss) != FSC_PERM)
		return false;
	if (!t->task || !arch_user_addr_ok(tf->far, 1))
		return false;
	slot = pt_leaf(t->task->pt, tf->far);
	if (!slot)
		return false;
	pte = *slot;
	if (!arch_pte_valid(pte) || !(pte & PTE_USER))
		return false;
	/*
	 * A write: WnR, except for cache maintenance (WnR = 1 but it needs only
	 * read permission). A data permission fault on a user entry can only
	 * be a write (EL0 may always read it), whatever WnR says of an atomic.
	 */
	write = !exec && !(iss & ISS_CM) &&
		((iss & ISS_WNR) || FSC_TYPE(iss) == FSC_PERM);
	if (FSC_TYPE(iss) == FSC_PERM &&
	    ((exec && (pte & PTE_UXN)) || (write && !(pte & PTE_SW_WRITE)) || (!exec && !write)))
		return false;	/* a real permission fault */
	fixed = arch_pte_set_ad(pte, write && (pte & PTE_SW_WRITE));
	if (fixed != pte)
		arch_pte_store(slot, fixed);	/* AF, AP[2], software bits: no BBM */
	arch_tlb_flush_page(tf->far);
	return true;
}

/*
 * Make instruction fetches coherent with data written through the direct
 * map: clean each D-cache line of the range to the point of unification
 * (dc cvau), then invalidate the I-cache lines (ic ivau; the whole I-cache,
 * ic ialluis, unless it is PIPT, as a VIPT one may hold the user alias).
 * CTR_EL0.IDC / DIC say either step is not needed. Broadcast (inner
 * shareable) for the CPUs that will run the code; the eret to EL0 (or the
 * isb here) synchronises the context.
 */
void arch_sync_icache(paddr_t pa, size_t len)
{
	uint64_t ctr = read_sysreg(ctr_el0);
	uintptr_t start = (uintptr_t)pa_to_kva(pa), end = start + len;

	if (len == 0)
		return;
	if (!(ctr & CTR_IDC)) {
		size_t line = 4ul << CTR_DMINLINE(ctr);

		for (uintptr_t a = ALIGN_DOWN(start, line); a < end; a += line)
			__asm__ volatile("dc cvau, %0" : : "r"(a) : "memory");
	}
	dsb(ish);
	if (!(ctr & CTR_DIC)) {
		if (CTR_L1IP(ctr) != 3) {
			__asm__ volatile("ic ialluis" : : : "memory");
		} else {
			size_t line = 4ul << CTR_IMINLINE(ctr);

			for (uintptr_t a = ALIGN_DOWN(start, line); a < end; a += line)
				__asm__ volatile("ic ivau, %0" : : "r"(a) : "memory");
		}
		dsb(ish);
	}
	isb();
}

/*
 * Break-before-make is the caller's duty (arch.h): a valid entry is only
 * ever replaced by 0, then flushed, then written anew. The barriers make
 * the store visible to the table walker before any later access or walk.
 */
void arch_pte_store(pte_t *slot, pte_t pte)
{
	*(volatile pte_t *)slot = pte;
	dsb(ishst);
	isb();
}

/* Every tlbi counts in kstat.tlb_flushes, every TTBR0 write in kstat.as_switches. */
void arch_tlb_flush_page(vaddr_t va)
{
	kstat.tlb_flushes++;
	dsb(ishst);
	/* the operand is VA[55:12]: for a TTBR1 address bits 55..48 are ones */
	__asm__ volatile("tlbi vaae1is, %0" : : "r"((va >> PAGE_SHIFT) & ((1ul << 44) - 1)) : "memory");
	dsb(ish);
	isb();
}

void arch_tlb_flush_all(void)
{
	kstat.tlb_flushes++;
	dsb(ishst);
	__asm__ volatile("tlbi vmalle1is" : : : "memory");
	dsb(ish);
	isb();
}

paddr_t arch_pt_root(void)
{
	return read_sysreg(ttbr1_el1) & TTBR_ADDR_MASK;
}

/*
 * Switch the kernel half to root. The old and new tables map the kernel
 * identically, so no code or data moves under us; the flush drops the
 * boot tables' 1 GiB block entries.
 */
void arch_pt_activate(paddr_t root)
{
	dsb(ishst);
	write_sysreg(ttbr1_el1, root);
	isb();
	kstat.tlb_flushes++;
	__asm__ volatile("tlbi vmalle1" : : : "memory");
	dsb(nsh);
	isb();
}

void arch_kernel_sections(struct kernel_sections *ks)
{
	ks->text_start = (vaddr_t)_kernel_start;
	ks->text_end = (vaddr_t)_text_end;
	ks->rodata_start = (vaddr_t)_text_end;
	ks->rodata_end = (vaddr_t)_rodata_end;
	ks->data_start = (vaddr_t)_data_start;
	ks->data_end = (vaddr_t)_kernel_end;
}

static void map_device(paddr_t root, paddr_t pa, uint64_t size)
{
	paddr_t base = ALIGN_DOWN(pa, PAGE_SIZE);
	int err;

	if (size == 0)
		return;
	size = ALIGN_UP(pa + size, PAGE_SIZE) - base;
	err = pt_map(root, (vaddr_t)pa_to_kva(base), base, size,
		     PG_READ | PG_WRITE | PG_DEVICE | PG_GLOBAL, NULL);
	if (err)
		boot_fail("mapping device %#lx+%#lx: %s", (unsigned long)base,
			  (unsigned long)size, errno_name(err));
}

void arch_map_devices(paddr_t root)
{
	map_device(root, platform.uart, PAGE_SIZE);
	map_device(root, platform.gicd, platform.gicd_size);
	map_device(root, platform.gicc, platform.gicc_size);
	map_device(root, platform.gicr, platform.gicr_size);
	devices_map(root);
}

/*
 * User address spaces (TTBR0_EL1). Every user table is installed with
 * ASID 0, and this CPU's ASID-0 TLB entries are dropped whenever a
 * different root is installed (tlbi aside1; the kernel half in TTBR1 is
 * global and stays). Switching to the idle thread installs an empty table
 * without a flush, so a user thread that blocks and resumes with nothing
 * else in between keeps its TLB entries. tlb_user_root[] remembers whose
 * entries this CPU may hold: a root freed while installed can only be
 * reused by a thread of another task, whose switch flushes first.
 * Per-task ASIDs (with a generation counter) would avoid the flushes
 * between tasks; they need a per-task arch field, so later.
 */
static pte_t empty_user_root[PAGE_SIZE / sizeof(pte_t)] __aligned(PAGE_SIZE);
static paddr_t tlb_user_root[CPUS_MAX];

/* Before the first user thread: TTBR0 walks on (TCR_EL1.EPD0 = 0), empty. */
void mmu_user_init(void)
{
	write_sysreg(ttbr0_el1, kva_to_pa(empty_user_root));
	isb();
	write_sysreg(tcr_el1, read_sysreg(tcr_el1) & ~(uint64_t)TCR_EPD0);
	isb();
	kstat.tlb_flushes++;
	__asm__ volatile("tlbi vmalle1" : : : "memory");	/* the boot identity map */
	dsb(nsh);
	isb();
}

void arch_pt_activate_user(paddr_t root)
{
	unsigned cpu = arch_this_cpu()->id;

	kstat.as_switches++;
	write_sysreg(ttbr0_el1, root & TTBR_ADDR_MASK);	/* ASID 0 */
	isb();
	if (tlb_user_root[cpu] != root) {
		kstat.tlb_flushes++;
		__asm__ volatile("tlbi aside1, %0" : : "r"(0ul) : "memory");
		dsb(nsh);
		isb();
		tlb_user_root[cpu] = root;
	}
}

/* No user space (the idle thread): nothing to walk, nothing to flush (a TTBR0 write all the same). */
void arch_pt_deactivate_user(void)
{
	kstat.as_switches++;
	write_sysreg(ttbr0_el1, kva_to_pa(empty_user_root));
	isb();
}

/* The kernel half lives in TTBR1: a user root starts and stays user-only. */
void arch_pt_init_user(paddr_t root)
{
	(void)root;
}

/* va and [va, va + len) within [0, 2^47): 2^47 itself is never a user address. */
bool arch_user_addr_ok(vaddr_t va, size_t len)
{
	return va < ARCH_USER_TOP && len <= ARCH_USER_TOP - va;
}

/*
 * dc zva zeroes a block of 4 << DCZID_EL0.BS bytes (64 on QEMU's CPUs)
 * unless DCZID_EL0.DZP prohibits it; the kernel's direct map is Normal
 * memory, which dc zva needs.
 */
void arch_zero_page(void *kva)
{
	uint64_t dczid = read_sysreg(dczid_el0);
	size_t block = 4ul << (dczid & 0xf);

	if (dczid & 0x10) {		/* DZP: prohibited */
		memset(kva, 0, PAGE_SIZE);
		return;
	}
	for (char *p = kva, *end = p + PAGE_SIZE; p < end; p += block)
		__asm__ volatile("dc zva, %0" : : "r"(p) : "memory");
}

/* 64 bytes per round: four pairs of registers loaded, then stored. */
void arch_copy_page(void *dst, const void *src)
{
	uint64_t a, b, c, d, e, f, g, h;
	char *to = dst;
	const char *from = src, *end = from + PAGE_SIZE;

	for (; from < end; from += 64, to += 64)
		__asm__ volatile("ldp %0, %1, [%8]\n\t"
				 "ldp %2, %3, [%8, #16]\n\t"
				 "ldp %4, %5, [%8, #32]\n\t"
				 "ldp %6, %7, [%8, #48]\n\t"
				 "stp %0, %1, [%9]\n\t"
				 "stp %2, %3, [%9, #16]\n\t"
				 "stp %4, %5, [%9, #32]\n\t"
				 "stp %6, %7, [%9, #48]"
				 : "=&r"(a), "=&r"(b), "=&r"(c), "=&r"(d), "=&r"(e), "=&r"(f),
				   "=&r"(g), "=&r"(h)
				 : "r"(from), "r"(to)
				 : "memory");
}
