/*
 * Faults as messages. A user exception becomes a call on the thread's
 * fault endpoint: badge = the handler's badge for the thread, tag label
 * FL_LABEL_FAULT, words: kind | access << 8 | sequence << 16, address,
 * pc, sp. The reply's label decides: resume, end with a signal, or end.
 * Without a handler, or when the handler goes away, the thread ends with
 * a console line and the signal the fault implies.
 */
#include <faultline/abi.h>
#include <ipc.h>
#include <kernel.h>
#include <kstat.h>
#include <sched.h>
#include <task.h>
#include <thread.h>

static __noreturn void terminate(struct thread *t, const struct fault_info *f, int sig,
				 const char *why)
{
	char buf[FAULT_WHAT_MAX];
	const char *what = f->what;

	if (!what) {
		f->describe(f, buf, sizeof(buf));
		what = buf;
	}
	kprintf("faultline: thread %u of task %s: %s at %#lx (pc %#lx): %s; "
		"terminated by signal %d\n", t->id, t->task ? t->task->name : "?", what,
		(unsigned long)f->addr, (unsigned long)f->pc, why, sig);
	t->exit_signal = sig;
	thread_destroy(t);
	panic("user_fault: a destroyed thread went on");
}

void user_fault(const struct fault_info *f)
{
	struct thread *t = sched_current();
	struct msg m;
	long r;

	kstat.kernel_entries++;
	kstat.faults++;
	t->fault_seq++;
	t->task->faults++;
	if (!t->fault_ep)
		terminate(t, f, fl_fault_signal(f->kind), "no fault handler");
	m = (struct msg){
		.tag = FL_TAG(FL_LABEL_FAULT, 0, 0),
		.w = { f->kind | f->access << 8 | t->fault_seq << 16, f->addr, f->pc, f->sp },
	};
	t->fault_addr = f->addr;
	t->in_fault = true;
	if (!ipc_send_call_fast(t->fault_ep, t->fault_badge, m.tag, m.w, &r))
		r = ipc_send(t->fault_ep, t->fault_badge, &m, true, true);
	t->in_fault = false;
	if (r < 0)
		terminate(t, f, fl_fault_signal(f->kind), "its fault handler is gone");
	switch (FL_TAG_LABEL(t->msg.tag)) {
	case FL_FAULT_RESUME:
	case FL_FAULT_MAP:	/* the replier mapped the page already */
	case FL_FAULT_COPY:	/* or a copy of it */
	case FL_FAULT_ZERO:	/* or a fresh zeroed page */
	case FL_FAULT_COW:	/* or a fresh copy */
	case FL_FAULT_ALLOW:	/* or gave it the rights it lacked */
		return;
	case FL_FAULT_SIGNAL:
		terminate(t, f, (int)t->msg.w[0], "the fault handler sent a signal");
	case FL_FAULT_TERMINATE:
		terminate(t, f, 0, "the fault handler ended it");
	default:
		terminate(t, f, fl_fault_signal(f->kind), "the fault handler's reply made no sense");
	}
}
