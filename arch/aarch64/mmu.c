/*
 * Page-table entries (VMSAv8-64, 4 KiB granule) for the generic walker,
 * TLB maintenance and the kernel's translation table base.
 *
 * arch.h levels: 3 = root (ARM level 0), 0 = 4 KiB pages (ARM level 3).
 * Leaves: pages at level 0 (bits[1:0] = 0b11), blocks at levels 1 and 2
 * (0b01). Tables above level 0 are 0b11. The kernel half (TTBR1) holds the
 * direct map, the stacks and the image; TTBR0 is left for user space.
 */
#include <arch.h>
#include <arch/mmu.h>
#include <arch/platform.h>
#include <arch/sysreg.h>
#include <cpu.h>
#include <errno.h>
#include <kernel.h>
#include <memlayout.h>
#include <mm/pt.h>

#define PTE_ADDR_MASK	0x0000fffffffff000ul
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
	if (!(pg & PG_WRITE))
		pte |= PTE_RDONLY;
	if (pg & PG_USER)
		pte |= PTE_USER;
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

bool arch_pte_valid(pte_t pte)
{
	return pte & PTE_VALID;
}

bool arch_pte_leaf_at(pte_t pte, unsigned level)
{
	if (level == 0)
		return (pte & 3) == PTE_TABLE;
	return (pte & 3) == PTE_BLOCK;
}

paddr_t arch_pte_addr(pte_t pte)
{
	return pte & PTE_ADDR_MASK;
}

unsigned arch_pte_flags(pte_t pte)
{
	unsigned pg = PG_READ;
	bool user = pte & PTE_USER;

	if (!(pte & PTE_RDONLY))
		pg |= PG_WRITE;
	if (user)
		pg |= PG_USER;
	if (!(pte & (user ? PTE_UXN : PTE_PXN)))
		pg |= PG_EXEC;
	if ((pte & PTE_ATTR_MASK) == PTE_ATTR(MAIR_DEVICE_IDX))
		pg |= PG_DEVICE;
	if (!(pte & PTE_NG))
		pg |= PG_GLOBAL;
	return pg;
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

void arch_tlb_flush_page(vaddr_t va)
{
	dsb(ishst);
	__asm__ volatile("tlbi vaae1is, %0" : : "r"((va >> PAGE_SHIFT) & 0xfffffffffful) : "memory");
	dsb(ish);
	isb();
}

void arch_tlb_flush_all(void)
{
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
		     PG_READ | PG_WRITE | PG_DEVICE | PG_GLOBAL);
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
	__asm__ volatile("tlbi vmalle1" : : : "memory");	/* the boot identity map */
	dsb(nsh);
	isb();
}

void arch_pt_activate_user(paddr_t root)
{
	unsigned cpu = arch_this_cpu()->id;

	write_sysreg(ttbr0_el1, root & TTBR_ADDR_MASK);	/* ASID 0 */
	isb();
	if (tlb_user_root[cpu] != root) {
		__asm__ volatile("tlbi aside1, %0" : : "r"(0ul) : "memory");
		dsb(nsh);
		isb();
		tlb_user_root[cpu] = root;
	}
}

/* No user space (the idle thread): nothing to walk, nothing to flush. */
void arch_pt_deactivate_user(void)
{
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
