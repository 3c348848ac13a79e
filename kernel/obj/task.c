/* Tasks. */
#include <arch.h>
#include <errno.h>
#include <kernel.h>
#include <memlayout.h>
#include <mm/frame.h>
#include <mm/kalloc.h>
#include <mm/pt.h>
#include <pool.h>
#include <sched.h>
#include <string.h>
#include <task.h>
#include <thread.h>
#include <umap.h>

_Static_assert(HANDLE_CHUNK * sizeof(struct handle) <= 2 * PAGE_SIZE, "the first chunk fits its two pages");
#define HANDLE_PAGES	2

/* Close the handles, free the user page tables and the handle table's chunks. */
static void task_teardown(struct task *t)
{
	handle_close_all(t);
	umap_destroy(t);
	pt_destroy_user(t->pt, t->pool);
	pool_frame_free(t->pool, kva_to_pa(t->handles), HANDLE_PAGES);
	t->handles = NULL;
}

/* The last reference is gone: no thread runs in t (each holds a reference). */
static void task_release(struct kobj *o)
{
	struct task *t = to_task(o);
	struct pool *pool = t->pool;

	if (!t->dead) {
		t->dead = true;
		task_teardown(t);
	}
	pool_frame_free(pool, t->pt, 1);
	pool_kfree(pool, t, sizeof(*t));
	kobj_put(&pool->obj);
}

const struct kobj_ops task_ops = { "task", task_release };

int task_create(const char *name, struct pool *pool, struct task **out)
{
	struct task *t = pool_kalloc(pool, sizeof(*t));
	paddr_t pt, handles;

	if (!t)
		return -ENOMEM;
	if (pool_frame_alloc(pool, 1, 1, &pt)) {
		pool_kfree(pool, t, sizeof(*t));
		return -ENOMEM;
	}
	if (pool_frame_alloc(pool, HANDLE_PAGES, 1, &handles)) {
		pool_frame_free(pool, pt, 1);
		pool_kfree(pool, t, sizeof(*t));
		return -ENOMEM;
	}
	kobj_init(&t->obj, &task_ops);
	t->pt = pt;
	t->pool = pool;
	kobj_get(&pool->obj);
	arch_pt_init_user(pt);
	t->handles = pa_to_kva(handles);
	t->handles_cap = HANDLE_CHUNK;
	t->handles_max = FL_HANDLES_MAX;
	t->handles_free = HANDLE_CHUNK;
	list_init(&t->threads);
	strlcpy(t->name, name, sizeof(t->name));
	*out = t;
	return 0;
}

void task_destroy(struct task *t)
{
	bool self = sched_current()->task == t;

	if (t->dead)
		return;
	t->dead = true;
	kobj_get(&t->obj);	/* keep t alive until we are done here */
	while (!list_empty(&t->threads)) {
		struct thread *th = list_first(&t->threads, struct thread, task_link);

		if (th == sched_current()) {
			list_remove(&th->task_link);	/* destroyed last, below */
			continue;
		}
		thread_destroy(th);
	}
	/* the root table goes in task_release: the caller may still run on it */
	task_teardown(t);
	kobj_put(&t->obj);
	if (self)
		thread_destroy(sched_current());	/* does not return */
}
