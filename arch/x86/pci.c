/*
 * PCI enumeration through ECAM (PCI Express memory-mapped configuration
 * space), for arch_devices(): the devices the root task is told about.
 *
 * Where ECAM is: the ACPI MCFG table's entry for segment 0, found from
 * the RSDP the PVH loader passes (start_info.rsdp_paddr) while pvh_parse
 * still runs on the boot page tables (their direct map covers the first
 * 4 GiB, where the firmware keeps the tables). Without an RSDP or an
 * MCFG the q35 default is used: 0xb0000000, buses 0..255, which is where
 * SeaBIOS programs q35's PCIEXBAR (QEMU's MCFG says the same). Function
 * (bus, dev, fn) has its 4 KiB of registers at base + (bus << 20 |
 * dev << 15 | fn << 12); the MCFG base is that of bus 0 even when its
 * first bus is not 0.
 *
 * arch_map_devices maps the window of the buses MCFG lists uncached at
 * its direct-map address (q35: 256 MiB, 128 blocks of 2 MiB). The scan
 * starts at the first bus and follows PCI-to-PCI bridges (header type 1)
 * to their secondary bus, with the bus numbers the firmware assigned;
 * every function whose vendor is not 0xffff is listed, host and PCI
 * bridges included. Memory BARs (32- and 64-bit) are sized by writing
 * all-ones with memory decoding off, then restored with the command
 * register; unassigned (base 0) and empty BARs are left out, I/O BARs
 * and the expansion ROM are not handed out. Each function's 4 KiB of
 * configuration space is listed too (d->config), for a read-only handle.
 *
 * Interrupts: MSI-X only (no INTx routing, no plain MSI). For a type-0
 * function whose capability list has an MSI-X capability, the first
 * MSIX_PER_FUNCTION entries of its table get vectors (msix.c, at most
 * MSIX_VECTORS in all, first come first served in scan order: the last
 * functions may get fewer, or none) and become lines d->irq_line ..
 * + d->nirq - 1. The table is mapped uncached in
 * the kernel; then MSI-X Enable, Bus Master Enable and memory decoding
 * are turned on, every entry masked until its irq object is bound (the
 * entries past those are left masked, as reset leaves them).
 * Bus mastering is needed for the message (a memory write by the
 * device) and for DMA: the kernel assumes a function with MSI-X will be
 * driven. There is no IOMMU and no interrupt remapping: a driver that
 * holds the BAR with the table could rewrite it, as it could DMA
 * anywhere; drivers are trusted.
 */
#include <arch.h>
#include <errno.h>
#include <kernel.h>
#include <memlayout.h>
#include <string.h>
#include <mm/pt.h>
#include <arch/setup.h>
#include <arch/trap.h>

#define Q35_ECAM_BASE	0xb0000000ul
#define PCI_MAX_DEPTH	16		/* bridges below bridges: bounds the recursion */
#define BOOT_MAP_END	(4ul << 30)	/* the boot page tables' direct map */

#define PCI_VENDOR		0x00
#define PCI_COMMAND		0x04	/* 16 bits; status is the upper half */
#define PCI_CLASS_REV		0x08
#define PCI_HEADER_TYPE		0x0e	/* byte */
#define PCI_BAR0		0x10
#define PCI_CAP_PTR		0x34	/* byte, type 0 headers */
#define PCI_SECONDARY_BUS	0x19	/* byte, type 1 headers */

#define PCI_COMMAND_MEMORY	0x2
#define PCI_COMMAND_MASTER	0x4
#define PCI_STATUS_CAP_LIST	(0x10u << 16)	/* in the dword at PCI_COMMAND */
#define PCI_CAP_ID_MSIX		0x11
#define PCI_CAPS_MAX		48	/* (256 - 64) / 4: ends a looping list */

/* The MSI-X capability (PCI Local Bus 3.0, 6.8.2) */
#define MSIX_CTRL_SHIFT		16	/* Message Control: upper half of the first dword */
#define MSIX_CTRL_SIZE_MASK	0x7ffu	/* table size - 1 */
#define MSIX_CTRL_FUNC_MASK	0x4000u
#define MSIX_CTRL_ENABLE	0x8000u
#define MSIX_TABLE		4	/* offset in the BAR | BAR index (BIR, bits 2:0) */
#define MSIX_BIR_MASK		0x7u
#define MSIX_ENTRY_SIZE		16
#define MSIX_PER_FUNCTION	8	/* table entries given vectors, per function */
#define PCI_BAR_IO		0x1
#define PCI_BAR_TYPE_MASK	0x6
#define PCI_BAR_TYPE_64		0x4
#define PCI_BAR_ADDR_MASK	0xfffffff0u

