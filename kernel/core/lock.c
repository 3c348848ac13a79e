/*
 * The kernel lock. One lock around all kernel code from the start keeps
 * the kernel simple when SMP arrives; it is released only while idle.
 */
#include <arch.h>
#include <cpu.h>

static volatile unsigned next_ticket, now_serving;
static volatile int owner = -1;

struct cpu cpus[CPUS_MAX];

void kernel_lock(void)
{
	unsigned me = __atomic_fetch_add(&next_ticket, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&now_serving, __ATOMIC_ACQUIRE) != me)
		;
	owner = (int)arch_this_cpu()->id;
}

void kernel_unlock(void)
{
	owner = -1;
	__atomic_store_n(&now_serving, now_serving + 1, __ATOMIC_RELEASE);
}

bool kernel_lock_held(void)
{
	return owner == (int)arch_this_cpu()->id;
}
