/*
 * What an architecture's entry code learns from the boot loader or DTB and
 * hands to the portable core in kmain().
 */
#pragma once

#include <types.h>

#define BOOT_RANGES_MAX	64

struct mem_range {
	paddr_t base;
	uint64_t size;
	const char *what;	/* for reserved ranges: "kernel", "bootfs", ... */
};

struct boot_params {
	const char *arch;		/* "x86_64", "aarch64" */
	const char *machine;		/* "q35", "virt" */
	const char *cmdline;		/* never NULL; "" when empty */
	const char *irqchip;		/* "lapic", "gicv2", "gicv3" */
	struct mem_range ram[BOOT_RANGES_MAX];		/* RAM the firmware calls usable */
	unsigned nram;
	struct mem_range reserved[BOOT_RANGES_MAX];	/* inside RAM, not to be allocated */
	unsigned nreserved;
	struct mem_range bootfs;	/* size 0 when the boot loader gave none */
	unsigned ncpus;
	uint64_t counter_hz;		/* rate of arch_counter() (1 GHz under icount) */
};

/* Record a range; the arch entry code uses these while filling boot_params. */
void boot_add_ram(struct boot_params *bp, paddr_t base, uint64_t size);
void boot_add_reserved(struct boot_params *bp, paddr_t base, uint64_t size,
		       const char *what);

/* The portable kernel's entry point, called once on the boot CPU. */
__noreturn void kmain(struct boot_params *bp);
