/*
 * bin/bootinfo, a root task (init=bin/bootinfo): show what the kernel
 * handed the root task, then power off with status 0.
 */
#include <faultline/sys.h>

int main(const struct fl_bootinfo *bi)
{
	const struct fl_bootinfo_mem *mem =
		(const void *)((const char *)bi + bi->mem_offset);

	fl_printf("bootinfo: hello from user mode on %s (%s, %s), %u cpu(s)\n", bi->arch,
		  bi->machine, bi->irqchip, bi->ncpus);
	fl_printf("bootinfo: command line \"%s\"\n", (const char *)bi + bi->cmdline_offset);
	fl_printf("bootinfo: %lu MiB of RAM, counter %lu Hz, tick %lu Hz\n",
		  (unsigned long)(bi->ram_bytes >> 20), (unsigned long)bi->counter_hz,
		  (unsigned long)bi->timer_hz);
	for (uint32_t i = 0; i < bi->mem_count; i++)
		fl_printf("bootinfo:   %s 0x%012lx +%lu KiB\n",
			  mem[i].kind == FL_MEM_RAM ? "ram     " : "reserved",
			  (unsigned long)mem[i].base, (unsigned long)(mem[i].size >> 10));
	for (uint32_t i = 0; i < bi->device_count; i++) {
		const struct fl_bootinfo_device *d =
			(const struct fl_bootinfo_device *)((const char *)bi + bi->devices_offset) + i;

		fl_printf("bootinfo: device %s %04x:%04x class %06x, %u region(s) at 0x%lx, "
			  "irq handle %d (%u irqs), config handle %d\n",
			  d->name, d->vendor, d->device, d->class_code, d->nmmio,
			  d->nmmio ? (unsigned long)d->mmio_base[0] : 0ul, d->irq, d->nirq,
			  d->config);
	}
	fl_printf("bootinfo: bootfs of %lu bytes at %p; handles: task %d, thread %d, power %d\n",
		  (unsigned long)bi->bootfs_size, (void *)bi->bootfs_addr, bi->self_task,
		  bi->self_thread, bi->power);
	return 0;
}
