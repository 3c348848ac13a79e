/* System register access and barriers. */
#pragma once

#include <types.h>

#define read_sysreg(reg) ({ \
	uint64_t __v; \
	__asm__ volatile("mrs %0, " #reg : "=r"(__v)); \
	__v; \
})

#define write_sysreg(reg, v) \
	__asm__ volatile("msr " #reg ", %0" : : "r"((uint64_t)(v)) : "memory")

#define isb()		__asm__ volatile("isb" : : : "memory")
#define dsb(opt)	__asm__ volatile("dsb " #opt : : : "memory")

/* GICv3 CPU interface registers, by encoding (older assemblers lack the names). */
#define ICC_SRE_EL1	S3_0_C12_C12_5
#define ICC_PMR_EL1	S3_0_C4_C6_0
#define ICC_BPR1_EL1	S3_0_C12_C12_3
#define ICC_CTLR_EL1	S3_0_C12_C12_4
#define ICC_IGRPEN1_EL1	S3_0_C12_C12_7
#define ICC_IAR1_EL1	S3_0_C12_C12_0
#define ICC_EOIR1_EL1	S3_0_C12_C12_1

/* ESR_EL1 */
#define ESR_EC(esr)	(((esr) >> 26) & 0x3f)
#define ESR_ISS(esr)	((esr) & 0x1ffffff)
#define EC_UNKNOWN	0x00
#define EC_WFX		0x01
#define EC_FP_ACCESS	0x07
#define EC_ILLEGAL	0x0e
#define EC_SVC64	0x15
#define EC_IABT_LOW	0x20
#define EC_SYSREG	0x18
#define EC_IABT_CUR	0x21
#define EC_PC_ALIGN	0x22
#define EC_DABT_LOW	0x24
#define EC_DABT_CUR	0x25
#define EC_SP_ALIGN	0x26
#define EC_FP_EXC64	0x2c
#define EC_SERROR	0x2f
#define EC_BREAKPT_LOW	0x30	/* hardware breakpoint, vector catch */
#define EC_SSTEP_LOW	0x32	/* software step */
#define EC_WATCHPT_LOW	0x34	/* watchpoint (FAR_EL1 = the address) */
#define EC_BRK64	0x3c
#define ISS_FNV		(1u << 10)	/* aborts: FAR_EL1 is not valid */
#define ISS_WNR		(1u << 6)	/* data aborts: caused by a write */
#define ISS_CM		(1u << 8)	/* data aborts: a cache maintenance instruction */
#define FSC_TYPE(iss)	((iss) & 0x3c)	/* DFSC/IFSC without the level */
#define FSC_ACCESS	0x08		/* access flag fault, levels 0..3 */
#define FSC_PERM	0x0c		/* permission fault, levels 0..3 */

/* CTR_EL0 */
#define CTR_IMINLINE(ctr)	((ctr) & 0xf)		/* log2 words */
#define CTR_L1IP(ctr)		(((ctr) >> 14) & 3)	/* 3: PIPT */
#define CTR_DMINLINE(ctr)	(((ctr) >> 16) & 0xf)
#define CTR_IDC			(1ul << 28)	/* no D-cache clean needed for I/D coherence */
#define CTR_DIC			(1ul << 29)	/* no I-cache invalidation needed */
