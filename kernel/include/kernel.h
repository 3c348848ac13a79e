/* Services of the portable core used everywhere in the kernel. */
#pragma once

#include <stdarg.h>
#include <types.h>

/*
 * Guest status at power-off. Never 1: QEMU itself exits 1 on its own errors.
 * The runner (tools/qemu_run.py) decodes the QEMU exit code back to these.
 */
enum {
	STATUS_OK = 0,
	STATUS_TEST_FAILED = 2,
	STATUS_PANIC = 3,
	STATUS_BOOT_ERROR = 4,
	STATUS_ROOT_TASK_DIED = 5,
};

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
void kprintf(const char *fmt, ...) __printf(1, 2);
void kvprintf(const char *fmt, va_list ap);
/* Format to a character sink (the console). */
void kvformat(void (*sink)(int c), const char *fmt, va_list ap);

/* Print the final line and leave QEMU with status (see enum above). */
__noreturn void poweroff(int status);

/* A broken kernel invariant: report, backtrace, power off with STATUS_PANIC. */
__noreturn void panic(const char *fmt, ...) __printf(1, 2);

/*
 * A CPU exception taken in kernel mode: kind ("page fault (write)"), the
 * faulting address (0 if none), the saved registers.
 */
struct trap_frame;
__noreturn void panic_trap(const char *kind, vaddr_t addr, uintptr_t pc,
			   uintptr_t fp, const struct trap_frame *tf);

/* A CPU exception in user mode, as the arch decoded it. */
struct fault_info {
	unsigned kind;		/* FL_FAULT_* */
	unsigned access;	/* FL_ACCESS_* mask (page faults) */
	uintptr_t addr;		/* the faulting address, 0 if none */
	uintptr_t pc;
	uintptr_t sp;
	/*
	 * For messages: "page fault (write, protection)". A constant in what,
	 * or (what NULL) written by describe from syndrome when a message
	 * needs it: formatting costs more than a fault's whole round trip, so
	 * the fault path never does it.
	 */
	const char *what;
	void (*describe)(const struct fault_info *f, char *buf, size_t size);
	uint64_t syndrome;	/* the x86 error code, the AArch64 ESR */
};

#define FAULT_WHAT_MAX	96	/* enough for any description */

/*
 * Report a user exception of the current thread: a fault message to its
 * fault handler, which may resume it (this returns; the saved registers
 * may have been changed) or end it (this does not return). A thread
 * without a handler ends with a console line.
 */
void user_fault(const struct fault_info *f);

/* Boot failed because of what the boot loader gave us: say why, power off. */
__noreturn void boot_fail(const char *fmt, ...) __printf(1, 2);

/* Print the frame-pointer chain starting at fp. */
void backtrace(uintptr_t fp);

#define assert(cond) \
	do { \
		if (unlikely(!(cond))) \
			panic("assertion failed: %s (%s:%d)", #cond, __FILE__, __LINE__); \
	} while (0)

/* The kernel command line, as the boot loader passed it. */
void cmdline_set(const char *cmdline);
/*
 * Copy the value of "key=" on the command line into buf: 0, -ENOENT if
 * absent, -ERANGE if the value does not fit in size bytes.
 */
int cmdline_get(const char *key, char *buf, size_t size);

/* Timer ticks since arch_timer_init(); called from the arch's tick handler. */
#define TIMER_HZ	100
extern volatile uint64_t timer_ticks;
void timer_tick(void);
/* The scheduler's share of a tick (kernel/sched): wake sleepers, charge the time slice. */
void sched_tick(void);