static struct {
	paddr_t base;			/* of bus 0 */
	unsigned start_bus, end_bus;
	const char *from;		/* "ACPI MCFG" or "q35 default" */
	bool mapped;			/* by arch_map_devices */
} ecam = { Q35_ECAM_BASE, 0, 255, "q35 default", false };

/* ---- ACPI: RSDP -> XSDT/RSDT -> MCFG (boot page tables only) ---------- */

struct acpi_sdt {
	char sig[4];
	uint32_t length;
	uint8_t revision, checksum;
	char oem_id[6], oem_table_id[8];
	uint32_t oem_revision, creator_id, creator_revision;
} __packed;

struct acpi_mcfg_entry {
	uint64_t base;
	uint16_t segment;
	uint8_t start_bus, end_bus;
	uint32_t reserved;
} __packed;

#define MCFG_ENTRIES_OFFSET	(sizeof(struct acpi_sdt) + 8)

static bool boot_mapped(paddr_t pa, uint64_t len)
{
	return pa < BOOT_MAP_END && len <= BOOT_MAP_END - pa;
}

static bool acpi_sum_ok(const void *p, uint32_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	for (uint32_t i = 0; i < len; i++)
		sum += b[i];
	return sum == 0;
}

/* The table at pa if it is whole, in reach and sums to 0, else NULL. */
static const struct acpi_sdt *acpi_table(paddr_t pa)
{
	const struct acpi_sdt *t;

	if (!pa || !boot_mapped(pa, sizeof(*t)))
		return NULL;
	t = pa_to_kva(pa);
	if (t->length < sizeof(*t) || t->length > (1u << 20) || !boot_mapped(pa, t->length) ||
	    !acpi_sum_ok(t, t->length))
		return NULL;
	return t;
}

static const struct acpi_sdt *acpi_find(paddr_t rsdp_pa, const char *sig)
{
	const uint8_t *rsdp;
	const struct acpi_sdt *root;
	bool xsdt = false;
	paddr_t root_pa;
	size_t width, n;

	if (!rsdp_pa || !boot_mapped(rsdp_pa, 36))
		return NULL;
	rsdp = pa_to_kva(rsdp_pa);
	if (memcmp(rsdp, "RSD PTR ", 8) != 0 || !acpi_sum_ok(rsdp, 20))
		return NULL;
	if (rsdp[15] >= 2 && acpi_sum_ok(rsdp, 36)) {
		uint64_t x;

		memcpy(&x, rsdp + 24, 8);
		root_pa = x;
		xsdt = root_pa != 0;
	}
	if (!xsdt) {
		uint32_t r;

		memcpy(&r, rsdp + 16, 4);
		root_pa = r;
	}
	root = acpi_table(root_pa);
	if (!root || memcmp(root->sig, xsdt ? "XSDT" : "RSDT", 4) != 0)
		return NULL;
	width = xsdt ? 8 : 4;
	n = (root->length - sizeof(*root)) / width;
	for (size_t i = 0; i < n; i++) {
		const uint8_t *slot = (const uint8_t *)(root + 1) + i * width;
		uint64_t pa = 0;
		const struct acpi_sdt *t;

		memcpy(&pa, slot, width);	/* little-endian */
		t = acpi_table(pa);
		if (t && memcmp(t->sig, sig, 4) == 0)
			return t;
	}
	return NULL;
}

