/*
 * Kernel entry from QEMU's arm64 Image boot stub: x0 = DTB physical address,
 * MMU off, EL1 or EL2 (virtualization=on). The kernel runs at EL1.
 *
 * Until the MMU is on this code runs at the physical load address, so it
 * uses only PC-relative addressing (adr/adrp); "ldr =" literals hold link
 * (virtual) addresses and are used only to leave for the high half.
 *
 * Early translation, replaced by kmap_init():
 *   TTBR0: identity map of the 1 GiB block holding the kernel (for the
 *          instruction that turns the MMU on) and of block 0 (devices,
 *          so the early exception printer can reach the UART).
 *   TTBR1: direct map of 0..4 GiB at DIRECT_MAP_BASE (block 0 device,
 *          blocks 1..3 normal, never executable) and the 1 GiB block of
 *          the kernel at KERNEL_IMAGE_BASE + pa.
 */
#include <arch/mmu.h>

#define KERNEL_IMAGE_BASE	0xffffffff80000000
#define DIRECT_MAP_L0_INDEX	256		/* 0xffff800000000000 */
#define EARLY_RAM_BLOCKS	4		/* direct map 0..4 GiB early */
#define BLOCK_NORMAL	(PTE_BLOCK | PTE_AF | PTE_SH_INNER | PTE_ATTR(MAIR_NORMAL_IDX))
#define BLOCK_DEVICE	(PTE_BLOCK | PTE_AF | PTE_ATTR(MAIR_DEVICE_IDX) | PTE_PXN | PTE_UXN)
#define BOOT_STACK_SIZE	16384
#define PL011_PA	0x09000000
#define PL011_FR	0x18
#define PL011_TXFF	5

	.section .text.head, "ax"
	.globl	_start
_start:
	/* The arm64 Image header (Documentation/arm64/booting.rst). */
	b	real_start		/* code0 */
	.long	0			/* code1 */
	.quad	0			/* text_offset: QEMU loads at RAM + 2 MiB */
	.quad	_image_size		/* image_size, up to the end of .bss */
	.quad	0x2			/* flags: little endian, 4 KiB pages */
	.quad	0, 0, 0			/* res2..res4 */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* res5 */

real_start:
	mov	x19, x0			/* DTB physical address, kept for C */
	msr	daifset, #0xf
	msr	tpidr_el1, xzr		/* early_trap's "already reporting" flag */
	adr	x0, early_vectors
	msr	vbar_el1, x0
	mrs	x20, CurrentEL		/* kept for C: the EL we were booted at */
	lsr	x20, x20, #2
	cmp	x20, #2
	b.ne	at_el1

	/* EL2: make EL1 AArch64, give it the timers and counters, drop to it. */
	mov	x0, #HCR_RW
	msr	hcr_el2, x0
	mrs	x0, cnthctl_el2
	orr	x0, x0, #3		/* EL1PCTEN, EL1PCEN */
	msr	cnthctl_el2, x0
	msr	cntvoff_el2, xzr
	mov	x0, #0x33ff		/* CPTR_EL2: RES1 bits, TFP = 0 */
	msr	cptr_el2, x0
	msr	hstr_el2, xzr
	mrs	x0, pmcr_el0
	ubfx	x0, x0, #11, #5		/* MDCR_EL2.HPMN = PMCR_EL0.N, no PMU traps */
	msr	mdcr_el2, x0
	mrs	x0, midr_el1
	msr	vpidr_el2, x0
	mrs	x0, mpidr_el1
	msr	vmpidr_el2, x0
	mrs	x0, id_aa64pfr0_el1
	ubfx	x0, x0, #24, #4		/* GIC system registers implemented? */
	cbz	x0, 1f
	mrs	x0, S3_4_C12_C9_5	/* ICC_SRE_EL2: let EL1 use them */
	orr	x0, x0, #1		/* SRE */
	orr	x0, x0, #8		/* Enable: EL1 may set its own SRE */
	msr	S3_4_C12_C9_5, x0
	isb
1:	ldr	x0, =SCTLR_RES1
	msr	sctlr_el1, x0
	mov	x0, #SPSR_EL1H_MASKED
	msr	spsr_el2, x0
	adr	x0, at_el1
	msr	elr_el2, x0
	eret

at_el1:
	mov	x0, #CPACR_FPEN
	msr	cpacr_el1, x0
	isb
	bl	zero_bss
	bl	build_early_tables
	bl	enable_mmu
	ldr	x0, =high_start
	br	x0

/* Zero .bss (it holds the early tables and the boot stack). */
zero_bss:
	adrp	x0, _bss_start
	add	x0, x0, :lo12:_bss_start
	adrp	x1, _bss_end
	add	x1, x1, :lo12:_bss_end
1:	stp	xzr, xzr, [x0], #16
	cmp	x0, x1
	b.lo	1b
	ret

