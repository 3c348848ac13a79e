/* Interrupt objects. */
#include <arch.h>
#include <errno.h>
#include <irq.h>
#include <kernel.h>
#include <kstat.h>
#include <mm/kalloc.h>

#define LINES_MAX	1024

static struct irq *owner[LINES_MAX];

unsigned irq_bound;	/* irq objects bound to a notification: wake-ups may come */

static void irq_release(struct kobj *o)
{
	struct irq *q = (struct irq *)o;

	arch_irq_line_mask(q->line);
	owner[q->line] = NULL;
	if (q->ntfn) {
		irq_bound--;
		kobj_put(&q->ntfn->obj);
	}
	kfree(q, sizeof(*q));
}

const struct kobj_ops irq_ops = { "irq", irq_release };

int irq_create(unsigned line, struct irq **out)
{
	struct irq *q;
	int err;

	if (line >= LINES_MAX)
		return -ENODEV;
	if (owner[line])
		return -EBUSY;
	err = arch_irq_line_setup(line);
	if (err)
		return err;
	q = kalloc(sizeof(*q));
	if (!q)
		return -ENOMEM;
	kobj_init(&q->obj, &irq_ops);
	q->line = line;
	owner[line] = q;
	*out = q;
	return 0;
}

void irq_deliver(unsigned line)
{
	struct irq *q = line < LINES_MAX ? owner[line] : NULL;

	kstat.kernel_entries++;
	kstat.interrupts++;
	arch_irq_line_mask(line);	/* until the driver acknowledges */
	if (!q)
		return;
	q->pending = true;
	if (q->ntfn)
		ipc_signal(q->ntfn, q->bits);
}
