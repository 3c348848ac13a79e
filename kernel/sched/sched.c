/* Scheduling on one CPU (per-CPU queues arrive with SMP). */
#include <arch.h>
#include <cpu.h>
#include <faultline/abi.h>
#include <kernel.h>
#include <irq.h>
#include <kstat.h>
#include <sched.h>
#include <task.h>

#define PRIORITIES	(FL_PRIORITY_MAX + 1)

_Static_assert(PRIORITIES <= 64, "one bit per priority in a word");

static struct list run_queue[PRIORITIES];
static uint64_t ready_mask;		/* bit p: run_queue[p] is not empty */
static struct list sleepers = LIST_INIT(sleepers);	/* by wake_tick */
static struct thread idle_thread;
static struct thread *zombie;		/* destroyed while running; reaped later */
static bool need_resched;

void sched_ready(struct thread *t)
{
	list_push_back(&run_queue[t->priority], &t->sched_link);
	ready_mask |= 1ull << t->priority;
	sched_check_preempt();
}

void sched_unready(struct thread *t)
{
	list_remove(&t->sched_link);
	if (list_empty(&run_queue[t->priority]))
		ready_mask &= ~(1ull << t->priority);
}

static int best_ready_priority(void)
{
	return ready_mask ? 63 - __builtin_clzll(ready_mask) : -1;
}

void sched_check_preempt(void)
{
	struct thread *cur = sched_current();

	if (cur == &idle_thread || best_ready_priority() > (int)cur->priority)
		need_resched = true;
}

static struct thread *pick_next(void)
{
	int p = best_ready_priority();
	struct thread *t;

	if (p < 0)
		return &idle_thread;
	t = list_first(&run_queue[p], struct thread, sched_link);
	sched_unready(t);
	return t;
}

static void reap_zombie(void)
{
	if (zombie && zombie != sched_current()) {
		thread_reap(zombie);
		zombie = NULL;
	}
}

void schedule(void)
{
	struct thread *prev = sched_current(), *next;

	reap_zombie();
	if (prev->state == THREAD_RUNNING) {
		prev->state = THREAD_READY;
		if (prev != &idle_thread && !prev->suspended)
			list_push_back(&run_queue[prev->priority], &prev->sched_link),
			ready_mask |= 1ull << prev->priority;
	}
	next = pick_next();
	need_resched = false;
	next->state = THREAD_RUNNING;
	if (next->slice == 0)
		next->slice = SCHED_SLICE_TICKS;
	if (next == prev)
		return;
	arch_this_cpu()->current = next;
	kstat.context_switches++;
	arch_context_switch(prev, next);
	reap_zombie();
}

void sched_yield(void)
{
	sched_current()->slice = 0;
	schedule();
}

void sched_sleep(uint64_t ticks)
{
	struct thread *cur = sched_current();
	struct list *pos;

	if (ticks == 0) {
		sched_yield();
		return;
	}
	if (ticks > UINT64_MAX - timer_ticks)
		ticks = UINT64_MAX - timer_ticks;	/* forever, near enough */
	cur->wake_tick = timer_ticks + ticks;
	cur->state = THREAD_SLEEPING;
	for (pos = sleepers.next; pos != &sleepers; pos = pos->next)
		if (container_of(pos, struct thread, sched_link)->wake_tick > cur->wake_tick)
			break;
	list_insert_before(pos, &cur->sched_link);
	schedule();
}

long sched_block(void)
{
	struct thread *cur = sched_current();

	cur->state = THREAD_BLOCKED;
	schedule();
	return cur->wake_result;
}

void sched_wake(struct thread *t, long result)
{
	t->wake_result = result;
	t->blocked_on = NULL;
	t->state = THREAD_READY;
	if (!t->suspended)
		sched_ready(t);
}

long sched_block_switch(struct thread *next, long next_result)
{
	struct thread *cur = sched_current();

	if (next->suspended || (int)next->priority < best_ready_priority()) {
		sched_wake(next, next_result);
		return sched_block();
	}
	/* the IPC fast case: no run queue visited, next takes over at once */
	reap_zombie();
	cur->state = THREAD_BLOCKED;
	next->wake_result = next_result;
	next->blocked_on = NULL;
	next->state = THREAD_RUNNING;
	if (next->slice == 0)
		next->slice = SCHED_SLICE_TICKS;
	need_resched = false;
	arch_this_cpu()->current = next;
	kstat.context_switches++;
	arch_context_switch(cur, next);
	reap_zombie();
	return cur->wake_result;
}

bool sched_can_hand_to(struct thread *next)
{
	return !need_resched && !next->suspended && (int)next->priority >= best_ready_priority();
}

long sched_hand_to_user(struct thread *next)
{
	struct thread *cur = sched_current();

	cur->state = THREAD_BLOCKED;
	next->blocked_on = NULL;
	next->state = THREAD_RUNNING;
	if (next->slice == 0)
		next->slice = SCHED_SLICE_TICKS;
	arch_this_cpu()->current = next;
	kstat.context_switches++;
	kstat.ipc_fastpath++;
	arch_switch_to_user(cur, next);		/* releases the kernel lock */
	/* back through a general switch (schedule or sched_block_switch) */
	reap_zombie();
	return cur->wake_result;
}

__noreturn void sched_exit_current(void)
{
	struct thread *cur = sched_current();

	/*
	 * A thread that entered user mode for the first time came through the
	 * arch's trampoline, not back through schedule(), so an earlier zombie
	 * may still wait.
	 */
	reap_zombie();
	assert(cur->state == THREAD_DEAD && !zombie);
	zombie = cur;
	schedule();
	panic("sched_exit_current: a dead thread was resumed");
}

void sched_tick(void)
{
	struct thread *cur = sched_current();

	while (!list_empty(&sleepers)) {
		struct thread *t = list_first(&sleepers, struct thread, sched_link);

		if (t->wake_tick > timer_ticks)
			break;
		list_remove(&t->sched_link);
		t->state = THREAD_READY;
		if (!t->suspended)
			sched_ready(t);
	}
	if (cur != &idle_thread && cur->slice > 0 && --cur->slice == 0)
		need_resched = true;
}

void sched_exit_to_user(void)
{
	if (need_resched)
		schedule();
}

void sched_init(void)
{
	struct cpu *cpu = arch_this_cpu();

	for (int p = 0; p < PRIORITIES; p++)
		list_init(&run_queue[p]);
	kobj_init(&idle_thread.obj, &thread_ops);
	idle_thread.state = THREAD_RUNNING;
	idle_thread.kstack_top = cpu->kstack_top;
	list_init(&idle_thread.sched_link);
	list_init(&idle_thread.task_link);
	cpu->current = &idle_thread;
}

/*
 * The idle thread: wait for interrupts with the kernel lock released, and
 * run whatever became ready. With nothing ready, nobody asleep and no
 * interrupt line bound to a notification, nothing can ever run again (no
 * thread is left to resume a suspended one): say so.
 */
__noreturn void sched_start(void)
{
	for (;;) {
		if (ready_mask) {
			schedule();
			continue;
		}
		if (list_empty(&sleepers) && !irq_bound) {
			kprintf("faultline: no thread can run any more\n");
			poweroff(STATUS_PANIC);
		}
		kernel_unlock();
		arch_irq_enable();
		arch_wait_for_interrupt();
		arch_irq_save();
		kernel_lock();
	}
}
