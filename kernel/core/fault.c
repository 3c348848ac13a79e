/* Exceptions taken in user mode. */
#include <kernel.h>
#include <sched.h>
#include <task.h>
#include <thread.h>

void user_exception(const char *kind, uintptr_t addr, uintptr_t pc)
{
	struct thread *t = sched_current();

	/* Kernel I has no fault handlers yet: the thread ends, the kernel does not */
	kprintf("faultline: thread %u of task %s: %s at %#lx (pc %#lx); thread terminated\n",
		t->id, t->task ? t->task->name : "?", kind, (unsigned long)addr,
		(unsigned long)pc);
	thread_destroy(t);
}