void pci_acpi_probe(paddr_t rsdp_pa)
{
	const struct acpi_sdt *mcfg = acpi_find(rsdp_pa, "MCFG");
	const struct acpi_mcfg_entry *e;
	size_t n;

	if (!mcfg)
		return;		/* the q35 default stays */
	if (mcfg->length < MCFG_ENTRIES_OFFSET)
		return;
	n = (mcfg->length - MCFG_ENTRIES_OFFSET) / sizeof(*e);
	e = (const void *)((const uint8_t *)mcfg + MCFG_ENTRIES_OFFSET);
	for (size_t i = 0; i < n; i++) {
		if (e[i].segment != 0 || e[i].start_bus > e[i].end_bus ||
		    !IS_ALIGNED(e[i].base, 1ul << 20))
			continue;
		ecam.base = e[i].base;
		ecam.start_bus = e[i].start_bus;
		ecam.end_bus = e[i].end_bus;
		ecam.from = "ACPI MCFG";
		return;
	}
}

/* ---- mapping and configuration space accesses ------------------------- */

static paddr_t ecam_pa(unsigned bus)
{
	return ecam.base + ((paddr_t)bus << 20);
}

void pci_map_ecam(paddr_t root)
{
	paddr_t pa = ecam_pa(ecam.start_bus);
	size_t size = (size_t)(ecam.end_bus - ecam.start_bus + 1) << 20;
	int err = pt_map(root, (vaddr_t)pa_to_kva(pa), pa, size,
			 PG_READ | PG_WRITE | PG_DEVICE | PG_GLOBAL, NULL);

	if (err) {
		kprintf("pci: cannot map ECAM at %#lx (%s): error %d, no PCI devices\n",
			(unsigned long)pa, ecam.from, err);
		return;
	}
	ecam.mapped = true;
}

static volatile uint32_t *cfg(unsigned bus, unsigned dev, unsigned fn, unsigned off)
{
	return pa_to_kva(ecam_pa(bus) + (dev << 15 | fn << 12 | (off & 0xffc)));
}

static uint32_t cfg_read(unsigned bus, unsigned dev, unsigned fn, unsigned off)
{
	return *cfg(bus, dev, fn, off);
}

static void cfg_write(unsigned bus, unsigned dev, unsigned fn, unsigned off, uint32_t v)
{
	*cfg(bus, dev, fn, off) = v;
}

static uint8_t cfg_read8(unsigned bus, unsigned dev, unsigned fn, unsigned off)
{
	return cfg_read(bus, dev, fn, off) >> ((off & 3) * 8);
}

/* ---- the scan's pieces --------------------------------------------------- */

struct scan {
	struct arch_device *out;
	int max, n;
	uint8_t seen[256 / 8];	/* buses scanned: a bridge loop ends */
};

static void add_region(struct arch_device *d, paddr_t base, uint64_t size)
{
	paddr_t start = ALIGN_DOWN(base, PAGE_SIZE);
	paddr_t end = ALIGN_UP(base + size, PAGE_SIZE);

	if (d->nmmio < ARRAY_SIZE(d->mmio)) {
		d->mmio[d->nmmio].base = start;
		d->mmio[d->nmmio].size = end - start;
		d->nmmio++;
	}
}

/* A function's memory BARs by BAR index (a 64-bit BAR: at its first index); size 0: none. */
struct bars {
	uint64_t base[6], size[6];
};

/*
 * Size the memory BARs of a function with nbars of them, memory decoding
 * off meanwhile (the command register is restored after).
 */
static void read_bars(struct bars *b, unsigned bus, unsigned dev, unsigned fn, unsigned nbars)
{
	uint32_t cmd = cfg_read(bus, dev, fn, PCI_COMMAND) & 0xffff;	/* status: RW1C, write 0 */

	memset(b, 0, sizeof(*b));
	cfg_write(bus, dev, fn, PCI_COMMAND, cmd & ~PCI_COMMAND_MEMORY);
	for (unsigned i = 0; i < nbars; i++) {
		unsigned off = PCI_BAR0 + 4 * i, first = i;
		uint32_t lo = cfg_read(bus, dev, fn, off), hi = 0, mlo, mhi = ~0u;
		bool is64 = (lo & PCI_BAR_TYPE_MASK) == PCI_BAR_TYPE_64;
		uint64_t base, mask;

		if (lo & PCI_BAR_IO)
			continue;
		if (is64 && i + 1 >= nbars)
			break;		/* malformed: a 64-bit BAR in the last slot */
		cfg_write(bus, dev, fn, off, ~0u);
		mlo = cfg_read(bus, dev, fn, off);
		cfg_write(bus, dev, fn, off, lo);
		if (is64) {
			hi = cfg_read(bus, dev, fn, off + 4);
			cfg_write(bus, dev, fn, off + 4, ~0u);
			mhi = cfg_read(bus, dev, fn, off + 4);
			cfg_write(bus, dev, fn, off + 4, hi);
			i++;
		}
		mask = (uint64_t)mhi << 32 | (mlo & PCI_BAR_ADDR_MASK);
		base = (uint64_t)hi << 32 | (lo & PCI_BAR_ADDR_MASK);
		if (!(mlo & PCI_BAR_ADDR_MASK) || base == 0)
			continue;	/* not implemented, or not assigned by the firmware */
		b->base[first] = base;
		b->size[first] = ~mask + 1;
	}
	cfg_write(bus, dev, fn, PCI_COMMAND, cmd);
}

