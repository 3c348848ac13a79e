/* Tasks that run the caller's own code (tests, benchmarks, small pagers). */
#include <faultline/sys.h>

extern char __image_start[], __data_start[];

long fl_child_task_create(const struct fl_bootinfo *bi, int pool)
{
	long task = fl_task_create(pool), r;

	if (task < 0)
		return task;
	/* text and rodata, shared: the child runs our functions */
	r = fl_map_copy((int)task, bi->self_task, (uintptr_t)__image_start,
			(uintptr_t)__data_start - (uintptr_t)__image_start, FL_COPY_SHARE);
	if (r < 0) {
		fl_task_destroy((int)task);
		fl_handle_close((int)task);
		return r;
	}
	return task;
}

long fl_map_new(int pool, int task, uintptr_t va, size_t pages, unsigned prot)
{
	long f = fl_frame_alloc(pool, pages), r;

	if (f < 0)
		return f;
	r = fl_map(task, va, (int)f, 0, pages, prot);
	if (r) {
		fl_handle_close((int)f);
		return r;
	}
	return f;
}
