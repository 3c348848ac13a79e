/* Threads in the caller's own address space. */
#include <faultline/sys.h>

long fl_thread_spawn(int task, unsigned priority, struct fl_thread_start *start,
		     void *stack, size_t size)
{
	uintptr_t top = ((uintptr_t)stack + size) & ~(uintptr_t)15;
	long t = fl_thread_create(task, priority);
	long err;

	if (t < 0)
		return t;
	err = fl_thread_start((int)t, (uintptr_t)fl_thread_entry, top, (uintptr_t)start);
	if (err < 0) {
		fl_thread_destroy((int)t);
		fl_handle_close((int)t);
		return err;
	}
	return t;
}
