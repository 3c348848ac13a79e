/*
 * Boot information from QEMU's PVH loader: the command line, the E820-style
 * memory map and the one module (the bootfs); and, for pci.c, the ACPI
 * MCFG. Everything kept is copied into the image, since the boot tables
 * that map start_info go away in kmap_init(). Runs on the boot page
 * tables, whose direct map covers the first 4 GiB, where QEMU puts all
 * of this (ACPI tables included).
 */
#include <boot.h>
#include <kernel.h>
#include <memlayout.h>
#include <string.h>
#include <arch/pvh.h>
#include <arch/setup.h>

#define CMDLINE_MAX	1024
#define FIRMWARE_END	0x100000	/* below 1 MiB: BIOS data, the PVH blocks, ROMs */

static char cmdline[CMDLINE_MAX];

static void copy_cmdline(const struct hvm_start_info *si)
{
	const char *s;

	if (!si->cmdline_paddr)
		return;		/* cmdline stays "" */
	s = pa_to_kva(si->cmdline_paddr);
	if (strnlen(s, CMDLINE_MAX) == CMDLINE_MAX)
		boot_fail("command line longer than %d bytes", CMDLINE_MAX - 1);
	memcpy(cmdline, s, strlen(s) + 1);
}

static void add_memmap(const struct hvm_start_info *si, struct boot_params *bp)
{
	const struct hvm_memmap_table_entry *e;

	if (si->version < 1 || !si->memmap_paddr)
		boot_fail("PVH start_info version %u has no memory map", si->version);
	e = pa_to_kva(si->memmap_paddr);
	for (uint32_t i = 0; i < si->memmap_entries; i++)
		if (e[i].type == HVM_MEMMAP_TYPE_RAM && e[i].size)
			boot_add_ram(bp, e[i].addr, e[i].size);
}

static void add_bootfs(const struct hvm_start_info *si, struct boot_params *bp)
{
	const struct hvm_modlist_entry *m;

	if (si->nr_modules == 0 || !si->modlist_paddr)
		return;		/* bootfs_check() reports it */
	if (si->nr_modules > 1)
		kprintf("pvh: %u modules, using the first as the bootfs\n", si->nr_modules);
	m = pa_to_kva(si->modlist_paddr);
	bp->bootfs.base = m->paddr;
	bp->bootfs.size = m->size;
	bp->bootfs.what = "bootfs";
	if (m->size)
		boot_add_reserved(bp, m->paddr, m->size, "bootfs");
}

void pvh_parse(uint32_t start_info_pa, struct boot_params *bp)
{
	const struct hvm_start_info *si = pa_to_kva(start_info_pa);

	if (si->magic != HVM_START_MAGIC)
		boot_fail("not started by a PVH loader: start_info magic %#x, expected %#x",
			  si->magic, HVM_START_MAGIC);
	copy_cmdline(si);
	bp->cmdline = cmdline;
	add_memmap(si, bp);
	boot_add_reserved(bp, 0, FIRMWARE_END, "firmware");
	boot_add_reserved(bp, (paddr_t)__kernel_start_pa,
			  kva_to_pa(__kernel_end) - (paddr_t)__kernel_start_pa, "kernel");
	add_bootfs(si, bp);
	pci_acpi_probe(si->rsdp_paddr);
}
