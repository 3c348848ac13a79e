/* Interrupts, I/O ports and the kernel's counters. */
#include <arch.h>
#include <errno.h>
#include <faultline/abi.h>
#include <ioport.h>
#include <irq.h>
#include <kstat.h>
#include <mm/frame.h>
#include <sched.h>
#include <syscall.h>
#include <task.h>
#include <uaccess.h>

struct fl_kstat kstat;

static struct task *self(void)
{
	return sched_current()->task;
}

static int get_irq(int h, struct irq **out)
{
	struct kobj *o;
	int err = handle_get(self(), h, &irq_ops, FL_RIGHT_MANAGE, &o);

	if (!err)
		*out = (struct irq *)o;
	return err;
}

long sys_irq_bind(int irq, int notification, uint64_t bits)
{
	struct kobj *n;
	struct irq *q;
	int err = get_irq(irq, &q);

	if (err)
		return err;
	err = handle_get(self(), notification, &notification_ops, FL_RIGHT_WRITE, &n);
	if (err)
		return err;
	if (bits == 0)
		return -EINVAL;
	kobj_get(n);
	if (q->ntfn)
		kobj_put(&q->ntfn->obj);
	else
		irq_bound++;
	q->ntfn = (struct notification *)n;
	q->bits = bits;
	q->pending = false;
	arch_irq_line_unmask(q->line);
	return 0;
}

long sys_irq_ack(int irq)
{
	struct irq *q;
	int err = get_irq(irq, &q);

	if (err)
		return err;
	if (!q->ntfn)
		return -EINVAL;
	q->pending = false;
	arch_irq_line_unmask(q->line);
	return 0;
}

static int get_port(int h, uint32_t rights, unsigned offset, unsigned width, unsigned *port)
{
	struct kobj *o;
	struct ioport *p;
	int err = handle_get(self(), h, &ioport_ops, rights, &o);

	if (err)
		return err;
	p = (struct ioport *)o;
	if (width != 1 && width != 2 && width != 4)
		return -EINVAL;
	if (offset >= p->size || width > p->size - offset)
		return -EINVAL;
	*port = p->base + offset;
	return 0;
}

long sys_ioport_in(int ioport, unsigned int offset, unsigned int width)
{
	unsigned port;
	int err = get_port(ioport, FL_RIGHT_READ, offset, width, &port);

	return err ? err : (long)arch_port_in(port, width);
}

long sys_ioport_out(int ioport, unsigned int offset, unsigned int width, unsigned int value)
{
	unsigned port;
	int err = get_port(ioport, FL_RIGHT_WRITE, offset, width, &port);

	if (err)
		return err;
	arch_port_out(port, width, value);
	return 0;
}

long sys_kstat(void *buf, size_t len)
{
	if (len != sizeof(kstat))
		return -EINVAL;
	kstat.pages_zeroed = frame_zeroed;
	return copy_to_user(self(), (uintptr_t)buf, &kstat, sizeof(kstat));
}
