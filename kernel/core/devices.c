/*
 * The devices the arch found, handed to the root task: each memory region
 * as a device frame it can map, each interrupt line as an irq object
 * (a PCI function's MSI-X vectors: one each), a PCI function's
 * configuration space as a read-only device frame.
 */
#include <arch.h>
#include <devices.h>
#include <faultline/abi.h>
#include <frameobj.h>
#include <irq.h>
#include <kernel.h>
#include <memlayout.h>
#include <string.h>
#include <task.h>

static struct arch_device found[DEVICES_MAX];
static int nfound = -1;

int devices_count(void)
{
	if (nfound < 0) {
		nfound = arch_devices(found, DEVICES_MAX);
		for (int i = 0; i < nfound; i++)
			kprintf("device: %-24s %04x:%04x class %06x, %u region(s), irq %d (%u)\n",
				found[i].name, found[i].vendor, found[i].device, found[i].class_code,
				found[i].nmmio, found[i].irq_line == ~0u ? -1 : (int)found[i].irq_line,
				found[i].nirq);
	}
	return nfound;
}

/* A handle with rights to a new device frame for [base, base + size), or -1. */
static int frame_handle(struct task *t, paddr_t base, uint64_t size, uint32_t rights)
{
	struct frame *f;
	int h;

	if (frame_create_fixed(base, ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE, true, &f))
		return -1;
	h = handle_install(t, &f->obj, rights);
	kobj_put(&f->obj);
	return h;
}

/*
 * Devices may share a page (virtio-mmio slots are 0x200 apart): a page has
 * one frame object, so a later device gets another handle to it.
 */
static int shared_frame(struct task *t, const struct fl_bootinfo_device *out, int upto,
			paddr_t base)
{
	for (int i = 0; i < upto; i++)
		for (unsigned j = 0; j < out[i].nmmio; j++)
			if (out[i].mmio[j] >= 0 && out[i].mmio_base[j] == base)
				return handle_dup(t, out[i].mmio[j],
						  FL_RIGHT_READ | FL_RIGHT_WRITE | FL_RIGHT_GRANT);
	return -1;
}

static int irq_handle(struct task *t, uint32_t line)
{
	struct irq *q;
	int h;

	if (irq_create(line, &q))
		return -1;	/* shared with a device listed before, or no such line */
	h = handle_install(t, &q->obj, FL_RIGHTS_ALL);
	kobj_put(&q->obj);
	return h;
}

/* o's irq handles: one per line of d, up to FL_DEVICE_IRQS; -1 for the rest. */
static void irq_handles(struct task *t, const struct arch_device *d,
			struct fl_bootinfo_device *o)
{
	o->nirq = d->irq_line == ~0u ? 0 : MIN(d->nirq, (unsigned)FL_DEVICE_IRQS);
	for (unsigned j = 0; j < FL_DEVICE_IRQS; j++)
		o->irqs[j] = j < o->nirq ? irq_handle(t, d->irq_line + j) : -1;
	o->irq = o->irqs[0];
}

void devices_hand_over(struct task *t, struct fl_bootinfo_device *out, int n)
{
	for (int i = 0; i < n && i < nfound; i++) {
		const struct arch_device *d = &found[i];
		struct fl_bootinfo_device *o = &out[i];

		memset(o, 0, sizeof(*o));
		strlcpy(o->name, d->name, sizeof(o->name));
		o->vendor = d->vendor;
		o->device = d->device;
		o->class_code = d->class_code;
		irq_handles(t, d, o);
		o->nmmio = MIN(d->nmmio, 6u);
		for (unsigned j = 0; j < o->nmmio; j++) {
			o->mmio_base[j] = d->mmio[j].base;
			o->mmio_size[j] = d->mmio[j].size;
			o->mmio[j] = shared_frame(t, out, i, d->mmio[j].base);
			if (o->mmio[j] < 0)
				o->mmio[j] = frame_handle(t, d->mmio[j].base, d->mmio[j].size,
							  FL_RIGHT_READ | FL_RIGHT_WRITE |
							  FL_RIGHT_GRANT);
		}
		o->config_base = d->config;
		o->config = d->config ? frame_handle(t, d->config, PAGE_SIZE,
						     FL_RIGHT_READ | FL_RIGHT_GRANT) : -1;
	}
}
