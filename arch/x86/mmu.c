/*
 * 4-level x86_64 paging: the entry codec for the generic walker
 * (kernel/mm/pt.c), TLB maintenance, CR3, and the image's sections.
 *
 *   63  62..52  51..12     11..9  8  7   6  5  4   3   2  1  0
 *   NX  ignored address    avail  G  PS  D  A  PCD PWT US RW P
 *
 * Of the avail bits, 9 is PG_MAYWRITE. Bits 11:9 are ignored by the walker
 * in a PTE and in a PDE that maps a 2 MiB page alike (SDM vol. 3A, 4.5,
 * the entry formats of 4-level paging); 11 is left alone because HLAT
 * paging reads it (its restart bit).
 *
 * Leaves (level 0 pages, PS=1 at level 1 or 2) carry the permissions.
 * A and D are the CPU's: it sets A on the first access through an entry
 * and D on the first write (locked updates of the entry in memory), so
 * there is nothing to emulate. The core clears them (arch_pte_clear_ad,
 * store, invlpg: the flush matters, a TLB entry that still has D would
 * let writes go on without setting D again) and reads them back with
 * arch_pte_flags. Leaves start with A, and D if writable, so the CPU
 * has no entry to update before the core first clears the bits.
 * PG_DEVICE is PCD|PWT, PAT index 3, which the power-on PAT (never
 * changed here) makes UC: strong uncached, whatever the MTRRs say.
 * Table entries are permissive, P|RW|US: a table entry restricts every
 * mapping below it, so the leaves decide alone. US on a table entry of
 * the kernel half grants nothing: the CPU allows a user access only if
 * every level has US, and no kernel leaf has it.
 *
 * User page tables: entries 0..255 of a task's root table are its own;
 * 256..511 are copied from the kernel's root when the task is created
 * (arch_pt_init_user), so every kernel-half root entry must exist before
 * the first task (kmap_init and the first kstack_alloc create them all:
 * direct map, kernel stacks, image).
 */
#include <arch.h>
#include <kernel.h>
#include <kstat.h>
#include <memlayout.h>
#include <mm/pt.h>
#include <arch/setup.h>
#include <arch/x86.h>

#define PTE_RW		(1ul << 1)
#define PTE_US		(1ul << 2)
#define PTE_PWT		(1ul << 3)
#define PTE_PCD		(1ul << 4)
#define PTE_A		(1ul << 5)
#define PTE_D		(1ul << 6)	/* leaves only; PAT is bit 7 (4 KiB) or 12 (PS) */
#define PTE_G		(1ul << 8)
#define PTE_SW_MAYWRITE	(1ul << 9)	/* software: PG_MAYWRITE */
#define PTE_NX		(1ul << 63)

#define CPUID1_EDX_PGE	(1u << 13)

static bool have_nx;	/* EFER.NXE, set by boot.S when the CPU has NX */

/* Global pages (CR4.PGE) keep kernel mappings across CR3 switches. */
void mmu_init(void)
{
	uint32_t r[4];

	have_nx = rdmsr(MSR_EFER) & EFER_NXE;
	cpuid(1, 0, r);
	if (r[3] & CPUID1_EDX_PGE)
		write_cr4(read_cr4() | CR4_PGE);
}

pte_t arch_pte_table(paddr_t table)
{
	return (table & PTE_ADDR) | PTE_P | PTE_RW | PTE_US;
}

/*
 * No PG_READ bit: every present x86 page is readable. Device memory is
 * never executable, whatever pg asks (with NX; without, no page is).
 */
pte_t arch_pte_leaf(paddr_t pa, unsigned pg, unsigned level)
{
	pte_t pte = (pa & PTE_ADDR) | PTE_P | PTE_A;

	if (level > 0)
		pte |= PTE_PS;
	if (pg & PG_WRITE)
		pte |= PTE_RW | PTE_D;
	if (pg & PG_USER)
		pte |= PTE_US;
	if (pg & PG_GLOBAL)
		pte |= PTE_G;
	if (pg & PG_DEVICE)
		pte |= PTE_PCD | PTE_PWT;	/* uncached */
	if (pg & PG_MAYWRITE)
		pte |= PTE_SW_MAYWRITE;
	if ((!(pg & PG_EXEC) || (pg & PG_DEVICE)) && have_nx)
		pte |= PTE_NX;
	return pte;
}

unsigned arch_pte_flags(pte_t pte)
{
	unsigned pg = PG_READ;

	if (pte & PTE_RW)
		pg |= PG_WRITE;
	if (!(pte & PTE_NX))
		pg |= PG_EXEC;
	if (pte & PTE_US)
		pg |= PG_USER;
	if (pte & PTE_PCD)
		pg |= PG_DEVICE;
	if (pte & PTE_G)
		pg |= PG_GLOBAL;
	if (pte & PTE_A)
		pg |= PG_ACCESSED;
	if (pte & PTE_D)
		pg |= PG_DIRTY;
	if (pte & PTE_SW_MAYWRITE)
		pg |= PG_MAYWRITE;
	return pg;
}

