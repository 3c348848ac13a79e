/* Tasks: an address space and a handle table, shared by its threads. */
#pragma once

#include <handle.h>
#include <list.h>
#include <obj.h>

struct task {
	struct kobj obj;
	paddr_t pt;			/* root of its page table */
	struct pool *pool;		/* pays for its tables, handles, stacks */
	struct handle *handles;		/* slots 0..HANDLE_CHUNK-1: the first chunk (two pages) */
	struct handle **chunks;		/* the chunk directory (NULL until the table may grow) */
	unsigned handles_cap;		/* slots in allocated chunks */
	unsigned handles_max;		/* slots the table may grow to */
	unsigned handles_free;		/* free slots in allocated chunks */
	unsigned handle_hint;		/* no free slot below this one */
	struct list threads;		/* its live threads, by task_link */
	bool dead;			/* destroyed: no new threads */
	uint64_t faults;		/* user exceptions its threads took */
	char name[24];
};

extern const struct kobj_ops task_ops;

/* The root task (kernel/core/roottask.c); its death ends the system. */
extern struct task *root_task;

/* A new task with an empty address space, paid for by pool: 0 with *out, or -ENOMEM. */
int task_create(const char *name, struct pool *pool, struct task **out);

/*
 * Destroy every thread of t, close its handles and free its page tables.
 * The object lives on while references remain. May not return if t is the
 * caller's task.
 */
void task_destroy(struct task *t);

static inline struct task *to_task(struct kobj *o)
{
	return (struct task *)o;
}
