/*
 * Kernel I, tested from user mode: the generated negative tests (one per
 * documented error), handles, threads at several priorities (preemption,
 * order, round robin, sleep), destroying threads wherever they are,
 * suspend/resume, FP/SIMD state across switches, register access, TLS,
 * and user accesses the kernel must refuse. TAP output; powers off with
 * 0 when every case passed, 2 otherwise.
 *
 * The test runs as the root task at priority 32; helper threads run at
 * priorities around it in this address space, on static stacks.
 */
#include <faultline/sys.h>
#include <faultline/counter.h>
#include <faultline/ipc.h>
#include <faultline/kstat.h>
#include <faultline/mem.h>
#include <faultline/regs.h>
#include <negative.gen.h>
#include "arch_test.h"
#include "ktest.h"

static volatile char log_buf[64];
static volatile unsigned log_len;

static void log_char(char c)
{
	if (log_len < sizeof(log_buf) - 1)
		log_buf[log_len++] = c;
	log_buf[log_len] = 0;
}

static void log_reset(void)
{
	log_len = 0;
	log_buf[0] = 0;
}

static bool log_is(const char *want)
{
	return strcmp((const char *)log_buf, want) == 0;
}

/* ---- the generated negative tests ----------------------------------------- */

static int power_ro, task_ro, thread_ro, new_thread, new_thread_norights, dead_task,
	dead_thread, ep, ep_nogrant, ep_grantonly, ep_badged, ep_ro, ep_wo, ntfn, ntfn_ro, ntfn_wo,
	pool_ro, pool_norights, pool_nophys, pool_empty, frame, frame_ro, child_task,
	child_task_norights, irq_ro;
static char buf[4096];
static const char rodata_buf[64] = "read only";
/* map_frames' lists of one entry: good, a bad handle, not a frame, read-only, a page outside */
static struct fl_map_entry maplist[1], maplist_badf[1], maplist_notframe[1], maplist_ro[1],
	maplist_page[1];
static uint64_t tls_ok = 0x400000, tls_kernel = 0xffff800000000000ul;

static void spin_forever(void *arg)
{
	(void)arg;
	for (;;)
		;
}

#define T_BAD_HANDLE		200
#define T_SELF_TASK		boot->self_task
#define T_SELF_THREAD		boot->self_thread
#define T_POWER			boot->power
#define T_POWER_READONLY	power_ro
#define T_SELF_TASK_READONLY	task_ro
#define T_SELF_THREAD_READONLY	thread_ro
#define T_NEW_THREAD		new_thread
#define T_NEW_THREAD_NORIGHTS	new_thread_norights
#define T_DEAD_TASK		dead_task
#define T_DEAD_THREAD		dead_thread
#define T_BUF			(uintptr_t)buf
#define T_READONLY		(uintptr_t)rodata_buf
#define T_UNMAPPED		0x1000ul
#define T_KERNEL		0xffff800000000000ul
#define T_NONCANONICAL		0x0000800000000000ul
#define T_ENTRY			(uintptr_t)spin_forever
#define T_STACK			(uintptr_t)(kt_stacks[7] + KT_STACK_SIZE)
#define T_GENERAL_SIZE		sizeof(struct fl_regs_general)
#define T_TLS_OK		(uintptr_t)&tls_ok
#define T_TLS_KERNEL		(uintptr_t)&tls_kernel
#define T_EP			ep
#define T_EP_NOGRANT		ep_nogrant
#define T_EP_GRANTONLY		ep_grantonly
#define T_EP_BADGED		ep_badged
#define T_EP_READONLY		ep_ro
#define T_EP_WRITEONLY		ep_wo
#define T_NTFN			ntfn
#define T_NTFN_READONLY		ntfn_ro
#define T_NTFN_WRITEONLY	ntfn_wo
#define T_POOL			boot->pool
#define T_POOL_READONLY		pool_ro
#define T_POOL_NORIGHTS		pool_norights
#define T_POOL_EMPTY		pool_empty
#define T_FRAME			frame
#define T_FRAME_READONLY	frame_ro
#define T_CHILD_TASK		child_task
#define T_CHILD_TASK_NORIGHTS	child_task_norights
#define T_FREE_VA		0x40000000ul	/* nothing is mapped there */
#define T_IRQ			boot->console_irq
#define T_IRQ_READONLY		irq_ro
#define T_KSTAT_SIZE		sizeof(struct fl_kstat)
#define T_MAPPED_VA		((uintptr_t)buf & ~4095ul)
#define T_TAG_TOO_LONG		FL_TAG(0, FL_MSG_BUF_WORDS + 1, 0)
#define T_TAG_ONE_WORD		FL_TAG(0, 1, 0)
#define T_MAPLIST		(uintptr_t)maplist
#define T_MAPLIST_BADF		(uintptr_t)maplist_badf
#define T_MAPLIST_NOTFRAME	(uintptr_t)maplist_notframe
#define T_MAPLIST_RO		(uintptr_t)maplist_ro
#define T_MAPLIST_PAGE		(uintptr_t)maplist_page