/*
 * Single CPU, and the kernel runs with interrupts masked, so no walker
 * can set A or D between the caller's read and store of the entry. With
 * SMP this needs an atomic exchange of the entry (another CPU's walker
 * may set D in between, and that write would be lost).
 */
pte_t arch_pte_clear_ad(pte_t pte)
{
	return pte & ~(PTE_A | PTE_D);
}

pte_t arch_pte_set_ad(pte_t pte, bool write)
{
	return pte | PTE_A | (write ? PTE_D : 0);
}

/* The page walker sees ordinary stores in program order: no barrier needed. */
void arch_pte_store(pte_t *slot, pte_t pte)
{
	*(volatile pte_t *)slot = pte;
}

/* Each counts in kstat.tlb_flushes, as does every CR3 switch (no PCID: each flushes). */
void arch_tlb_flush_page(vaddr_t va)
{
	kstat.tlb_flushes++;
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

/* Reloading CR3 keeps global entries; toggling CR4.PGE drops them too. */
void arch_tlb_flush_all(void)
{
	uint64_t cr4 = read_cr4();

	kstat.tlb_flushes++;
	if (cr4 & CR4_PGE) {
		write_cr4(cr4 & ~CR4_PGE);
		write_cr4(cr4);
	} else {
		write_cr3(read_cr3());
	}
}

/*
 * Nothing to do: x86 caches are coherent with DMA, and the CPU snoops
 * stores against its instruction cache and prefetch by physical address,
 * so a copy through the direct map is seen by fetches through the user
 * mapping (self-modifying-code rules, SDM vol. 3 11.6). Cross-modifying
 * code would need a serializing instruction on the fetching CPU; with
 * one CPU there is none, and iretq serializes anyway. Only the compiler
 * must not sink the copy's stores past the store of the mapping.
 */
void arch_sync_icache(paddr_t pa, size_t len)
{
	(void)pa;
	(void)len;
	__asm__ volatile("" : : : "memory");
}

paddr_t arch_pt_root(void)
{
	return read_cr3() & PTE_ADDR;
}

void arch_pt_activate(paddr_t root)
{
	write_cr3(root);
}

/*
 * Kernel mappings are global (PG_GLOBAL): they survive the switch; every
 * other TLB entry goes (no PCID), so the switch counts as a flush too.
 * The idle thread's switch to kernel_pt (arch_context_switch) comes here
 * as well and is counted alike: it is a CR3 write with the same flush.
 */
void arch_pt_activate_user(paddr_t root)
{
	kstat.as_switches++;
	kstat.tlb_flushes++;
	write_cr3(root);
}

#define ROOT_ENTRIES	512

void arch_pt_init_user(paddr_t root)
{
	pte_t *user = pa_to_kva(root);
	const pte_t *kernel = pa_to_kva(kernel_pt);

	for (unsigned i = 0; i < ROOT_ENTRIES / 2; i++)
		user[i] = 0;
	for (unsigned i = ROOT_ENTRIES / 2; i < ROOT_ENTRIES; i++)
		user[i] = kernel[i];
}

/*
 * User space is the canonical lower half, [0, USER_TOP). va itself must
 * be inside even when len is 0: USER_TOP is no user address (an initial
 * stack pointer, checked with len 0, must be below it too).
 */
bool arch_user_addr_ok(vaddr_t va, size_t len)
{
	return va < USER_TOP && len <= USER_TOP - va;
}

void arch_kernel_sections(struct kernel_sections *ks)
{
	ks->text_start = (vaddr_t)__text_start;
	ks->text_end = (vaddr_t)__text_end;
	ks->rodata_start = (vaddr_t)__rodata_start;
	ks->rodata_end = (vaddr_t)__rodata_end;
	ks->data_start = (vaddr_t)__data_start;
	ks->data_end = (vaddr_t)__data_end;
}

static void map_device(paddr_t root, paddr_t pa, const char *what)
{
	int err = pt_map(root, (vaddr_t)pa_to_kva(pa), pa, PAGE_SIZE,
			 PG_READ | PG_WRITE | PG_DEVICE | PG_GLOBAL, NULL);

	if (err)
		panic("arch_map_devices: %s at %#lx: error %d", what, (unsigned long)pa, err);
}

/*
 * The local APIC's and the IOAPIC's registers and the PCI ECAM window,
 * uncached, at their direct-map addresses (the direct map itself covers
 * only RAM).
 */
void arch_map_devices(paddr_t root)
{
	map_device(root, lapic_base(), "local APIC");
	map_device(root, IOAPIC_BASE, "IOAPIC");
	pci_map_ecam(root);
}

/* One counted instruction per 8 bytes under icount (rep iterations count singly). */
void arch_zero_page(void *kva)
{
	unsigned long n = PAGE_SIZE / 8;

	__asm__ volatile("rep stosq" : "+D"(kva), "+c"(n) : "a"(0ul) : "memory");
}

void arch_copy_page(void *dst, const void *src)
{
	unsigned long n = PAGE_SIZE / 8;

	__asm__ volatile("rep movsq" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
}