/* ---- MSI-X -------------------------------------------------------------- */

/* The offset of the function's MSI-X capability in config space, or 0. */
static unsigned find_msix(unsigned bus, unsigned dev, unsigned fn)
{
	unsigned off;

	if (!(cfg_read(bus, dev, fn, PCI_COMMAND) & PCI_STATUS_CAP_LIST))
		return 0;
	off = cfg_read8(bus, dev, fn, PCI_CAP_PTR) & 0xfc;
	for (unsigned n = 0; n < PCI_CAPS_MAX && off >= 0x40; n++) {
		if (cfg_read8(bus, dev, fn, off) == PCI_CAP_ID_MSIX)
			return off;
		off = cfg_read8(bus, dev, fn, off + 1) & 0xfc;
	}
	return 0;
}

/*
 * The kernel address of the first n entries of the MSI-X table (at
 * offset in BAR bir), mapped uncached, or NULL if the BAR does not hold
 * them or they cannot be mapped.
 */
static volatile uint32_t *map_table(const struct bars *b, unsigned bir, uint32_t offset,
				    unsigned n)
{
	uint64_t len = (uint64_t)n * MSIX_ENTRY_SIZE;
	paddr_t pa, start, end;
	unsigned pg;
	int err;

	if (bir >= 6 || !b->size[bir] || offset > b->size[bir] || len > b->size[bir] - offset)
		return NULL;
	pa = b->base[bir] + offset;
	start = ALIGN_DOWN(pa, PAGE_SIZE);
	end = ALIGN_UP(pa + len, PAGE_SIZE);
	for (paddr_t p = start; p < end; p += PAGE_SIZE) {
		err = pt_map(arch_pt_root(), (vaddr_t)pa_to_kva(p), p, PAGE_SIZE,
			     PG_READ | PG_WRITE | PG_DEVICE | PG_GLOBAL, NULL);
		/* mapped before: fine if as device memory (say a shared page) */
		if (err == -EEXIST && !pt_lookup(arch_pt_root(), (vaddr_t)pa_to_kva(p), NULL, &pg) &&
		    (pg & PG_DEVICE))
			err = 0;
		if (err)
			return NULL;
	}
	return pa_to_kva(pa);
}

/*
 * Give the function's first MSI-X entries vectors and turn MSI-X on, all
 * entries masked; d's lines are set if it worked. The function mask is
 * held while the table is written (no message can go out half-set up),
 * then released: from then on each entry's own mask bit rules.
 */
