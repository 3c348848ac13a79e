/*
 * The boot-info block: what the kernel tells the root task. It is mapped
 * read-only in the root task (its address is the first argument of the
 * entry point) and may span several pages; variable parts are found by
 * offsets from its start. A root task checks magic and version.
 */
#pragma once

#include <stdint.h>

#define FL_BOOTINFO_MAGIC	0x49424c46u	/* "FLBI" */
#define FL_BOOTINFO_VERSION	5

#define FL_MEM_RAM		1	/* usable RAM, as the firmware reported it */
#define FL_MEM_RESERVED		2	/* in RAM but taken (kernel, bootfs, firmware) */

struct fl_bootinfo_mem {
	uint64_t base;
	uint64_t size;
	uint32_t kind;		/* FL_MEM_* */
	uint32_t reserved;
};

#define FL_DEVICE_IRQS	8	/* irq handles per device at most (PCI: MSI-X vectors) */

/* A device the kernel found (PCI on q35, virtio-mmio on virt). */
struct fl_bootinfo_device {
	char name[24];		/* "pci 00:03.0", "virtio-mmio@a003e00" */
	uint32_t vendor;	/* PCI vendor; virtio-mmio: VendorID register */
	uint32_t device;	/* PCI device; virtio-mmio: DeviceID register (2: block) */
	uint32_t class_code;	/* PCI class, subclass, prog-if; 0 for virtio-mmio */
	int32_t irq;		/* irqs[0], or -1 if it has none */
	uint32_t nmmio;
	int32_t mmio[6];	/* device-frame handles of its registers (read, write, grant) */
	uint64_t mmio_base[6];	/* their physical addresses */
	uint64_t mmio_size[6];	/* and sizes, page-rounded */
	/*
	 * Its interrupts: virtio-mmio one SPI; PCI its MSI-X table entries
	 * 0..nirq-1 in order (irqs[i] is entry i), none without MSI-X.
	 */
	uint32_t nirq;
	int32_t irqs[FL_DEVICE_IRQS];	/* irq handles (every right), -1 past nirq */
	int32_t config;		/* PCI: its 4 KiB of configuration space (read, grant), or -1 */
	uint64_t config_base;	/* its physical (ECAM) address, or 0 */
};

struct fl_bootinfo {
	uint32_t magic;		/* FL_BOOTINFO_MAGIC */
	uint32_t version;	/* FL_BOOTINFO_VERSION */
	uint32_t size;		/* bytes in the block, a whole number of pages */
	uint32_t reserved0;

	/* handles in the root task */
	int32_t self_task;	/* its own task, every right */
	int32_t self_thread;	/* its first thread, every right */
	int32_t power;		/* the power capability (poweroff) */
	int32_t pool;		/* the system pool: all free memory, every right */
	int32_t bootfs_frame;	/* the bootfs as one frame (read, grant) */
	int32_t console_irq;	/* the console UART's interrupt line (irq_bind), or -1 */
	int32_t console_ioport;	/* its registers as I/O ports (x86_64), or -1 */
	int32_t console_mmio;	/* its registers as a device frame (AArch64), or -1 */

	/* the bootfs (a cpio "newc" archive, file data page-aligned), mapped read-only */
	uint64_t bootfs_addr;
	uint64_t bootfs_size;

	/* the kernel command line: a NUL-terminated string at cmdline_offset */
	uint32_t cmdline_offset;
	uint32_t cmdline_size;	/* including the NUL */

	/* the memory map: mem_count entries at mem_offset */
	uint32_t mem_offset;
	uint32_t mem_count;

	/* the platform */
	char arch[16];		/* "x86_64", "aarch64" */
	char machine[16];	/* "q35", "virt" */
	char irqchip[16];	/* "lapic", "gicv2", "gicv3" */
	uint64_t ram_bytes;	/* RAM the firmware reported */
	uint32_t ncpus;
	uint32_t reserved2;
	uint64_t counter_hz;	/* the cycle counter's nominal rate (1 GHz under icount) */
	uint64_t timer_hz;	/* the scheduler tick */

	/* the devices: device_count entries at devices_offset */
	uint32_t devices_offset;
	uint32_t device_count;
};
