/*
 * Interrupt objects: a line a user driver owns, bound to a notification.
 * When the line fires the kernel masks it and signals the notification;
 * the driver serves the device and acknowledges, which unmasks it.
 */
#pragma once

#include <ipc.h>

struct irq {
	struct kobj obj;
	unsigned line;
	struct notification *ntfn;	/* signalled when the line fires (a reference) */
	uint64_t bits;
	bool pending;			/* fired, not yet acknowledged */
};

extern const struct kobj_ops irq_ops;

/* How many irq objects are bound: while any is, an interrupt may wake a thread. */
extern unsigned irq_bound;

/* The irq object for line: 0 with *out, -ENODEV (no such line), -EBUSY (taken), -ENOMEM. */
int irq_create(unsigned line, struct irq **out);

/* Called by the arch's interrupt dispatch for a line set up by irq_create. */
void irq_deliver(unsigned line);