static const char *make_fixtures(void)
{
	long t;

	power_ro = (int)fl_handle_dup(boot->power, FL_RIGHT_READ);
	task_ro = (int)fl_handle_dup(boot->self_task, FL_RIGHT_READ);
	thread_ro = (int)fl_handle_dup(boot->self_thread, FL_RIGHT_READ);
	new_thread = (int)fl_thread_create(boot->self_task, 1);
	new_thread_norights = (int)fl_handle_dup(new_thread, 0);
	dead_task = (int)fl_task_create(boot->pool);
	dead_thread = (int)fl_thread_create(boot->self_task, 1);
	ep = (int)fl_endpoint_create();
	ep_nogrant = (int)fl_handle_dup(ep, FL_RIGHT_READ | FL_RIGHT_WRITE | FL_RIGHT_MANAGE);
	ep_grantonly = (int)fl_handle_dup(ep, FL_RIGHT_GRANT);
	ep_badged = (int)fl_handle_mint(ep, FL_RIGHTS_ALL, 7);
	ep_ro = (int)fl_handle_dup(ep, FL_RIGHT_READ);
	ep_wo = (int)fl_handle_dup(ep, FL_RIGHT_WRITE);
	ntfn = (int)fl_notification_create();
	ntfn_ro = (int)fl_handle_dup(ntfn, FL_RIGHT_READ);
	ntfn_wo = (int)fl_handle_dup(ntfn, FL_RIGHT_WRITE);
	pool_ro = (int)fl_handle_dup(boot->pool, FL_RIGHT_READ);
	pool_norights = (int)fl_handle_dup(boot->pool, 0);
	pool_nophys = (int)fl_handle_dup(boot->pool, FL_RIGHTS_ALL & ~FL_RIGHT_PHYS);
	pool_empty = (int)fl_pool_create(boot->pool, 0);
	frame = (int)fl_frame_alloc(pool_nophys, 1);	/* no FL_RIGHT_PHYS */
	frame_ro = (int)fl_handle_dup(frame, FL_RIGHT_READ);
	child_task = (int)fl_task_create(boot->pool);
	child_task_norights = (int)fl_handle_dup(child_task, 0);
	irq_ro = (int)fl_handle_dup(boot->console_irq, FL_RIGHT_READ);
	maplist[0] = (struct fl_map_entry){ .frame = frame };
	maplist_badf[0] = (struct fl_map_entry){ .frame = T_BAD_HANDLE };
	maplist_notframe[0] = (struct fl_map_entry){ .frame = boot->self_task };
	maplist_ro[0] = (struct fl_map_entry){ .frame = frame_ro };
	maplist_page[0] = (struct fl_map_entry){ .frame = frame, .page = 1 };
	if (pool_ro < 0 || pool_norights < 0 || pool_nophys < 0 || pool_empty < 0 || frame < 0 || frame_ro < 0 ||
	    child_task < 0 || child_task_norights < 0 || irq_ro < 0)
		return "a memory fixture could not be made";
	if (power_ro < 0 || task_ro < 0 || thread_ro < 0 || new_thread < 0 ||
	    new_thread_norights < 0 || dead_task < 0 || dead_thread < 0 || ep < 0 ||
	    ep_nogrant < 0 || ep_grantonly < 0 || ep_badged < 0 || ep_ro < 0 || ep_wo < 0 ||
	    ntfn < 0 || ntfn_ro < 0 || ntfn_wo < 0)
		return "a fixture could not be made";
	if ((t = fl_task_destroy(dead_task)) || (t = fl_thread_destroy(dead_thread)))
		return FAIL("destroying a fixture: %ld", t);
	return NULL;
}

static void negative_tests(void)
{
	char name[160];
	long got;

#define RUN(call, err, when, nr, want, a0, a1, a2, a3, a4, a5) \
	got = fl_syscall6(nr, (long)(a0), (long)(a1), (long)(a2), (long)(a3), (long)(a4), \
			  (long)(a5)); \
	fl_snprintf(name, sizeof(name), "abi: %s %s: %s", call, err, when); \
	report(name, got == (want) ? NULL : FAIL("returned %ld", got));
	FL_NEGATIVE_TESTS(RUN)
#undef RUN
}

static const char *unknown_syscall(void)
{
	long r1 = fl_syscall6(0, 0, 0, 0, 0, 0, 0);
	long r2 = fl_syscall6(FL_SYS_COUNT, 0, 0, 0, 0, 0, 0);
	long r3 = fl_syscall6(-1, 0, 0, 0, 0, 0, 0);

	if (r1 != -ENOSYS || r2 != -ENOSYS || r3 != -ENOSYS)
		return FAIL("%ld %ld %ld", r1, r2, r3);
	return NULL;
}

/* ---- handles ------------------------------------------------------------- */

static const char *handle_table_full(void)
{
	int got[FL_HANDLES_MAX];
	int n = 0;
	long h, last;

	long task, thread;

	while ((h = fl_handle_dup(power_ro, FL_RIGHT_READ)) >= 0 && n < FL_HANDLES_MAX)
		got[n++] = (int)h;
	last = h;
	task = fl_task_create(boot->pool);				/* no room for its handle */
	thread = fl_thread_create(boot->self_task, 1);
	for (int i = 0; i < n; i++)
		fl_handle_close(got[i]);
	if (last != -EMFILE)
		return FAIL("dup %d times, then %ld", n, last);
	if (task != -EMFILE || thread != -EMFILE)
		return FAIL("task_create %ld, thread_create %ld with a full table", task, thread);
	if (fl_handle_dup(power_ro, FL_RIGHT_READ) < 0)
		return "no handle after closing";
	return NULL;
}

static const char *closed_handle(void)
{
	long h = fl_handle_dup(boot->self_task, FL_RIGHTS_ALL);
	long r;

	if (h < 0)
		return FAIL("dup: %ld", h);
	if (fl_handle_close((int)h) || (r = fl_thread_create((int)h, 1)) != -EBADF)
		return "a closed handle still works";
	return NULL;
}

/* ---- scheduling ----------------------------------------------------------- */

static void log_and_exit(void *c)
{
	log_char((char)(uintptr_t)c);
}

static const char *priority_order(void)
{
	long hi, lo;

	log_reset();
	hi = spawn(MAIN_PRIORITY + 10, log_and_exit, (void *)'H');	/* runs at once */
	lo = spawn(MAIN_PRIORITY - 10, log_and_exit, (void *)'L');	/* waits for us */
	log_char('M');
	sleep_ms(20);
	finish(hi);
	finish(lo);
	return log_is("HML") ? NULL : FAIL("order %s", (const char *)log_buf);
}

static void yield_three_times(void *c)
{
	for (int i = 0; i < 3; i++) {
		log_char((char)(uintptr_t)c);
		fl_yield();
	}
}

static const char *round_robin(void)
{
	long a, b;

	log_reset();
	a = spawn(MAIN_PRIORITY - 1, yield_three_times, (void *)'A');
	b = spawn(MAIN_PRIORITY - 1, yield_three_times, (void *)'B');
	sleep_ms(30);
	finish(a);
	finish(b);
	return log_is("ABABAB") ? NULL : FAIL("order %s", (const char *)log_buf);
}

static volatile uint64_t spins[2];
static volatile int stop_spinning;

static void spin_count(void *slot)
{
	volatile uint64_t *c = slot;

	while (!stop_spinning)
		(*c)++;
}

static const char *timer_preemption(void)
{
	long a, b;

	spins[0] = spins[1] = 0;
	stop_spinning = 0;
	a = spawn(MAIN_PRIORITY - 1, spin_count, (void *)&spins[0]);
	b = spawn(MAIN_PRIORITY - 1, spin_count, (void *)&spins[1]);
	sleep_ms(100);		/* neither yields: only the tick can share the CPU */
	stop_spinning = 1;
	sleep_ms(30);
	finish(a);
	finish(b);
	if (!spins[0] || !spins[1])
		return FAIL("spins %lu and %lu", (unsigned long)spins[0], (unsigned long)spins[1]);
	return NULL;
}

static volatile uint64_t slept_cycles;

static void sleep_30ms(void *arg)
{
	uint64_t t0 = fl_cycles();

	(void)arg;
	sleep_ms(30);
	slept_cycles = fl_cycles() - t0;
}

static const char *sleep_duration(void)
{
	uint64_t want = boot->counter_hz / 1000 * 30;
	long t;

	slept_cycles = 0;
	t = spawn(MAIN_PRIORITY + 1, sleep_30ms, NULL);
	sleep_ms(100);
	finish(t);
	if (!slept_cycles)
		return "the sleeper never woke";
	if (slept_cycles < want)
		return FAIL("slept %lu cycles, asked for %lu", (unsigned long)slept_cycles,
			    (unsigned long)want);
	return NULL;
}

/* ---- destroy, suspend, resume, priorities --------------------------------- */

static const char *destroy_ready(void)
{
	long t;

	log_reset();
	t = spawn(MAIN_PRIORITY - 1, log_and_exit, (void *)'X');
	if (fl_thread_destroy((int)t))
		return "destroy failed";
	sleep_ms(20);
	fl_handle_close((int)t);
	return log_len == 0 ? NULL : "the destroyed thread ran";
}

static void sleep_then_log(void *arg)
{
	(void)arg;
	sleep_ms(200);
	log_char('S');
}

static const char *destroy_sleeping(void)
{
	long t;

	log_reset();
	t = spawn(MAIN_PRIORITY + 1, sleep_then_log, NULL);	/* runs, then sleeps */
	if (fl_thread_destroy((int)t))
		return "destroy failed";
	sleep_ms(300);
	if (!dead(t))
		return "not dead";
	fl_handle_close((int)t);
	return log_len == 0 ? NULL : "the destroyed sleeper woke";
}

static const char *suspend_resume_destroy_spinner(void)
{
	uint64_t before, after;
	long t;

	spins[0] = 0;
	stop_spinning = 0;
	t = spawn(MAIN_PRIORITY - 1, spin_count, (void *)&spins[0]);
	sleep_ms(30);
	if (!spins[0])
		return "the spinner never ran";
	fl_thread_suspend((int)t);
	before = spins[0];
	sleep_ms(30);
	if (spins[0] != before)
		return "a suspended thread ran";
	fl_thread_resume((int)t);
	sleep_ms(30);
	if (spins[0] == before)
		return "a resumed thread did not run";
	/* destroy it while it is preempted, in the middle of its loop */
	if (fl_thread_destroy((int)t))
		return "destroy failed";
	after = spins[0];
	sleep_ms(30);
	fl_handle_close((int)t);
	return spins[0] == after ? NULL : "the destroyed spinner ran";
}

static const char *destroy_suspended(void)
{
	long t = spawn(MAIN_PRIORITY - 1, log_and_exit, (void *)'Z');

	log_reset();
	fl_thread_suspend((int)t);
	sleep_ms(20);
	if (log_len)
		return "a suspended thread ran";
	if (fl_thread_destroy((int)t) || !dead(t))
		return "destroy failed";
	fl_handle_close((int)t);
	return NULL;
}

static const char *raise_priority(void)
{
	long t;
	bool ran;

	log_reset();
	t = spawn(MAIN_PRIORITY - 5, log_and_exit, (void *)'P');
	if (log_len)
		return "ran before it was raised";
	fl_thread_set_priority((int)t, MAIN_PRIORITY + 5);
	ran = log_len == 1;	/* it must have run inside the call */
	finish(t);
	return ran ? NULL : "raising it did not run it at once";
}

/* ---- FP/SIMD state ---------------------------------------------------------- */

static volatile double fp_result[2];

static void fp_work(void *arg)
{
	double k = (double)(uintptr_t)arg, sum = 0;

	for (int i = 1; i <= 200; i++) {
		sum += k * i + 0.25;	/* kept in FP registers across the yield */
		if (i % 10 == 0)
			fl_yield();
	}
	fp_result[(uintptr_t)arg == 3] = sum;
}

static const char *fp_across_switches(void)
{
	double want2 = 2.0 * 200 * 201 / 2 + 0.25 * 200, want3 = 3.0 * 200 * 201 / 2 + 0.25 * 200;
	long a, b;

	fp_result[0] = fp_result[1] = 0;
	a = spawn(MAIN_PRIORITY - 1, fp_work, (void *)2);
	b = spawn(MAIN_PRIORITY - 1, fp_work, (void *)3);
	sleep_ms(50);
	finish(a);
	finish(b);
	if (fp_result[0] != want2 || fp_result[1] != want3)
		return FAIL("sums %d and %d, want %d and %d", (int)fp_result[0],
			    (int)fp_result[1], (int)want2, (int)want3);
	return NULL;
}

/* ---- registers and TLS ------------------------------------------------------ */

static volatile uint64_t got_arg;
extern volatile uint64_t fp_probe_low;
void arch_fp_probe(void);
uint64_t arch_read_tls(void);
void arch_undefined(void);
extern const uint64_t arch_top_syscall_addr;

static void record_arg(void *arg)
{
	got_arg = (uintptr_t)arg;
}

static const char *read_registers(void)
{
	struct fl_regs_general r;
	long t = spawn(MAIN_PRIORITY - 1, record_arg, (void *)7);
	unsigned i = (kt_next_stack - 1) % KT_STACKS;
	long err = fl_thread_read_regs((int)t, FL_REGS_GENERAL, &r, sizeof(r));
	const char *why = NULL;

	if (err)
		why = FAIL("read: %ld", err);
	else if (regs_pc(&r) != (uintptr_t)fl_thread_entry)
		why = FAIL("pc %#lx", (unsigned long)regs_pc(&r));
	else if (regs_sp(&r) != (((uintptr_t)kt_stacks[i] + KT_STACK_SIZE) & ~15ul))
		why = FAIL("sp %#lx", (unsigned long)regs_sp(&r));
	else if (regs_arg(&r) != (uintptr_t)&kt_starts[i])
		why = FAIL("arg %#lx", (unsigned long)regs_arg(&r));
	finish(t);
	return why;
}

static const char *write_registers(void)
{
	static struct fl_thread_start redirect = { record_arg, (void *)42 };
	struct fl_regs_general r;
	long t = spawn(MAIN_PRIORITY - 1, spin_forever, NULL);
	long err;

	got_arg = 0;
	err = fl_thread_read_regs((int)t, FL_REGS_GENERAL, &r, sizeof(r));
	regs_set_arg(&r, (uintptr_t)&redirect);	/* now record_arg(42), not spin_forever */
	if (!err)
		err = fl_thread_write_regs((int)t, FL_REGS_GENERAL, &r, sizeof(r));
	sleep_ms(20);
	finish(t);
	if (err)
		return FAIL("read/write: %ld", err);
	return got_arg == 42 ? NULL : FAIL("the thread saw %lu", (unsigned long)got_arg);
}

static const char *write_fp_registers(void)
{
	static struct fl_regs_fp f;
	long t = spawn(MAIN_PRIORITY - 1, spin_forever, NULL);
	struct fl_regs_general r;
	long err;

	fp_probe_low = 0;
	err = fl_thread_read_regs((int)t, FL_REGS_FP, &f, sizeof(f));
	fp_set_reg0(&f, 0x0123456789abcdefull);
	if (!err)
		err = fl_thread_write_regs((int)t, FL_REGS_FP, &f, sizeof(f));
	if (!err)
		err = fl_thread_read_regs((int)t, FL_REGS_GENERAL, &r, sizeof(r));
	regs_set_pc(&r, (uintptr_t)arch_fp_probe);
	if (!err)
		err = fl_thread_write_regs((int)t, FL_REGS_GENERAL, &r, sizeof(r));
	sleep_ms(20);
	finish(t);
	if (err)
		return FAIL("read/write: %ld", err);
	return fp_probe_low == 0x0123456789abcdefull ? NULL :
		FAIL("the thread saw %#lx", (unsigned long)fp_probe_low);
}

static struct tls_block {
	uint64_t self_tag;
} tls_blocks[2] = { { 0x1111 }, { 0x2222 } };
static volatile uint64_t tls_seen[2];

static void read_tls(void *slot)
{
	tls_seen[(uintptr_t)slot] = arch_read_tls();
}

static const char *tls_per_thread(void)
{
	long t[2];
	uint64_t base;
	long err = 0;

	tls_seen[0] = tls_seen[1] = 0;
	for (int i = 0; i < 2; i++) {
		t[i] = spawn(MAIN_PRIORITY - 1, read_tls, (void *)(uintptr_t)i);
		base = (uintptr_t)&tls_blocks[i];
		err |= fl_thread_write_regs((int)t[i], FL_REGS_TLS, &base, sizeof(base));
	}
	base = 0;
	err |= fl_thread_read_regs((int)t[1], FL_REGS_TLS, &base, sizeof(base));
	sleep_ms(20);
	finish(t[0]);
	finish(t[1]);
	if (err || base != (uintptr_t)&tls_blocks[1])
		return FAIL("tls registers: err %ld, read back %#lx", err, (unsigned long)base);
	if (tls_seen[0] != 0x1111 || tls_seen[1] != 0x2222)
		return FAIL("threads saw %#lx and %#lx", (unsigned long)tls_seen[0],
			    (unsigned long)tls_seen[1]);
	return NULL;
}

/* ---- what user mode must not do ----------------------------------------------- */

static void read_kernel(void *arg)
{
	(void)arg;
	log_char((char)*(volatile char *)0xffff800000000000ul);
}

static void write_kernel(void *arg)
{
	(void)arg;
	*(volatile char *)0xffff800000001000ul = 1;
	log_char('w');
}

static void exec_kernel(void *arg)
{
	(void)arg;
	((void (*)(void))KERNEL_TEXT_ADDR)();
	log_char('x');
}

static void undefined(void *arg)
{
	(void)arg;
	arch_undefined();
	log_char('u');
}

/* Run fn in a thread above us: it must die, leaving nothing in the log. */
static const char *must_die(void (*fn)(void *))
{
	long t;

	log_reset();
	t = spawn(MAIN_PRIORITY + 1, fn, NULL);
	if (t < 0)
		return FAIL("spawn: %ld", t);
	if (!dead(t) || log_len) {
		finish(t);
		return "the thread survived";
	}
	fl_handle_close((int)t);
	return NULL;
}

static const char *kernel_read(void) { return must_die(read_kernel); }
static const char *kernel_write(void) { return must_die(write_kernel); }
static const char *kernel_exec(void) { return must_die(exec_kernel); }
static const char *undefined_instruction(void) { return must_die(undefined); }

/* A system call as the very last instruction of user space. */
static const char *syscall_at_top(void)
{
	long t = fl_thread_create(boot->self_task, MAIN_PRIORITY + 1);
	long err;

	if (t < 0)
		return FAIL("create: %ld", t);
	if (arch_top_syscall_addr != TOP_SYSCALL_PC)
		return FAIL("the probe is at %#lx", (unsigned long)arch_top_syscall_addr);
	err = fl_thread_start((int)t, TOP_SYSCALL_PC, (uintptr_t)(kt_stacks[7] + KT_STACK_SIZE), 0);
	if (err)
		return FAIL("start: %ld", err);
	if (!dead(t)) {
		finish(t);
		return "the thread survived";
	}
	fl_handle_close((int)t);
	return NULL;
}

/* ---- main ----------------------------------------------------------------- */


static const struct kt_case tests[] = {
	{ "abi: unknown system-call numbers are ENOSYS", unknown_syscall },
	{ "handles: the table fills up with EMFILE and recovers", handle_table_full },
	{ "handles: a closed handle is EBADF", closed_handle },
	{ "sched: a higher priority runs first, a lower one waits", priority_order },
	{ "sched: equal priorities take turns on yield", round_robin },
	{ "sched: the timer shares the CPU between spinning threads", timer_preemption },
	{ "sched: sleep lasts at least as long as asked", sleep_duration },
	{ "sched: raising a thread above the caller runs it at once", raise_priority },
	{ "thread: destroy a ready thread before it runs", destroy_ready },
	{ "thread: destroy a sleeping thread", destroy_sleeping },
	{ "thread: suspend, resume and destroy a preempted spinner", suspend_resume_destroy_spinner },
	{ "thread: destroy a suspended thread", destroy_suspended },
	{ "fp: FP/SIMD registers survive switches", fp_across_switches },
	{ "regs: a new thread's pc, sp and argument", read_registers },
	{ "regs: writing the argument register redirects a thread", write_registers },
	{ "regs: FP/SIMD registers written before a thread runs", write_fp_registers },
	{ "regs: each thread has its own TLS base", tls_per_thread },
	{ "protect: reading kernel memory kills the thread", kernel_read },
	{ "protect: writing kernel memory kills the thread", kernel_write },
	{ "protect: executing kernel memory kills the thread", kernel_exec },
	{ "fault: an undefined instruction kills the thread", undefined_instruction },
	{ "fault: a syscall at the top of user space cannot return there", syscall_at_top },
};

#define NEGATIVE_COUNT_ONE(...) + 1
static const int negative_count = 0 FL_NEGATIVE_TESTS(NEGATIVE_COUNT_ONE);

int main(const struct fl_bootinfo *bi)
{
	const char *why;

	boot = bi;
	kt_plan(1 + negative_count, (int)(sizeof(tests) / sizeof(tests[0])));
	report("fixtures for the negative tests", why = make_fixtures());
	if (!why)
		negative_tests();
	kt_run(tests, (int)(sizeof(tests) / sizeof(tests[0])));
	return kt_finish();
}
