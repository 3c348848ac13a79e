/* Translation control values shared by entry.S and mmu.c. */
#pragma once

#ifdef __ASSEMBLER__
#define UL(x)		x
#else
#define UL(x)		x##ul
#endif

/* MAIR_EL1: attribute 0 normal write-back, attribute 1 Device-nGnRE. */
#define MAIR_NORMAL_IDX	0
#define MAIR_DEVICE_IDX	1
#define MAIR_VALUE	0x04ff

/*
 * TCR_EL1: 48-bit VAs in both halves (T0SZ = T1SZ = 16), 4 KiB granules,
 * inner-shareable write-back walks; IPS is filled in from the CPU.
 */
#define TCR_T0SZ	16
#define TCR_T1SZ	(16 << 16)
#define TCR_WALK0	((1 << 8) | (1 << 10) | (3 << 12))	/* IRGN0, ORGN0 WB, SH0 inner */
#define TCR_WALK1	((1 << 24) | (1 << 26) | (3 << 28))	/* IRGN1, ORGN1 WB, SH1 inner */
#define TCR_TG1_4K	(UL(2) << 30)
#define TCR_EPD0	(1 << 7)	/* no walks through TTBR0 */
#define TCR_IPS_SHIFT	32
#define TCR_VALUE	(TCR_T0SZ | TCR_T1SZ | TCR_WALK0 | TCR_WALK1 | TCR_TG1_4K)

/*
 * SCTLR_EL1: RES1 bits; with MMU, alignment check of sp (EL1 and EL0),
 * caches. EL0 may use DC ZVA (DZE), read CTR_EL0 (UCT), clean and
 * invalidate caches by VA for its own code (UCI) and use wfe (nTWE);
 * wfi traps (EC 0x01) and is skipped.
 */
#define SCTLR_RES1	0x30d00800
#define SCTLR_M		(1 << 0)
#define SCTLR_C		(1 << 2)
#define SCTLR_SA	(1 << 3)
#define SCTLR_SA0	(1 << 4)
#define SCTLR_I		(1 << 12)
#define SCTLR_DZE	(1 << 14)
#define SCTLR_UCT	(1 << 15)
#define SCTLR_NTWE	(1 << 18)
#define SCTLR_UCI	(1 << 26)
#define SCTLR_EL0	(SCTLR_DZE | SCTLR_UCT | SCTLR_NTWE | SCTLR_UCI)
#define SCTLR_MMU_ON	(SCTLR_RES1 | SCTLR_M | SCTLR_C | SCTLR_SA | SCTLR_SA0 | SCTLR_I | \
			 SCTLR_EL0)

/* Descriptor bits (VMSAv8-64, 4 KiB granule). */
#define PTE_VALID	(1 << 0)
#define PTE_TABLE	(3 << 0)	/* table above the last level, page at the last */
#define PTE_BLOCK	(1 << 0)
#define PTE_ATTR(i)	((i) << 2)
#define PTE_USER	(1 << 6)	/* AP[1]: EL0 access */
#define PTE_RDONLY	(1 << 7)	/* AP[2] */
#define PTE_SH_INNER	(3 << 8)
#define PTE_AF		(1 << 10)
#define PTE_NG		(1 << 11)
#define PTE_PXN		(UL(1) << 53)
#define PTE_UXN		(UL(1) << 54)
/*
 * Software-use bits [58:55] (ignored by the walker): accessed/dirty
 * emulation for ARMv8.0, which has no hardware AF or DBM (docs/arch-aarch64.md).
 * SW_WRITE: the mapping allows writing (PG_WRITE); AP[2] is read-only
 * while it is clean, so the first write traps. SW_DIRTY: written since
 * the bits were last cleared. SW_MAYWRITE is PG_MAYWRITE: a pager may add
 * write back (arch.h). Bits 58:55 are for software in stage-1 block and
 * page descriptors alike (Arm ARM D8.3); 62:59 are PBHA with FEAT_HPDS2.
 */
#define PTE_SW_WRITE	(UL(1) << 55)
#define PTE_SW_DIRTY	(UL(1) << 56)
#define PTE_SW_MAYWRITE	(UL(1) << 57)

/* User space is [0, ARCH_USER_TOP) in TTBR0 (the same 2^47 as on x86_64). */
#define ARCH_USER_TOP	(UL(1) << 47)

#ifndef __ASSEMBLER__
#include <types.h>
struct trap_frame;
void mmu_user_init(void);
void arch_pt_deactivate_user(void);
bool mmu_user_ad_fault(const struct trap_frame *tf);
#endif

#define HCR_RW		(UL(1) << 31)	/* EL1 is AArch64 */
#define CPACR_FPEN	(3 << 20)	/* FP/SIMD does not trap */
#define SPSR_EL1H_MASKED 0x3c5		/* EL1h, D A I F masked */
