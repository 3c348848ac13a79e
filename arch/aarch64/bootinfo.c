/*
 * The DTB QEMU passes in x0 → struct boot_params and struct platform.
 * Everything kept is copied into the image: the DTB itself stays reserved
 * but is only read here.
 */
#include <arch/platform.h>
#include <arch/sysreg.h>
#include <boot.h>
#include <errno.h>
#include <kernel.h>
#include <lib/dtb.h>
#include <memlayout.h>
#include <string.h>

#define EARLY_MAPPED_END	(4ul << 30)	/* entry.S direct-maps 0..4 GiB */
#define GICR_FRAME_SIZE		(128 * 1024ul)	/* RD_base + SGI_base per CPU */
#define PPI_BASE		16
#define TIMER_PPI_PHYS		1		/* non-secure EL1 physical timer */
#define TIMER_PPI_DEFAULT	14

#define SPI_BASE		32
#define GIC_SPI			0		/* interrupts cell 0: SPI, 1: PPI */
#define IRQ_TYPE_EDGE		3		/* cell 2: 1/2 edge, 4/8 level */

struct platform platform = { .uart = PL011_DEFAULT_PA, .uart_size = 0x1000 };

static char cmdline[512];
extern char _kernel_start[], _kernel_end[];

/*
 * Is the node for us? secure=on adds secure-only RAM and UART nodes with
 * status "disabled".
 */
static bool node_okay(const struct dtb *f, int node)
{
	int len;
	const char *status = dtb_getprop(f, node, "status", &len);

	return !status || (len >= 5 && strncmp(status, "okay", 5) == 0);
}

static void parse_memory(const struct dtb *f, struct boot_params *bp)
{
	for (int node = dtb_find_device_type(f, -1, "memory"); node >= 0;
	     node = dtb_find_device_type(f, node, "memory")) {
		uint64_t base, size;

		if (!node_okay(f, node))
			continue;
		for (int i = 0; dtb_reg(f, node, i, &base, &size) == 0; i++)
			if (size)
				boot_add_ram(bp, base, size);
	}
	if (bp->nram == 0)
		boot_fail("device tree: no memory node");
}

/* A /chosen property of one or two cells (QEMU writes one cell per value). */
static int chosen_addr(const struct dtb *f, int chosen, const char *name, uint64_t *v)
{
	int len;
	const void *p = dtb_getprop(f, chosen, name, &len);

	if (!p)
		return -ENOENT;
	if (len != 4 && len != 8)
		return -EINVAL;
	*v = dtb_read_cells(p, len / 4);
	return 0;
}

static void parse_chosen(const struct dtb *f, struct boot_params *bp)
{
	int chosen = dtb_path(f, "/chosen"), len;
	uint64_t start, end;
	const char *args;

	bp->cmdline = cmdline;
	if (chosen < 0)
		return;
	args = dtb_getprop(f, chosen, "bootargs", &len);
	if (args && len > 0) {
		size_t n = strnlen(args, (size_t)len);

		if (n >= sizeof(cmdline))
			boot_fail("command line longer than %zu bytes", sizeof(cmdline) - 1);
		memcpy(cmdline, args, n);
		cmdline[n] = '\0';
	}
	if (chosen_addr(f, chosen, "linux,initrd-start", &start) == 0 &&
	    chosen_addr(f, chosen, "linux,initrd-end", &end) == 0 && end > start) {
		bp->bootfs.base = start;
		bp->bootfs.size = end - start;
		bp->bootfs.what = "bootfs";
		boot_add_reserved(bp, start, end - start, "bootfs");
	}
}

static void parse_gic(const struct dtb *f, struct boot_params *bp)
{
	int node = dtb_find_compatible(f, -1, "arm,gic-v3");
	uint64_t size;

	if (node >= 0) {
		platform.gic_version = 3;
		bp->irqchip = "gicv3";
		if (dtb_reg(f, node, 0, &platform.gicd, &platform.gicd_size) ||
		    dtb_reg(f, node, 1, &platform.gicr, &size))
			boot_fail("device tree: GICv3 without distributor or redistributors");
		platform.gicr_size = MIN(size, bp->ncpus * GICR_FRAME_SIZE);
		return;
	}
	node = dtb_find_compatible(f, -1, "arm,cortex-a15-gic");
	if (node < 0)
		node = dtb_find_compatible(f, -1, "arm,gic-400");
	if (node < 0)
		boot_fail("device tree: no GICv2 or GICv3 interrupt controller");
	platform.gic_version = 2;
	bp->irqchip = "gicv2";
	if (dtb_reg(f, node, 0, &platform.gicd, &platform.gicd_size) ||
	    dtb_reg(f, node, 1, &platform.gicc, &platform.gicc_size))
		boot_fail("device tree: GICv2 without distributor or CPU interface");
}

/* interrupts = <type num flags> x 4: secure, non-secure physical, virtual, hyp. */
static void parse_timer(const struct dtb *f)
{
	int node = dtb_find_compatible(f, -1, "arm,armv8-timer"), len;
	const uint8_t *p = node >= 0 ? dtb_getprop(f, node, "interrupts", &len) : NULL;

	platform.timer_intid = PPI_BASE + TIMER_PPI_DEFAULT;
	if (p && len >= 12 * (TIMER_PPI_PHYS + 1))
		platform.timer_intid = PPI_BASE +
			(unsigned)dtb_read_cells(p + 12 * TIMER_PPI_PHYS + 4, 1);
}

