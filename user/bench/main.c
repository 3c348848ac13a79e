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

/* Median, minimum and mean of samples[0..n), each less overhead. */
static void report(const char *name, unsigned n, unsigned per)
{
	uint64_t sum = 0, med, min;

	sort(samples, n);
	for (unsigned i = 0; i < n; i++)
		sum += samples[i];
	med = samples[n / 2];
	min = samples[0];
	fl_printf("BENCH name=%s insns=%lu min=%lu mean=%lu iters=%u stat=median\n", name,
		  (unsigned long)((med - overhead) / per), (unsigned long)((min - overhead) / per),
		  (unsigned long)((sum / n - overhead) / per), n);
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
	for (unsigned i = 0; i < warmup + nsamples; i++) {
		uint64_t t0 = fl_cycles();

		fl_null();
		if (i >= warmup)
			samples[i - warmup] = fl_cycles() - t0;
	}
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
	for (unsigned i = 0; i < warmup + nsamples; i++) {
		uint64_t t0 = fl_cycles();

		fl_yield();	/* to the partner, which yields back */
		if (i >= warmup)
			samples[i - warmup] = fl_cycles() - t0;
	}
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
	for (unsigned i = 0; i < warmup + nsamples; i++) {
		uint64_t t0 = fl_cycles();

		fl_call_msg(bench_ep, 0, w, &reply);
		if (i >= warmup)
			samples[i - warmup] = fl_cycles() - t0;
	}
	fl_thread_destroy((int)t);
	fl_handle_close((int)t);
	fl_handle_close(bench_ep);
	report("ipc_rtt_same_as", nsamples, 1);
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
	for (unsigned i = 0; i < warmup + nsamples; i++) {
		uint64_t t0 = fl_cycles();

		*page = i;	/* faults: mapped by the handler, then done */
		if (i >= warmup)
			samples[i - warmup] = fl_cycles() - t0;
		fl_unmap(boot->self_task, FAULT_VA, 4096);
	}
	fl_thread_set_fault_handler(boot->self_thread, -1);
	fl_thread_destroy((int)t);
	fl_handle_close((int)t);
	fl_handle_close(fault_frame);
	fl_handle_close(fault_ep);
	report("fault_rtt_bare", nsamples, 1);
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
	ipc_round_trip();
	fault_round_trip();
	fl_printf("BENCH done\n");
	return 0;
}
