/* The kernel lock (its operations are inline in cpu.h) and the per-CPU blocks. */
#include <arch.h>
#include <cpu.h>

struct kernel_lock big_lock = { .owner = -1 };

struct cpu cpus[CPUS_MAX];
