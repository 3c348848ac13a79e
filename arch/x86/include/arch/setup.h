/*
 * What the files of arch/x86 call in each other (the core sees only arch.h).
 * Grouped by the file that defines them.
 */
#pragma once

#include <boot.h>

/* start.c: called by boot.S with %ebx of the PVH entry. */
__noreturn void x86_start(uint32_t start_info);

/* uart.c */
void uart_init(void);

/* cpu.c */
void cpu_init(void);

/* gdt.c: the GDT and the TSS whose IST stacks catch #DF, NMI and #MC. */
#define GDT_KERNEL_CODE	0x08
#define GDT_KERNEL_DATA	0x10
#define GDT_TSS		0x18
#define IST_DOUBLE_FAULT	1
#define IST_NMI			2
#define IST_MACHINE_CHECK	3
void gdt_init(void);

/* mmu.c */
void mmu_init(void);

/* pic.c */
void pic_disable(void);

/* pit.c: the TSC frequency, measured against the PIT by tsc_calibrate(). */
extern uint64_t tsc_hz;
void tsc_calibrate(void);

/* lapic.c */
paddr_t lapic_base(void);
void lapic_eoi(void);

/* pvh.c: the PVH start_info into boot_params. */
void pvh_parse(uint32_t start_info_pa, struct boot_params *bp);

/* linker script: the image, physical start and virtual ends of its parts. */
extern char __kernel_start_pa[], __kernel_end[];
extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __data_end[];