static void setup_msix(struct arch_device *d, const struct bars *b, unsigned bus, unsigned dev,
		       unsigned fn)
{
	unsigned cap = find_msix(bus, dev, fn), n;
	uint32_t head, orig, table, cmd;
	volatile uint32_t *t;
	int first;

	if (!cap)
		return;
	head = orig = cfg_read(bus, dev, fn, cap);
	table = cfg_read(bus, dev, fn, cap + MSIX_TABLE);
	n = MIN(((head >> MSIX_CTRL_SHIFT) & MSIX_CTRL_SIZE_MASK) + 1, MSIX_PER_FUNCTION);
	cmd = cfg_read(bus, dev, fn, PCI_COMMAND) & 0xffff;
	cfg_write(bus, dev, fn, PCI_COMMAND, cmd | PCI_COMMAND_MEMORY);
	head |= (MSIX_CTRL_ENABLE | MSIX_CTRL_FUNC_MASK) << MSIX_CTRL_SHIFT;
	cfg_write(bus, dev, fn, cap, head);
	t = map_table(b, table & MSIX_BIR_MASK, table & ~MSIX_BIR_MASK, n);
	first = t ? msix_vectors_alloc(&n, t) : -ENOENT;
	if (first < 0) {
		kprintf("pci: %s: MSI-X table %s, no interrupts\n", d->name,
			first == -ENOSPC ? "but no vectors left" : "outside its BAR or unmappable");
		cfg_write(bus, dev, fn, cap, orig);	/* as the firmware left it */
		cfg_write(bus, dev, fn, PCI_COMMAND, cmd);
		return;
	}
	cfg_write(bus, dev, fn, PCI_COMMAND, cmd | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	cfg_write(bus, dev, fn, cap, head & ~(MSIX_CTRL_FUNC_MASK << MSIX_CTRL_SHIFT));
	d->irq_line = MSIX_LINE_BASE + (unsigned)first;
	d->nirq = n;
}

/* ---- the scan ----------------------------------------------------------- */

/* d's mmio regions: its memory BARs in BAR order. */
static void add_bars(struct arch_device *d, const struct bars *b)
{
	for (unsigned i = 0; i < 6; i++)
		if (b->size[i])
			add_region(d, b->base[i], b->size[i]);
}

static void scan_bus(struct scan *s, unsigned bus, unsigned depth);

static void scan_function(struct scan *s, unsigned bus, unsigned dev, unsigned fn,
			  unsigned depth)
{
	uint32_t id = cfg_read(bus, dev, fn, PCI_VENDOR);
	unsigned htype = cfg_read8(bus, dev, fn, PCI_HEADER_TYPE) & 0x7f;
	struct arch_device *d;
	struct bars b;

	if (s->n < s->max) {
		d = &s->out[s->n++];
		memset(d, 0, sizeof(*d));
		ksnprintf(d->name, sizeof(d->name), "pci %02x:%02x.%x", bus, dev, fn);
		d->vendor = id & 0xffff;
		d->device = id >> 16;
		d->class_code = cfg_read(bus, dev, fn, PCI_CLASS_REV) >> 8;
		d->irq_line = ~0u;
		d->config = ecam_pa(bus) + (dev << 15 | fn << 12);
		if (htype <= 1) {
			read_bars(&b, bus, dev, fn, htype == 0 ? 6 : 2);
			add_bars(d, &b);
		}
		if (htype == 0)
			setup_msix(d, &b, bus, dev, fn);
	}
	if (htype == 1)
		scan_bus(s, cfg_read8(bus, dev, fn, PCI_SECONDARY_BUS), depth + 1);
}

static void scan_bus(struct scan *s, unsigned bus, unsigned depth)
{
	if (bus < ecam.start_bus || bus > ecam.end_bus || depth > PCI_MAX_DEPTH ||
	    (s->seen[bus / 8] & (1u << (bus % 8))))
		return;
	s->seen[bus / 8] |= 1u << (bus % 8);
	for (unsigned dev = 0; dev < 32; dev++) {
		unsigned nfn;

		if ((cfg_read(bus, dev, 0, PCI_VENDOR) & 0xffff) == 0xffff)
			continue;
		nfn = (cfg_read8(bus, dev, 0, PCI_HEADER_TYPE) & 0x80) ? 8 : 1;
		for (unsigned fn = 0; fn < nfn; fn++)
			if ((cfg_read(bus, dev, fn, PCI_VENDOR) & 0xffff) != 0xffff)
				scan_function(s, bus, dev, fn, depth);
	}
}

int arch_devices(struct arch_device *out, int max)
{
	static struct scan s;	/* the bus bitmap: off the kernel stack */
	unsigned pg;

	if (!ecam.mapped || max <= 0)
		return 0;
	/* Called before kmap_init's table is active, ECAM would be cached. */
	if (pt_lookup(arch_pt_root(), (vaddr_t)pa_to_kva(ecam_pa(ecam.start_bus)), NULL, &pg) ||
	    !(pg & PG_DEVICE))
		return 0;
	memset(&s, 0, sizeof(s));
	s.out = out;
	s.max = max;
	scan_bus(&s, ecam.start_bus, 0);
	return s.n;
}
