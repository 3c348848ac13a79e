/* Filling struct boot_params from the arch's boot information. */
#include <boot.h>
#include <kernel.h>

void boot_add_ram(struct boot_params *bp, paddr_t base, uint64_t size)
{
	if (bp->nram >= BOOT_RANGES_MAX)
		boot_fail("memory map: more than %d RAM ranges", BOOT_RANGES_MAX);
	bp->ram[bp->nram].base = base;
	bp->ram[bp->nram].size = size;
	bp->ram[bp->nram].what = "ram";
	bp->nram++;
}

void boot_add_reserved(struct boot_params *bp, paddr_t base, uint64_t size,
		       const char *what)
{
	if (bp->nreserved >= BOOT_RANGES_MAX)
		boot_fail("memory map: more than %d reserved ranges", BOOT_RANGES_MAX);
	bp->reserved[bp->nreserved].base = base;
	bp->reserved[bp->nreserved].size = size;
	bp->reserved[bp->nreserved].what = what;
	bp->nreserved++;
}
