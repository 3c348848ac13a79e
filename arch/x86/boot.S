/*
 * From QEMU's PVH entry to C in the higher half.
 *
 * QEMU finds the 32-bit entry in the XEN_ELFNOTE_PHYS32_ENTRY note and
 * jumps there in 32-bit protected mode, paging off, flat segments, with
 * %ebx = physical address of struct hvm_start_info. The stub runs at its
 * physical address (section .boot.text, linked at 1 MiB). It zeroes .bss,
 * builds boot page tables there, enters long mode and jumps to x86_entry
 * at the kernel's virtual address, which calls x86_start(start_info).
 *
 * Boot page tables (2 MiB pages, no NX, no G): the first 4 GiB mapped
 * three times -- identity (the stub keeps running after paging is on),
 * at DIRECT_MAP_BASE (early C reads start_info and the bootfs there),
 * and the first 1 GiB at KERNEL_IMAGE_BASE (the image). kmap_init()
 * replaces them with the final tables.
 */

#define KERNEL_IMAGE_BASE	0xffffffff80000000
#define PA(sym)			((sym) - KERNEL_IMAGE_BASE)

#define PTE_P		0x001
#define PTE_RW		0x002
#define PTE_PS		0x080

#define CR0_PE		0x00000001
#define CR0_WP		0x00010000
#define CR0_PG		0x80000000
#define CR4_PAE		0x00000020
#define MSR_EFER	0xc0000080
#define EFER_LME	0x00000100
#define EFER_NXE	0x00000800
#define CPUID_EXT_NX	(1 << 20)	/* CPUID 0x80000001 %edx */

#define BOOT_CS		0x08
#define BOOT_DS		0x10
#define BOOT_STACK_SIZE	16384

	.section .note.pvh, "a", @note
	.p2align 2
	.long 4			/* name size */
	.long 8			/* descriptor size */
	.long 18		/* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.p2align 2
	.quad _start32		/* QEMU uses the low 32 bits */

	.section .boot.text, "ax"
	.code32
	.globl _start32
_start32:
	cli
	cld
	mov	%ebx, %esi		/* start_info; %esi survives to x86_entry */

	/* Zero .bss (it holds the boot page tables and the boot stack). */
	mov	$PA(__bss_start), %edi
	mov	$PA(__bss_end), %ecx
	sub	%edi, %ecx
	xor	%eax, %eax
	rep stosb

	/* pd[0..3]: 2048 entries of 2 MiB, physical 0 .. 4 GiB. */
	mov	$PA(boot_pd), %edi
	mov	$(PTE_P | PTE_RW | PTE_PS), %eax
	mov	$2048, %ecx
1:	mov	%eax, (%edi)		/* the high halves stay zero */
	add	$0x200000, %eax
	add	$8, %edi
	loop	1b

	/* pdpt_low[0..3] -> pd[0..3]: identity and the direct map share it. */
	mov	$PA(boot_pdpt_low), %edi
	mov	$(PA(boot_pd) + PTE_P + PTE_RW), %eax
	mov	$4, %ecx
2:	mov	%eax, (%edi)
	add	$4096, %eax
	add	$8, %edi
	loop	2b

	/* pdpt_high[510] -> pd[0]: 0xffffffff80000000 + the first 1 GiB. */
	movl	$(PA(boot_pd) + PTE_P + PTE_RW), PA(boot_pdpt_high) + 510 * 8

	mov	$(PA(boot_pdpt_low) + PTE_P + PTE_RW), %eax
	mov	%eax, PA(boot_pml4)			/* 0 */
	mov	%eax, PA(boot_pml4) + 256 * 8		/* DIRECT_MAP_BASE */
	movl	$(PA(boot_pdpt_high) + PTE_P + PTE_RW), PA(boot_pml4) + 511 * 8

	/* Long mode: PAE, CR3, EFER.LME (and NXE where the CPU has NX), paging. */
	mov	%cr4, %eax
	or	$CR4_PAE, %eax
	mov	%eax, %cr4
	mov	$PA(boot_pml4), %eax
	mov	%eax, %cr3

	mov	$0x80000001, %eax
	cpuid
	xor	%ebx, %ebx
	test	$CPUID_EXT_NX, %edx
	jz	3f
	mov	$EFER_NXE, %ebx
3:	mov	$MSR_EFER, %ecx
	rdmsr
	or	$EFER_LME, %eax
	or	%ebx, %eax
	wrmsr

	mov	%cr0, %eax
	or	$(CR0_PE | CR0_WP | CR0_PG), %eax
	mov	%eax, %cr0

	lgdt	boot_gdt_ptr
	ljmp	$BOOT_CS, $start64

	.code64
start64:
	mov	$BOOT_DS, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	xor	%eax, %eax
	mov	%eax, %fs
	mov	%eax, %gs
	movabs	$x86_entry, %rax
	jmp	*%rax

	.section .boot.data, "a"
	.p2align 3
boot_gdt:
	.quad	0			/* null */
	.quad	0x00af9a000000ffff	/* BOOT_CS: 64-bit code, DPL 0 */
	.quad	0x00cf92000000ffff	/* BOOT_DS: data, DPL 0 */
boot_gdt_end:
boot_gdt_ptr:
	.word	boot_gdt_end - boot_gdt - 1
	.long	boot_gdt

	.text
	.code64
x86_entry:
	movabs	$boot_stack + BOOT_STACK_SIZE, %rsp
	xor	%ebp, %ebp
	mov	%esi, %edi		/* zero-extends: x86_start(start_info) */
	call	x86_start
	ud2

	.bss
	.p2align 12
boot_pml4:	.skip 4096
boot_pdpt_low:	.skip 4096
boot_pdpt_high:	.skip 4096
boot_pd:	.skip 4 * 4096
	.p2align 4
boot_stack:	.skip BOOT_STACK_SIZE