static void parse_psci(const struct dtb *f)
{
	int node = dtb_find_compatible(f, -1, "arm,psci-0.2"), len;
	const char *method;

	if (node < 0)
		node = dtb_find_compatible(f, -1, "arm,psci");
	method = node >= 0 ? dtb_getprop(f, node, "method", &len) : NULL;
	if (method && len >= 4 && strncmp(method, "hvc", 4) == 0)
		platform.psci = PSCI_HVC;
	else if (method && len >= 4 && strncmp(method, "smc", 4) == 0)
		platform.psci = PSCI_SMC;
}

/*
 * The PL011's interrupt: <type num flags> in the GIC's three-cell format
 * (virt: <0 1 4>, SPI 1 level-high → INTID 33). Only an SPI is taken: a
 * user driver cannot own a per-CPU line.
 */
static void parse_uart_irq(const struct dtb *f, int node)
{
	int len;
	const uint8_t *p = dtb_getprop(f, node, "interrupts", &len);

	if (!p || len < 12 || dtb_read_cells(p, 1) != GIC_SPI)
		return;
	platform.uart_intid = SPI_BASE + (unsigned)dtb_read_cells(p + 4, 1);
	platform.uart_edge = dtb_read_cells(p + 8, 1) & IRQ_TYPE_EDGE;
}

/*
 * virtio-mmio transports (virt: 32 slots of 0x200 bytes from 0x0a000000,
 * interrupts <0 16+i 1>, SPI 16+i → INTID 48+i): reg 0 and the SPI, for
 * arch_devices(). QEMU lists every slot, empty or not; devices.c reads
 * the DeviceID register later to tell. A PPI or a missing interrupts
 * property leaves the device without a line (~0u).
 */
static void parse_virtio_mmio(const struct dtb *f)
{
	for (int node = dtb_find_compatible(f, -1, "virtio,mmio"); node >= 0;
	     node = dtb_find_compatible(f, node, "virtio,mmio")) {
		const uint8_t *irq;
		unsigned intid = ~0u;
		uint64_t base, size;
		int len;

		if (!node_okay(f, node) || dtb_reg(f, node, 0, &base, &size))
			continue;
		irq = dtb_getprop(f, node, "interrupts", &len);
		if (irq && len >= 12 && dtb_read_cells(irq, 1) == GIC_SPI)
			intid = SPI_BASE + (unsigned)dtb_read_cells(irq + 4, 1);
		devices_add_virtio_mmio(base, size, intid);
	}
}

static void parse_devices(const struct dtb *f, struct boot_params *bp)
{
	uint64_t base, size;
	int node;

	bp->ncpus = 0;
	for (node = dtb_find_device_type(f, -1, "cpu"); node >= 0;
	     node = dtb_find_device_type(f, node, "cpu"))
		bp->ncpus++;
	if (bp->ncpus == 0)
		bp->ncpus = 1;
	node = dtb_find_compatible(f, -1, "arm,pl011");
	while (node >= 0 && !node_okay(f, node))
		node = dtb_find_compatible(f, node, "arm,pl011");
	if (node >= 0 && dtb_reg(f, node, 0, &base, &size) == 0) {
		platform.uart = base;
		platform.uart_size = size ? size : 0x1000;
	}
	if (node >= 0)
		parse_uart_irq(f, node);
	parse_gic(f, bp);
	parse_timer(f);
	parse_psci(f);
	parse_virtio_mmio(f);
}

static void reserve(const struct dtb *f, struct boot_params *bp, paddr_t dtb_pa)
{
	uint64_t base, size;

	boot_add_reserved(bp, kva_to_pa(_kernel_start),
			  (uint64_t)(_kernel_end - _kernel_start), "kernel");
	boot_add_reserved(bp, dtb_pa, f->size, "dtb");
	for (int i = 0; dtb_mem_rsv(f, i, &base, &size) == 0; i++)
		boot_add_reserved(bp, base, size, "memreserve");
}

void bootinfo_parse(paddr_t dtb_pa, struct boot_params *bp)
{
	struct dtb f;
	const void *blob = pa_to_kva(dtb_pa);
	uint32_t size;

	bp->arch = "aarch64";
	bp->machine = "virt";
	bp->cmdline = cmdline;
	bp->irqchip = "none";
	if (dtb_pa == 0 || !IS_ALIGNED(dtb_pa, 8) || dtb_pa + PAGE_SIZE > EARLY_MAPPED_END)
		boot_fail("no device tree (x0 = %#lx)", (unsigned long)dtb_pa);
	size = dtb_header_size(blob);
	if (size == 0 || dtb_pa + size > EARLY_MAPPED_END || dtb_open(&f, blob, size))
		boot_fail("no valid device tree at %#lx", (unsigned long)dtb_pa);
	parse_memory(&f, bp);
	parse_chosen(&f, bp);
	parse_devices(&f, bp);
	reserve(&f, bp, dtb_pa);
	bp->counter_hz = cpu_counter_hz();
}