/* Install table entry x2 | PTE_TABLE at index x1 of table x0. */
.macro set_table table, index, next
	orr	x9, \next, #PTE_TABLE
	str	x9, [\table, \index, lsl #3]
.endm

build_early_tables:
	adrp	x0, _kernel_start	/* kernel physical base */
	lsr	x1, x0, #30
	and	x1, x1, #511		/* its 1 GiB block's level-1 index */
	lsl	x2, x1, #30		/* that block's base */
	ldr	x3, =BLOCK_NORMAL | PTE_UXN
	ldr	x4, =BLOCK_DEVICE

	/* TTBR0: identity. */
	adrp	x5, early_id_l0
	adrp	x6, early_id_l1
	lsr	x7, x0, #39
	set_table x5, x7, x6
	orr	x9, x2, x3
	str	x9, [x6, x1, lsl #3]
	str	x4, [x6]		/* block 0: devices */

	/* TTBR1: direct map. */
	adrp	x5, early_hi_l0
	adrp	x6, early_dm_l1
	mov	x7, #DIRECT_MAP_L0_INDEX
	set_table x5, x7, x6
	str	x4, [x6]
	ldr	x8, =BLOCK_NORMAL | PTE_PXN | PTE_UXN
	mov	x7, #1
1:	orr	x9, x8, x7, lsl #30
	str	x9, [x6, x7, lsl #3]
	add	x7, x7, #1
	cmp	x7, #EARLY_RAM_BLOCKS
	b.lo	1b

	/* TTBR1: the kernel image at KERNEL_IMAGE_BASE + pa. */
	ldr	x7, =KERNEL_IMAGE_BASE
	add	x7, x7, x0
	adrp	x6, early_ki_l1
	lsr	x8, x7, #39
	and	x8, x8, #511
	set_table x5, x8, x6
	lsr	x8, x7, #30
	and	x8, x8, #511
	orr	x9, x2, x3
	str	x9, [x6, x8, lsl #3]
	dsb	ish
	ret

enable_mmu:
	ldr	x0, =MAIR_VALUE
	msr	mair_el1, x0
	mrs	x1, id_aa64mmfr0_el1
	and	x1, x1, #0xf		/* PARange */
	mov	x2, #5			/* at most 48 bits */
	cmp	x1, x2
	csel	x1, x2, x1, hi
	ldr	x0, =TCR_VALUE
	orr	x0, x0, x1, lsl #TCR_IPS_SHIFT
	msr	tcr_el1, x0
	adrp	x0, early_id_l0
	msr	ttbr0_el1, x0
	adrp	x0, early_hi_l0
	msr	ttbr1_el1, x0
	isb
	tlbi	vmalle1
	dsb	nsh
	isb
	ldr	x0, =SCTLR_MMU_ON
	msr	sctlr_el1, x0
	isb
	ret

/* Now at the link address. */
high_start:
	ldr	x0, =vectors
	msr	vbar_el1, x0
	adrp	x0, boot_stack_top
	add	sp, x0, :lo12:boot_stack_top
	/* The identity map has served; low addresses fault from now on. */
	mrs	x0, tcr_el1
	orr	x0, x0, #TCR_EPD0
	msr	tcr_el1, x0
	isb
	tlbi	vmalle1
	dsb	nsh
	isb
	mov	x29, #0
	mov	x30, #0
	mov	x0, x19
	mov	x1, x20
	bl	aarch64_main
1:	wfi
	b	1b

/*
 * Exceptions before the real vectors are installed: print ESR, ELR and
 * FAR on the UART (physical address, identity-mapped) and exit through
 * semihosting with status 3. A second exception (no semihosting) spins.
 */
	.balign	2048
early_vectors:
	.rept	16
	.balign	128
	b	early_trap
	.endr

early_trap:
	mrs	x0, tpidr_el1
	cbnz	x0, 2f
	mov	x0, #1
	msr	tpidr_el1, x0
	mov	x20, #PL011_PA
	adr	x21, early_msg_esr
	bl	early_puts
	mrs	x22, esr_el1
	bl	early_puthex
	adr	x21, early_msg_elr
	bl	early_puts
	mrs	x22, elr_el1
	bl	early_puthex
	adr	x21, early_msg_far
	bl	early_puts
	mrs	x22, far_el1
	bl	early_puthex
	adr	x21, early_msg_end
	bl	early_puts
	adr	x1, early_exit_block
	mov	x0, #0x18		/* SYS_EXIT */
	hlt	#0xf000
2:	wfe
	b	2b

/* Print the string at x21; x20 = UART. */
early_puts:
	mov	x25, x30
1:	ldrb	w23, [x21], #1
	cbz	w23, 2f
	bl	early_putc
	b	1b
2:	ret	x25

/* Print x22 as 16 hex digits. */
early_puthex:
	mov	x25, x30
	mov	x24, #60
1:	lsr	x23, x22, x24
	and	x23, x23, #0xf
	cmp	x23, #10
	add	x26, x23, #'0'
	add	x23, x23, #('a' - 10)
	csel	x23, x26, x23, lo
	bl	early_putc
	subs	x24, x24, #4
	b.pl	1b
	ret	x25

/* Write w23 to the PL011 when its FIFO has room. */
early_putc:
1:	ldr	w27, [x20, #PL011_FR]
	tbnz	w27, #PL011_TXFF, 1b
	strb	w23, [x20]
	ret

	.balign	8
early_exit_block:
	.quad	0x20026, 3		/* ADP_Stopped_ApplicationExit, STATUS_PANIC */
early_msg_esr:	.asciz	"\r\nFaultline: early exception: ESR=0x"
early_msg_elr:	.asciz	" ELR=0x"
early_msg_far:	.asciz	" FAR=0x"
early_msg_end:	.asciz	"\r\n"
	.ltorg

	.section .bss.boot, "aw", %nobits
	.balign	4096
early_id_l0:	.skip	4096
early_id_l1:	.skip	4096
early_hi_l0:	.skip	4096
early_dm_l1:	.skip	4096
early_ki_l1:	.skip	4096
	.balign	16
boot_stack:	.skip	BOOT_STACK_SIZE
boot_stack_top:
