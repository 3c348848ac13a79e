/*
 * The Faultline side of the benchmarks (docs/benchmarks.md): run as the
 * root task under QEMU icount, where the cycle counter advances once per
 * guest instruction. Each operation is timed many times after a warm-up;
 * the median per operation is reported, minus the cost of reading the
 * counter, in the same line format as bench/linux/linuxbench.c:
 *
 *   BENCH name=<op> insns=<median> min=<min> mean=<mean> iters=<n> stat=median
 *
 * then "BENCH done". --quick (bench=quick on the command line) runs fewer
 * iterations, for the regression guard in CI.
 */
#include <faultline/counter.h>
#include <faultline/kstat.h>
#include <faultline/msg.h>
#include <faultline/sys.h>

#define MAX_SAMPLES	2048

static uint64_t samples[MAX_SAMPLES];
static unsigned nsamples = 512, warmup = 64;
static uint64_t overhead;	/* of a back-to-back counter read */
static const struct fl_bootinfo *boot;

static void sort(uint64_t *a, unsigned n)
{
	for (unsigned i = 1; i < n; i++) {
		uint64_t x = a[i];
		unsigned j = i;

		for (; j > 0 && a[j - 1] > x; j--)
			a[j] = a[j - 1];
		a[j] = x;
	}
}

/* The kernel's counters around the timed loop (warm-up included). */
static struct fl_kstat k0, k1;

static void kstat_begin(void)
{
	fl_kstat(&k0, sizeof(k0));
}

static void kstat_end(void)
{
	fl_kstat(&k1, sizeof(k1));
}

/* Per operation, with two decimals: "12.34". */
static void per_op(char *buf, size_t size, uint64_t n, unsigned ops)
{
	uint64_t hundredths = n * 100 / ops;

	fl_snprintf(buf, size, "%lu.%02lu", (unsigned long)(hundredths / 100),
		    (unsigned long)(hundredths % 100));
}

/*
 * Median, minimum and mean of samples[0..n), each less overhead, and what
 * the kernel counted per operation over all ops (warm-up included).
 */
static void report(const char *name, unsigned n, unsigned per)
{
	uint64_t sum = 0, med, min;
	unsigned ops = warmup + nsamples;
	char e[24], a[24], t[24], z[24], c[24], fp[24];

	sort(samples, n);
	for (unsigned i = 0; i < n; i++)
		sum += samples[i];
	med = samples[n / 2];
	min = samples[0];
	per_op(e, sizeof(e), k1.kernel_entries - k0.kernel_entries, ops);
	per_op(a, sizeof(a), k1.as_switches - k0.as_switches, ops);
	per_op(t, sizeof(t), k1.tlb_flushes - k0.tlb_flushes, ops);
	per_op(z, sizeof(z), k1.pages_zeroed - k0.pages_zeroed, ops);
	per_op(c, sizeof(c), k1.pages_copied - k0.pages_copied, ops);
	per_op(fp, sizeof(fp), k1.ipc_fastpath - k0.ipc_fastpath, ops);
	fl_printf("BENCH name=%s insns=%lu min=%lu mean=%lu iters=%u stat=median "
		  "kernel_entries=%s as_switches=%s tlb_invalidations=%s pages_zeroed=%s "
		  "pages_copied=%s ipc_fastpath=%s\n", name,
		  (unsigned long)((med - overhead) / per), (unsigned long)((min - overhead) / per),
		  (unsigned long)((sum / n - overhead) / per), n, e, a, t, z, c, fp);
}

static void measure_overhead(void)
{
	for (unsigned i = 0; i < nsamples; i++) {
		uint64_t t0 = fl_cycles();

		samples[i] = fl_cycles() - t0;
	}
	sort(samples, nsamples);
	overhead = samples[nsamples / 2];
	fl_printf("BENCH name=counter_overhead insns=%lu iters=%u stat=median\n",
		  (unsigned long)overhead, nsamples);
}

static void null_syscall(void)
{
	kstat_begin();
	for (unsigned i = 0; i < warmup + nsamples; i++) {
		uint64_t t0 = fl_cycles();

		fl_null();
		if (i >= warmup)
			samples[i - warmup] = fl_cycles() - t0;
	}
	kstat_end();
	report("null_syscall", nsamples, 1);
}

/* Two threads of one priority yielding to each other: a round trip is two switches. */
static volatile int partner_stop;

static void yielder(void *arg)
{
	(void)arg;
	while (!partner_stop)
		fl_yield();
}

static char partner_stack[16384] __attribute__((aligned(16)));
static struct fl_thread_start partner = { yielder, 0 };

static void yield_round_trip(void)
{
	long t = fl_thread_spawn(boot->self_task, 32, &partner, partner_stack,
				 sizeof(partner_stack));

	if (t < 0) {
		fl_printf("BENCH error=spawn errno=%ld\n", -t);
		return;
	}
	kstat_begin();
	for (unsigned i = 0; i < warmup + nsamples; i++) {
		uint64_t t0 = fl_cycles();

		fl_yield();	/* to the partner, which yields back */
		if (i >= warmup)
			samples[i - warmup] = fl_cycles() - t0;
	}
	kstat_end();
	partner_stop = 1;
	fl_yield();
	fl_thread_destroy((int)t);
	fl_handle_close((int)t);
	report("yield_rtt_same_as", nsamples, 1);
}

/*
 * IPC round trip in one address space: a client thread calls, a server
 * thread answers with reply_recv; both register-only messages.
 */
static int bench_ep;
static char server_stack[16384] __attribute__((aligned(16)));

static void server(void *arg)
{
	static const uint64_t w[4];
	struct fl_msg m;
	long r = fl_recv_msg(bench_ep, &m);

	(void)arg;
	while (r == FL_RECV_MESSAGE)
		r = fl_reply_recv_msg(bench_ep, FL_TAG_WITH_REPLY(0, FL_TAG_REPLY(m.tag)), w, &m);
}

static struct fl_thread_start server_start = { server, 0 };

static void ipc_round_trip(void)
{
	static const uint64_t w[4] = { 1, 2, 3, 4 };
	struct fl_msg reply;
	long t;

	bench_ep = (int)fl_endpoint_create();
	t = fl_thread_spawn(boot->self_task, 33, &server_start, server_stack, sizeof(server_stack));
	if (bench_ep < 0 || t < 0) {
		fl_printf("BENCH error=ipc_setup errno=%ld\n", t < 0 ? -t : -(long)bench_ep);
		return;
	}
	kstat_begin();
	for (unsigned i = 0; i < warmup + nsamples; i++) {
		uint64_t t0 = fl_cycles();

		fl_call_msg(bench_ep, 0, w, &reply);
		if (i >= warmup)
			samples[i - warmup] = fl_cycles() - t0;
	}
	kstat_end();
	fl_thread_destroy((int)t);
	fl_handle_close((int)t);
	fl_handle_close(bench_ep);
	report("ipc_rtt_same_as", nsamples, 1);
}

/*
 * IPC round trip across address spaces: the server runs in a child task
 * that shares our text (its stack and a page telling it its endpoint are
 * its own).
 */
#define CHILD_PAGE	0x50000000ul
#define CHILD_STACK	0x50010000ul

struct child_page {
	struct fl_thread_start start;
	int ep;
};

static void child_server(void *arg)
{
	static const uint64_t w[4];
	struct child_page *p = arg;
	struct fl_msg m;
	long r = fl_recv_msg(p->ep, &m);

	while (r == FL_RECV_MESSAGE)
		r = fl_reply_recv_msg(p->ep, FL_TAG_WITH_REPLY(0, FL_TAG_REPLY(m.tag)), w, &m);
}

static void ipc_round_trip_cross(void)
{
	static const uint64_t w[4] = { 1, 2, 3, 4 };
	struct child_page *p = (struct child_page *)CHILD_PAGE;
	long child = fl_child_task_create(boot, boot->pool), ep = fl_endpoint_create();
	long page = fl_map_new(boot->pool, (int)child, CHILD_PAGE, 1, FL_MAP_READ | FL_MAP_WRITE);
	long stack = fl_map_new(boot->pool, (int)child, CHILD_STACK, 4, FL_MAP_READ | FL_MAP_WRITE);
	struct fl_msg reply;
	long t;

	if (child < 0 || ep < 0 || page < 0 || stack < 0 ||
	    fl_map(boot->self_task, CHILD_PAGE, (int)page, 0, 1, FL_MAP_READ | FL_MAP_WRITE)) {
		fl_printf("BENCH error=cross_setup\n");
		return;
	}
	p->ep = (int)fl_task_give_handle((int)child, (int)ep, FL_RIGHT_READ);
	p->start = (struct fl_thread_start){ child_server, p };
	t = fl_thread_create((int)child, 33);
	fl_thread_start((int)t, (uintptr_t)fl_thread_entry, CHILD_STACK + 4 * 4096, CHILD_PAGE);
	kstat_begin();
	for (unsigned i = 0; i < warmup + nsamples; i++) {
		uint64_t t0 = fl_cycles();

		fl_call_msg((int)ep, 0, w, &reply);
		if (i >= warmup)
			samples[i - warmup] = fl_cycles() - t0;
	}
	kstat_end();
	report("ipc_rtt_cross_as", nsamples, 1);
	fl_handle_close((int)t);
	fl_task_destroy((int)child);
	fl_handle_close((int)child);
	fl_unmap(boot->self_task, CHILD_PAGE, 4096);
	fl_handle_close((int)page);
	fl_handle_close((int)stack);
	fl_handle_close((int)ep);
}

/*
 * The bare fault round trip: a write to an unmapped page faults, the
 * handler thread (same address space) answers with map-and-resume of a
 * frame it holds ready, the write completes. The page is unmapped again
 * outside the timed window. No zeroing, no pager logic: the kernel's part.
 */
#define FAULT_VA	0x40000000ul

static int fault_ep, fault_frame;
static char handler_stack[16384] __attribute__((aligned(16)));

static void fault_handler(void *arg)
{
	uint64_t w[4] = { (uint64_t)fault_frame, 0, FL_MAP_READ | FL_MAP_WRITE, 0 };
	struct fl_msg m;
	long r = fl_recv_msg(fault_ep, &m);

	(void)arg;
	while (r == FL_RECV_MESSAGE)
		r = fl_reply_recv_msg(fault_ep, FL_TAG_WITH_REPLY(FL_TAG(FL_FAULT_MAP, 0, 0),
								  FL_TAG_REPLY(m.tag)), w, &m);
}

static struct fl_thread_start handler_start = { fault_handler, 0 };

static void fault_round_trip(void)
{
	volatile uint64_t *page = (uint64_t *)FAULT_VA;
	long t;

	fault_ep = (int)fl_endpoint_create();
	fault_frame = (int)fl_frame_alloc(boot->pool, 1);
	t = fl_thread_spawn(boot->self_task, 33, &handler_start, handler_stack,
			    sizeof(handler_stack));
	if (fault_ep < 0 || fault_frame < 0 || t < 0) {
		fl_printf("BENCH error=fault_setup\n");
		return;
	}
	fl_thread_set_fault_handler(boot->self_thread, fault_ep);
	kstat_begin();
	for (unsigned i = 0; i < warmup + nsamples; i++) {
		uint64_t t0 = fl_cycles();

		*page = i;	/* faults: mapped by the handler, then done */
		if (i >= warmup)
			samples[i - warmup] = fl_cycles() - t0;
		fl_unmap(boot->self_task, FAULT_VA, 4096);
	}
	kstat_end();
	fl_thread_set_fault_handler(boot->self_thread, -1);
	fl_thread_destroy((int)t);
	fl_handle_close((int)t);
	fl_handle_close(fault_frame);
	fl_handle_close(fault_ep);
	report("fault_rtt_bare", nsamples, 1);
}

/*
 * One `map` of a 4 KiB frame at an address whose page tables exist (the
 * page is unmapped again outside the timed window): seL4's Page_Map.
 */
static void map_page(void)
{
	long frame = fl_frame_alloc(boot->pool, 1), r = 0;

	if (frame < 0 || fl_map(boot->self_task, FAULT_VA, (int)frame, 0, 1, FL_MAP_READ) ||
	    fl_unmap(boot->self_task, FAULT_VA, 4096) != 4096) {
		fl_printf("BENCH error=map_setup\n");
		return;
	}
	kstat_begin();
	for (unsigned i = 0; i < warmup + nsamples && !r; i++) {
		uint64_t t0 = fl_cycles();

		r = fl_map(boot->self_task, FAULT_VA, (int)frame, 0, 1, FL_MAP_READ | FL_MAP_WRITE);
		if (i >= warmup)
			samples[i - warmup] = fl_cycles() - t0;
		fl_unmap(boot->self_task, FAULT_VA, 4096);
	}
	kstat_end();
	fl_handle_close((int)frame);
	if (r) {
		fl_printf("BENCH error=map %ld\n", r);
		return;
	}
	report("map_4K", nsamples, 1);
}

int main(const struct fl_bootinfo *bi)
{
	const char *cmdline = (const char *)bi + bi->cmdline_offset;

	boot = bi;
	for (const char *p = cmdline; *p; p++)
		if (!memcmp(p, "bench=quick", 11)) {
			nsamples = 64;
			warmup = 16;
		}
	fl_printf("BENCH config arch=%s machine=%s counter_hz=%lu\n", bi->arch, bi->machine,
		  (unsigned long)bi->counter_hz);
	measure_overhead();
	null_syscall();
	yield_round_trip();
	ipc_round_trip_cross();
	ipc_round_trip();
	fault_round_trip();
	map_page();
	fl_printf("BENCH done\n");
	return 0;
}
