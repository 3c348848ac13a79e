/*
 * linuxbench.c -- the Linux side of Faultline's benchmark suite (issue 6).
 *
 * One static program, run as /init of an initramfs on Debian's own kernel in
 * QEMU TCG with -icount shift=0,align=off,sleep=off.  Under that
 * configuration the guest's x86 TSC and AArch64 PMCCNTR_EL0 advance exactly
 * once per executed guest instruction, so every figure below is a path length
 * in guest instructions (user + kernel, everything the CPU executed between
 * the two counter reads, interrupts included).  See bench/linux/README.md.
 *
 * Figures: "insns" is the median over samples; a sample is one batch of ops
 * between two counter reads, divided by the batch size, minus the counter-read
 * overhead.  Batches are either N repetitions (syscalls, IPC) or one access
 * per page over a whole mapping (streaming fault figures, which therefore
 * include all amortised work).  "_hot" rows time single faults (median = the
 * common path only).  Names starting "x_" are investigation variants run only
 * with LB_EXTRA=1 on the kernel command line.
 *
 * Output: one line per operation,
 *   BENCH name=<op> insns=<median per op> min=<minimum> mean=<mean> iters=<ops measured>
 *         samples=<n> batch=<ops per sample> stat=median faults_per_op=<minflt+majflt per op> csw_per_op=<context switches per op>
 *         counter=<tsc|pmccntr|cntvct> [cntvct_check=<median from CNTVCT_EL0>]
 *         [pmccntr_task=<median from the perf-managed PMCCNTR>] [key=value notes]
 * then "BENCH done", then power-off.
 *
 * Build: gcc -static -O2 -pthread -o init linuxbench.c
 *        aarch64-linux-gnu-gcc -static -O2 -pthread -o init linuxbench.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <linux/perf_event.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096UL

/* ------------------------------------------------------------------------
 * Counter.  rd() returns guest instructions (under icount shift=0).
 * x86_64: rdtsc = icount exactly.  AArch64: PMCCNTR_EL0 (1 GHz virtual clock
 * = 1 per instruction) if the kernel grants EL0 access through perf, else
 * CNTVCT_EL0 scaled by 1e9/CNTFRQ (62.5 MHz -> 16 instructions per tick).
 * aux() is an independent second clock used as a cross-check (AArch64 only).
 * ---------------------------------------------------------------------- */
static const char *counter_name = "tsc";
static int have_aux;

#if defined(__x86_64__)
static inline uint64_t rd(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi)::"memory");
	return ((uint64_t)hi << 32) | lo;
}
static inline uint64_t aux(void) { return 0; }
static void counter_init(void) { counter_name = "tsc"; }
static void pmu_init(void) {}
static int pmc_enabled(void) { return 0; }
#elif defined(__aarch64__)
static int pmc_mode;      /* 0: cntvct, 1: pmccntr, 2: pmevcntr<n> via pmselr */
static uint64_t vct_scale = 16;
static inline uint64_t vct(void)
{
	uint64_t v;
	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v)::"memory");
	return v * vct_scale;
}
static inline uint64_t pmc(void)
{
	uint64_t v;
	if (pmc_mode == 1)
		__asm__ volatile("isb; mrs %0, pmccntr_el0" : "=r"(v)::"memory");
	else
		__asm__ volatile("isb; mrs %0, pmxevcntr_el0" : "=r"(v)::"memory");
	return v;
}
static inline uint64_t rd(void) { return pmc_mode ? pmc() : vct(); }
static int pmc_enabled(void) { return pmc_mode != 0; }
static inline uint64_t aux(void) { return vct(); }

static sigjmp_buf probe_jb;
static void probe_sigill(int sig) { (void)sig; siglongjmp(probe_jb, 1); }

static void counter_init(void)
{
	uint64_t frq;
	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(frq));
	vct_scale = frq ? 1000000000ULL / frq : 16;
	counter_name = "cntvct";
	have_aux = 1;
	printf("# CNTFRQ_EL0 = %llu Hz: CNTVCT_EL0 x %llu = instructions\n", (unsigned long long)frq,
	       (unsigned long long)vct_scale);
}

/* Called only after the operations that switch tasks have run: an active
 * perf event makes every context switch of the tasks that carry it ~650
 * instructions more expensive (perf context switch-out/in), and perf's
 * scheduler hooks stay enabled for a second after the last event is closed. */
static void pmu_init(void)
{
	if (getenv("LB_CNTVCT")) { /* kernel command line LB_CNTVCT=1: test the fallback */
		printf("# LB_CNTVCT set: using CNTVCT_EL0 (x%llu) for everything\n", (unsigned long long)vct_scale);
		return;
	}

	/* perf_user_access (Linux >= 5.17): EL0 may read a counter of an
	 * event opened with config1 bit 1 ("rdpmc"); bit 0 ("long") asks for
	 * a 64-bit counter, which the cycle counter is. */
	int fd = open("/proc/sys/kernel/perf_user_access", O_WRONLY);
	if (fd < 0 || write(fd, "1", 1) != 1) {
		printf("# perf_user_access sysctl not writable (%s): using CNTVCT_EL0\n", strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	close(fd);
	/* Step 1: a non-inherited event can be mmap'd; its page says which
	 * counter the kernel gave it and whether EL0 may read it.
	 * (perf_mmap() refuses inherited per-task events: EINVAL.) */
	struct perf_event_attr a;
	memset(&a, 0, sizeof a);
	a.size = sizeof a;
	a.type = PERF_TYPE_HARDWARE;
	a.config = PERF_COUNT_HW_CPU_CYCLES;
	a.config1 = 0x3; /* bit 0 "long" (64-bit counter), bit 1 "rdpmc" (EL0 access) */
	a.pinned = 1;
	int pfd = (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
	if (pfd < 0) {
		printf("# perf_event_open(cycles, config1=3) failed: %s: using CNTVCT_EL0\n", strerror(errno));
		return;
	}
	struct perf_event_mmap_page *pg = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, pfd, 0);
	if (pg == MAP_FAILED) {
		printf("# mmap of perf page failed: %s: using CNTVCT_EL0\n", strerror(errno));
		return;
	}
	uint32_t idx = pg->index;
	printf("# perf page (probe event): cap_user_rdpmc=%u index=%u pmc_width=%u\n",
	       (unsigned)pg->cap_user_rdpmc, idx, (unsigned)pg->pmc_width);
	if (!pg->cap_user_rdpmc || idx == 0) {
		printf("# no user-readable counter: using CNTVCT_EL0\n");
		return;
	}
	munmap(pg, PAGE);
	close(pfd);
	/* Step 2: the event actually used is inherited, so that forked children
	 * (the COW benchmark measures in the child) also have EL0 access
	 * (PMUSERENR_EL0 is set for tasks whose perf context holds a user-
	 * readable event).  It is the only cycles event, so it lands on the
	 * counter the probe got.  Raw reads are valid only within one task
	 * between switches, which is all the in-task benchmarks need. */
	a.inherit = 1;
	pfd = (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
	if (pfd < 0) {
		printf("# perf_event_open(inherit) failed: %s: using CNTVCT_EL0\n", strerror(errno));
		return;
	}
	if (idx == 32) {
		pmc_mode = 1;
	} else {
		uint64_t sel = idx - 1;
		__asm__ volatile("msr pmselr_el0, %0; isb" ::"r"(sel));
		pmc_mode = 2;
	}
	struct sigaction sa, old;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = probe_sigill;
	sigaction(SIGILL, &sa, &old);
	if (sigsetjmp(probe_jb, 1)) {
		printf("# reading the PMU counter at EL0 trapped (SIGILL): using CNTVCT_EL0\n");
		pmc_mode = 0;
		sigaction(SIGILL, &old, NULL);
		return;
	}
	uint64_t t0 = pmc();
	for (int i = 0; i < 1000; i++)
		__asm__ volatile("nop");
	uint64_t t1 = pmc();
	sigaction(SIGILL, &old, NULL);
	printf("# PMU counter (%s) over a 1000-iteration loop: %llu\n",
	       pmc_mode == 1 ? "pmccntr_el0" : "pmxevcntr_el0", (unsigned long long)(t1 - t0));
	if (t1 - t0 < 1000 || t1 - t0 > 100000) {
		printf("# implausible: using CNTVCT_EL0\n");
		pmc_mode = 0;
		return;
	}
	counter_name = pmc_mode == 1 ? "pmccntr" : "pmevcntr";
}
#else
#error "x86_64 or aarch64 only"
#endif

/* ------------------------------------------------------------------------
 * Statistics and reporting
 * ---------------------------------------------------------------------- */
static double ovh;      /* minimum cost of an empty rd()..rd() interval */
static double aux_ovh;

static int cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}
static double median(double *v, int n)
{
	qsort(v, n, sizeof *v, cmpd);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}
static double minimum(double *v, int n)
{
	double m = v[0];
	for (int i = 1; i < n; i++)
		if (v[i] < m)
			m = v[i];
	return m;
}
/* Page faults (minflt + majflt) and context switches (voluntary +
 * involuntary) of this process and its waited-for children, packed into one
 * long so that deltas can be taken and summed: faults in the low 32 bits,
 * switches in the high bits.  Decoded by report(). */
#define EV_FAULTS(d) ((double)((d) & 0xffffffffL))
#define EV_CSW(d) ((double)((d) >> 32))
static long ev_of(const struct rusage *r)
{
	return (r->ru_minflt + r->ru_majflt) + ((long)(r->ru_nvcsw + r->ru_nivcsw) << 32);
}
static long faults_now(void)
{
	struct rusage r;
	getrusage(RUSAGE_SELF, &r);
	long f = ev_of(&r);
	getrusage(RUSAGE_CHILDREN, &r);
	return f + ev_of(&r);
}

/* samples: per-op values (overhead already subtracted). */
static double mean(double *v, int n)
{
	double s = 0;
	for (int i = 0; i < n; i++)
		s += v[i];
	return s / n;
}
static int cross_task; /* set by a benchmark whose timed section switches tasks */
/* ev: faults_now() delta over the measured ops (not the warm-up); ops: their number */
static void report(const char *name, double *v, double *va, int n, int batch,
		   long ev, long ops, const char *extra)
{
	if (getenv("LB_DUMP")) { /* kernel command line LB_DUMP=1: raw samples, in order */
		printf("# samples %s:", name);
		for (int i = 0; i < n; i++)
			printf(" %.0f", v[i]);
		printf("\n");
	}
	const char *cname = counter_name;
	if (cross_task && have_aux && strcmp(counter_name, "cntvct") != 0) {
		/* AArch64: the perf-managed PMCCNTR does not count the part of a
		 * context switch during which perf swaps contexts (it undercounts
		 * ~400 instructions per switch), so operations that switch tasks
		 * are timed with CNTVCT_EL0 (global, 16 instructions per tick;
		 * batches/long operations make that resolution negligible). */
		double *t = v;
		v = va;
		va = t;
		cname = "cntvct";
	}
	double mn = minimum(v, n), av = mean(v, n), md = median(v, n);
	printf("BENCH name=%s insns=%.0f min=%.0f mean=%.0f iters=%d samples=%d batch=%d stat=median "
	       "faults_per_op=%.3f csw_per_op=%.3f counter=%s",
	       name, md, mn, av, n * batch, n, batch, EV_FAULTS(ev) / ops, EV_CSW(ev) / ops, cname);
	if (have_aux && va && strcmp(cname, "cntvct") != 0)
		printf(" cntvct_check=%.0f", median(va, n));
	else if (have_aux && va && strcmp(counter_name, "cntvct") != 0) {
		/* diagnostic only: the perf-managed counter across task switches
		 * (it can even be reprogrammed, e.g. when a child exits) */
		double pm = median(va, n);
		if (pm > 0 && pm < 1e12)
			printf(" pmccntr_task=%.0f", pm);
		else
			printf(" pmccntr_task=invalid");
	}
	cross_task = 0;
	if (extra && *extra)
		printf(" %s", extra);
	printf("\n");
	fflush(stdout);
}

/* Timed section helpers: T0/T1 around a batch of `k` ops into sample i. */
#define T0()                                                                                       \
	uint64_t _a0 = aux();                                                                      \
	uint64_t _t0 = rd()
#define T1(arr, aarr, i, k)                                                                        \
	do {                                                                                       \
		uint64_t _t1 = rd();                                                               \
		uint64_t _a1 = aux();                                                              \
		(arr)[i] = ((double)(_t1 - _t0) - ovh) / (k);                                      \
		(aarr)[i] = ((double)(_a1 - _a0) - aux_ovh) / (k);                                 \
	} while (0)

static void calibrate(void)
{
	double m = 1e18, ma = 1e18;
	for (int i = 0; i < 2000; i++) {
		uint64_t a0 = aux();
		uint64_t t0 = rd();
		uint64_t t1 = rd();
		uint64_t a1 = aux();
		if ((double)(t1 - t0) < m)
			m = (double)(t1 - t0);
		if ((double)(a1 - a0) < ma)
			ma = (double)(a1 - a0);
	}
	ovh = m;
	aux_ovh = have_aux ? ma : 0;
	printf("# counter=%s read overhead (min of empty interval, subtracted) = %.0f\n", counter_name, ovh);
}

static void die(const char *what)
{
	printf("BENCH error=%s errno=%d (%s)\n", what, errno, strerror(errno));
	fflush(stdout);
}

static void *map_anon(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	madvise(p, len, MADV_NOHUGEPAGE);
	return p;
}

#define MAXS 1024
static double S[MAXS], SA[MAXS];

/* ------------------------------------------------------------------------
 * 1. null syscall: getppid()
 * ---------------------------------------------------------------------- */
/* Batches of 48 calls: on arm64 every syscall draws a u16 from the batched
 * entropy pool for the random kernel-stack offset, and every 48th call
 * refills it (a ChaCha20 block, ~2800 instructions); a batch of 48 carries
 * exactly one refill, so the figure is the amortised per-call cost.  (x86
 * uses rdtsc for the offset: no periodic cost.) */
static void b_null(void)
{
	const int K = 48, N = 32;
	for (int i = 0; i < 4 * K; i++)
		getppid();
	long f0 = faults_now();
	for (int s = 0; s < N; s++) {
		T0();
		for (int i = 0; i < K; i++)
			getppid();
		T1(S, SA, s, K);
	}
	report("null_syscall", S, SA, N, K, faults_now() - f0, (long)N * K, "");
}

/* ------------------------------------------------------------------------
 * 2. pipe round trip between two processes (1 byte each way)
 * ---------------------------------------------------------------------- */
static int pipe_fds[4];
static int pipe_poll;
static void pipe_peer(void)
{
	char c;
	struct pollfd pf = {pipe_fds[0], POLLIN, 0};
	for (;;) {
		if (pipe_poll && poll(&pf, 1, -1) != 1)
			break;
		if (read(pipe_fds[0], &c, 1) != 1 || write(pipe_fds[3], &c, 1) != 1)
			break;
	}
}
static void *pipe_peer_thread(void *arg)
{
	(void)arg;
	pipe_peer();
	return NULL;
}
/* mode 0: two processes.  Investigation only (LB_EXTRA=1): 1: two threads;
 * 2: two processes, each side poll()s before read(). */
static void b_pipe(int mode)
{
	const int K = 16, N = 32, W = 4;
	int p1[2], p2[2];
	char c = 'x';
	pthread_t th;
	pid_t pid = -1;
	if (pipe(p1) || pipe(p2))
		return die("pipe");
	pipe_fds[0] = p1[0];
	pipe_fds[1] = p1[1];
	pipe_fds[2] = p2[0];
	pipe_fds[3] = p2[1];
	pipe_poll = mode == 2;
	struct pollfd pf = {p2[0], POLLIN, 0};
	fflush(stdout);
	if (mode == 1) {
		if (pthread_create(&th, NULL, pipe_peer_thread, NULL))
			return die("pthread_create");
	} else {
		pid = fork();
		if (pid == 0) {
			close(p1[1]);
			close(p2[0]);
			pipe_peer();
			_exit(0);
		}
		close(p1[0]);
		close(p2[1]);
	}
	for (int i = 0; i < W * K; i++) {
		if (write(p1[1], &c, 1) != 1 || read(p2[0], &c, 1) != 1)
			return die("pipe-warm");
	}
	long f0 = faults_now();
	for (int s = 0; s < N; s++) {
		T0();
		for (int i = 0; i < K; i++) {
			write(p1[1], &c, 1);
			if (pipe_poll)
				poll(&pf, 1, -1);
			read(p2[0], &c, 1);
		}
		T1(S, SA, s, K);
	}
	long f1 = faults_now();
	close(p1[1]);
	if (mode == 1) {
		pthread_join(th, NULL);
		close(p1[0]);
		close(p2[1]);
	} else {
		waitpid(pid, NULL, 0);
	}
	close(p2[0]);
	cross_task = 1;
	static const char *names[] = {"pipe_rtt", "x_pipe_rtt_thread", "x_pipe_rtt_poll"};
	report(names[mode], S, SA, N, K, f1 - f0, (long)N * K, "msg=1B");
}

/* ------------------------------------------------------------------------
 * 3. futex round trip: between two threads (private futex), and between two
 * processes on a MAP_SHARED anonymous word (shared futex).
 * One round trip = FUTEX_WAKE + FUTEX_WAIT on each side, 2 switches.
 * ---------------------------------------------------------------------- */
static int *fword;
static int fflag;
static struct timespec *ftimeout;
static long fut(int op, int val)
{
	return syscall(SYS_futex, fword, op | fflag, val, op == FUTEX_WAIT ? ftimeout : NULL, NULL, 0);
}
static void *futex_peer(void *arg)
{
	(void)arg;
	for (;;) {
		int v;
		while ((v = __atomic_load_n(fword, __ATOMIC_ACQUIRE)) == 0)
			fut(FUTEX_WAIT, 0);
		if (v == 2)
			return NULL;
		__atomic_store_n(fword, 0, __ATOMIC_RELEASE);
		fut(FUTEX_WAKE, 1);
	}
}
static inline void futex_rt(void)
{
	__atomic_store_n(fword, 1, __ATOMIC_RELEASE);
	fut(FUTEX_WAKE, 1);
	while (__atomic_load_n(fword, __ATOMIC_ACQUIRE) == 1)
		fut(FUTEX_WAIT, 1);
}
/* mode 0: threads, private futex; 1: processes, shared futex on a MAP_SHARED
 * word.  Investigation only (LB_EXTRA=1): 2: threads, shared (non-private)
 * futex; 3: threads, private, FUTEX_WAIT with a 10 s timeout. */
static void b_futex(int mode)
{
	int process = mode == 1;
	static struct timespec ten_s = {10, 0};
	ftimeout = mode == 3 ? &ten_s : NULL;
	const int K = 16, N = 32, W = 4;
	pthread_t th;
	pid_t pid = -1;
	static int private_word;
	if (process) {
		fword = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (fword == MAP_FAILED)
			return die("mmap");
		fflag = 0;
	} else {
		fword = &private_word;
		fflag = mode == 2 ? 0 : FUTEX_PRIVATE_FLAG;
	}
	*fword = 0;
	fflush(stdout);
	if (process) {
		pid = fork();
		if (pid == 0) {
			futex_peer(NULL);
			_exit(0);
		}
	} else if (pthread_create(&th, NULL, futex_peer, NULL)) {
		return die("pthread_create");
	}
	for (int i = 0; i < W * K; i++)
		futex_rt();
	long f0 = faults_now();
	for (int s = 0; s < N; s++) {
		T0();
		for (int i = 0; i < K; i++)
			futex_rt();
		T1(S, SA, s, K);
	}
	long f1 = faults_now();
	__atomic_store_n(fword, 2, __ATOMIC_RELEASE);
	fut(FUTEX_WAKE, 1);
	if (process) {
		waitpid(pid, NULL, 0);
		munmap(fword, PAGE);
	} else {
		pthread_join(th, NULL);
	}
	cross_task = 1;
	static const char *names[] = {"futex_rtt", "futex_rtt_process", "x_futex_rtt_shared_flag",
				      "x_futex_rtt_timeout"};
	static const char *extras[] = {"futex=private", "futex=shared", "futex=shared threads",
				       "futex=private timeout=10s"};
	report(names[mode], S, SA, N, K, f1 - f0, (long)N * K, extras[mode]);
	ftimeout = NULL;
}

/* ------------------------------------------------------------------------
 * 4/5. anonymous first write / first read (zero page), one access per page,
 * fresh 64-page mmap (MADV_NOHUGEPAGE), each access timed on its own:
 * anon_first_write_hot / anon_first_read_hot = median single fault, i.e. the
 * common path without the batched work (LRU drain every 15 new pages etc.).
 * The amortised per-page figures are the streaming variants further down
 * (anon_first_write / anon_first_read).
 * ---------------------------------------------------------------------- */
static void b_anon(int write_access)
{
	const int NP = 64, R = 9; /* region 0 is warm-up */
	int n = 0;
	long faults = 0;
	for (int r = 0; r < R; r++) {
		volatile char *p = map_anon(NP * PAGE);
		if (!p)
			return die("mmap");
		long f0 = faults_now();
		for (int i = 0; i < NP; i++) {
			volatile char *q = p + i * PAGE;
			if (write_access) {
				T0();
				*q = 1;
				T1(S, SA, n, 1);
			} else {
				T0();
				(void)*q;
				T1(S, SA, n, 1);
			}
			if (r > 0)
				n++;
		}
		if (r > 0)
			faults += faults_now() - f0;
		munmap((void *)p, NP * PAGE);
	}
	report(write_access ? "anon_first_write_hot" : "anon_first_read_hot", S, SA, n, 1, faults, n,
	       "per=page");
}

/* ------------------------------------------------------------------------
 * 6. COW write fault in the child after fork (Linux copies: mapcount 2),
 * each write timed on its own: cow_write_hot (median single fault).  The
 * amortised figure is cow_write (streaming, 16 MiB) further down.
 * ---------------------------------------------------------------------- */
struct shres {
	double s[MAXS], sa[MAXS];
	long faults;
	int n;
};
static void b_cow(void)
{
	const int NP = 64, R = 5; /* round 0 is warm-up */
	struct shres *res = mmap(NULL, sizeof *res, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (res == MAP_FAILED)
		return die("mmap");
	int n = 0;
	long faults = 0;
	for (int r = 0; r < R; r++) {
		volatile char *p = map_anon(NP * PAGE);
		if (!p)
			return die("mmap");
		for (int i = 0; i < NP; i++)
			p[i * PAGE] = 1;
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			/* fault in the shared result page(s) first */
			for (size_t o = 0; o < sizeof *res; o += PAGE)
				((volatile char *)res)[o] = 0;
			struct rusage ru;
			getrusage(RUSAGE_SELF, &ru);
			long f0 = ev_of(&ru);
			for (int i = 0; i < NP; i++) {
				volatile char *q = p + i * PAGE;
				T0();
				*q = 2;
				T1(res->s, res->sa, i, 1);
			}
			getrusage(RUSAGE_SELF, &ru);
			res->faults = ev_of(&ru) - f0;
			_exit(0);
		}
		waitpid(pid, NULL, 0);
		if (r > 0) {
			memcpy(S + n, res->s, NP * sizeof(double));
			memcpy(SA + n, res->sa, NP * sizeof(double));
			n += NP;
			faults += res->faults;
		}
		munmap((void *)p, NP * PAGE);
	}
	munmap(res, sizeof *res);
	report("cow_write_hot", S, SA, n, 1, faults, n, "per=page side=child");
}

/* ------------------------------------------------------------------------
 * 7. file page-cache hit: tmpfs file written first (so every page is in the
 * page cache), mmap(PROT_READ, MAP_SHARED), one read per page.
 *  file_fault_1pp_hot: one fault per page: fault-around switched off through
 *                     debugfs (fault_around_bytes=4096); each access timed,
 *                     median.  (Amortised: file_fault_1pp, streaming, below.)
 *                     (MADV_RANDOM does NOT switch fault-around off in 6.1:
 *                     do_read_fault() only looks at fault_around_bytes.)
 *  file_fault_around: default fault-around (64 KiB = 16 pages per fault);
 *                     whole mapping timed, reported per page.
 *  file_fault_madv_random: MADV_RANDOM only, per page, to show the above.
 * ---------------------------------------------------------------------- */
static int set_fault_around(const char *val)
{
	const char *path = "/sys/kernel/debug/fault_around_bytes";
	int fd = open(path, O_WRONLY);
	if (fd < 0) {
		mkdir("/sys", 0555);
		mount("sysfs", "/sys", "sysfs", 0, NULL);
		mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
		fd = open(path, O_WRONLY);
	}
	if (fd < 0)
		return -1;
	ssize_t k = write(fd, val, strlen(val));
	close(fd);
	return k == (ssize_t)strlen(val) ? 0 : -1;
}

static void file_whole(int fd, int NP, int R, int advice, const char *name, const char *what)
{
	int n = 0;
	long faults = 0;
	for (int r = 0; r < R; r++) {
		volatile char *p = mmap(NULL, NP * PAGE, PROT_READ, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			return die("mmap-file");
		if (advice >= 0)
			madvise((void *)p, NP * PAGE, advice);
		long f0 = faults_now();
		T0();
		for (int i = 0; i < NP; i++)
			(void)p[i * PAGE];
		T1(S, SA, n, NP);
		if (r > 0) {
			faults += faults_now() - f0;
			n++;
		}
		munmap((void *)p, NP * PAGE);
	}
	double fpp = EV_FAULTS(faults) / (n * NP);
	double tmp[MAXS];
	memcpy(tmp, S, n * sizeof(double));
	double md = median(tmp, n);
	char extra[128];
	snprintf(extra, sizeof extra, "per=page %s per_fault=%.0f", what, fpp > 0 ? md / fpp : 0);
	report(name, S, SA, n, NP, faults, (long)n * NP, extra);
}

static void b_file(void)
{
	const int NP = 256, R = 5;
	int fd = open("/tmp/linuxbench.dat", O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return die("open-tmp");
	static char buf[PAGE];
	for (int i = 0; i < NP; i++) {
		memset(buf, i, sizeof buf);
		if (write(fd, buf, PAGE) != (ssize_t)PAGE)
			return die("write-tmp");
	}
	/* one fault per page */
	int nofa = set_fault_around("4096") == 0;
	if (!nofa)
		printf("# debugfs fault_around_bytes not writable: file_fault_1pp uses a 16-page stride\n");
	int stride = nofa ? 1 : 16;
	int n = 0;
	long faults = 0;
	for (int r = 0; r < R; r++) {
		volatile char *p = mmap(NULL, NP * PAGE, PROT_READ, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			return die("mmap-file");
		madvise((void *)p, NP * PAGE, MADV_RANDOM);
		long f0 = faults_now();
		for (int i = 0; i < NP && n < MAXS; i += stride) {
			volatile char *q = p + i * PAGE;
			T0();
			(void)*q;
			T1(S, SA, n, 1);
			if (r > 0)
				n++;
		}
		if (r > 0)
			faults += faults_now() - f0;
		munmap((void *)p, NP * PAGE);
	}
	if (nofa)
		set_fault_around("65536");
	report("file_fault_1pp_hot", S, SA, n, 1, faults, n,
	       nofa ? "per=page fault_around_bytes=4096" : "per=fault fault_around_bytes=65536 stride=16");

	file_whole(fd, NP, 9, -1, "file_fault_around", "fault_around_bytes=65536");
	file_whole(fd, NP, 5, MADV_RANDOM, "file_fault_madv_random", "fault_around_bytes=65536 madvise=MADV_RANDOM");
	close(fd);
	unlink("/tmp/linuxbench.dat");
}

/* ------------------------------------------------------------------------
 * 8. fork + child _exit + waitpid, with 16 MiB of private anonymous memory
 * (4096 pages, MADV_NOHUGEPAGE) touched by the parent.
 *  fork_exit_wait_16M:       repeated forks; the pages were written once,
 *                            so after the first (warm-up) fork their PTEs are
 *                            already write-protected (steady state of a loop
 *                            of forks).
 *  fork_exit_wait_16M_dirty: every page written again before each fork, so
 *                            fork must write-protect all 4096 PTEs each time.
 * ---------------------------------------------------------------------- */
static void b_fork(int redirty)
{
	const size_t LEN = 16UL << 20;
	const int N = 7, W = 1;
	volatile char *p = map_anon(LEN);
	if (!p)
		return die("mmap");
	long faults = 0;
	int n = 0;
	for (size_t o = 0; o < LEN; o += PAGE)
		p[o] = 1;
	for (int s = 0; s < W + N; s++) {
		if (redirty)
			for (size_t o = 0; o < LEN; o += PAGE)
				p[o] = (char)s;
		fflush(stdout);
		long f0 = faults_now();
		T0();
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		waitpid(pid, NULL, 0);
		T1(S, SA, n, 1);
		if (s >= W) {
			faults += faults_now() - f0;
			n++;
		}
	}
	munmap((void *)p, LEN);
	cross_task = 1;
	report(redirty ? "fork_exit_wait_16M_dirty" : "fork_exit_wait_16M", S, SA, n, 1, faults, n,
	       redirty ? "touched=16MiB ptes=writable" : "touched=16MiB ptes=write-protected");
}

/* ------------------------------------------------------------------------
 * 9. mmap + munmap (anonymous, untouched) of 1 page and of 1 MiB, at a fixed
 * address (1 TiB) in an otherwise empty part of the address space: with
 * mmap(NULL) the new mapping lands next to (and merges with) whatever anon
 * mapping is adjacent, and munmap then has to split it, which makes the
 * figure depend on the (randomised) layout by up to 30 %.
 * ---------------------------------------------------------------------- */
static void b_mmap(size_t len, const char *name)
{
	const int K = 8, N = 32;
	void *const at = (void *)(1UL << 40);
	const int fl = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE;
	for (int i = 0; i < 4 * K; i++) {
		void *p = mmap(at, len, PROT_READ | PROT_WRITE, fl, -1, 0);
		if (p != at)
			return die("mmap-fixed");
		munmap(p, len);
	}
	long f0 = faults_now();
	for (int s = 0; s < N; s++) {
		T0();
		for (int i = 0; i < K; i++)
			munmap(mmap(at, len, PROT_READ | PROT_WRITE, fl, -1, 0), len);
		T1(S, SA, s, K);
	}
	report(name, S, SA, N, K, faults_now() - f0, (long)N * K, "at=1TiB");
}

/* ------------------------------------------------------------------------
 * 10/11. userfaultfd MISSING fault + UFFDIO_COPY round trip; the handler is
 * a thread, or another process (forked after UFFDIO_API: the uffd refers to
 * the parent's mm; UFFDIO_COPY copies from the handler's own memory).
 * The faulting side times each first write to a registered page.
 * ---------------------------------------------------------------------- */
struct uffd_handler_arg {
	int uffd;
	int count;
};
static void uffd_serve(int uffd, int count)
{
	static char src[PAGE] __attribute__((aligned(4096)));
	memset(src, 0x5a, sizeof src);
	for (int i = 0; i < count; i++) {
		struct uffd_msg m;
		if (read(uffd, &m, sizeof m) != sizeof m)
			break;
		if (m.event != UFFD_EVENT_PAGEFAULT)
			continue;
		struct uffdio_copy c;
		c.dst = m.arg.pagefault.address & ~(PAGE - 1);
		c.src = (unsigned long)src;
		c.len = PAGE;
		c.mode = 0;
		c.copy = 0;
		if (ioctl(uffd, UFFDIO_COPY, &c))
			break;
	}
}
static void *uffd_thread(void *arg)
{
	struct uffd_handler_arg *h = arg;
	uffd_serve(h->uffd, h->count);
	return NULL;
}
static void b_uffd(int process)
{
	const int NP = 64, R = 5;
	int uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC);
	if (uffd < 0)
		return die("userfaultfd");
	struct uffdio_api api = {.api = UFFD_API, .features = 0};
	if (ioctl(uffd, UFFDIO_API, &api))
		return die("UFFDIO_API");
	struct uffd_handler_arg h = {uffd, NP * R};
	pthread_t th;
	pid_t pid = -1;
	fflush(stdout);
	if (process) {
		pid = fork();
		if (pid == 0) {
			uffd_serve(uffd, NP * R);
			_exit(0);
		}
	} else if (pthread_create(&th, NULL, uffd_thread, &h)) {
		return die("pthread_create");
	}
	int n = 0;
	long faults = 0;
	for (int r = 0; r < R; r++) {
		volatile char *p = map_anon(NP * PAGE);
		if (!p)
			return die("mmap");
		struct uffdio_register reg = {.range = {(unsigned long)p, NP * PAGE},
					      .mode = UFFDIO_REGISTER_MODE_MISSING};
		if (ioctl(uffd, UFFDIO_REGISTER, &reg))
			return die("UFFDIO_REGISTER");
		long f0 = faults_now();
		for (int i = 0; i < NP; i++) {
			volatile char *q = p + i * PAGE;
			T0();
			*q = 1;
			T1(S, SA, n, 1);
			if (r > 0)
				n++;
		}
		if (r > 0)
			faults += faults_now() - f0;
		munmap((void *)p, NP * PAGE);
	}
	if (process)
		waitpid(pid, NULL, 0);
	else
		pthread_join(th, NULL);
	close(uffd);
	cross_task = 1;
	report(process ? "uffd_rtt_process" : "uffd_rtt_thread", S, SA, n, 1, faults, n,
	       "per=fault copy=UFFDIO_COPY");
}

/* ------------------------------------------------------------------------
 * Streaming variants ("_16M"/"_4M"): one access per page over a whole large
 * mapping, the whole loop timed, reported per page.  Unlike the per-access
 * medians above they include every amortised cost: page-table pages, per-cpu
 * page-list refills, the LRU batch drain every 15 new pages, memcg stock.
 * The issue-6 reference figures for faults are of this kind.
 *  kind 0: anon write, 1: anon read (zero page), 2: COW write in the child
 *  after fork, 3: file page-cache hit with fault-around off (debugfs), 4:
 *  userfaultfd MISSING + UFFDIO_COPY with the handler in a thread.
 * ---------------------------------------------------------------------- */
static int stream_uffd;
static void *stream_uffd_thread(void *arg)
{
	uffd_serve(stream_uffd, (int)(long)arg);
	return NULL;
}
static void b_stream(int kind)
{
	static const char *names[] = {"anon_first_write", "anon_first_read", "cow_write",
				      "file_fault_1pp", "uffd_rtt_thread_4M"};
	static const char *extras[] = {"per=page region=16MiB", "per=page region=16MiB",
				       "per=page region=16MiB side=child",
				       "per=page region=4MiB fault_around_bytes=4096",
				       "per=fault region=4MiB copy=UFFDIO_COPY"};
	const size_t LEN = kind >= 3 ? 4UL << 20 : 16UL << 20;
	const int N = 3, W = 1;
	const int NP = (int)(LEN / PAGE);
	struct shres *res = NULL;
	int fd = -1;
	pthread_t th;
	if (kind == 2) {
		res = mmap(NULL, sizeof *res, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (res == MAP_FAILED)
			return die("mmap");
	}
	if (kind == 3) {
		fd = open("/tmp/linuxbench4m.dat", O_RDWR | O_CREAT | O_TRUNC, 0600);
		static char buf[PAGE];
		memset(buf, 7, sizeof buf);
		for (int i = 0; i < NP; i++)
			if (fd < 0 || write(fd, buf, PAGE) != (ssize_t)PAGE)
				return die("write-tmp");
		if (set_fault_around("4096"))
			return die("fault_around_bytes");
	}
	if (kind == 4) {
		stream_uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC);
		struct uffdio_api api = {.api = UFFD_API, .features = 0};
		if (stream_uffd < 0 || ioctl(stream_uffd, UFFDIO_API, &api))
			return die("userfaultfd");
		if (pthread_create(&th, NULL, stream_uffd_thread, (void *)(long)(NP * (W + N))))
			return die("pthread_create");
	}
	long faults = 0;
	int n = 0;
	for (int s = 0; s < W + N; s++) {
		volatile char *p;
		if (kind == 3) {
			p = mmap(NULL, LEN, PROT_READ, MAP_SHARED, fd, 0);
			if (p == MAP_FAILED)
				return die("mmap-file");
		} else {
			p = map_anon(LEN);
			if (!p)
				return die("mmap");
		}
		if (kind == 4) {
			struct uffdio_register reg = {.range = {(unsigned long)p, LEN},
						      .mode = UFFDIO_REGISTER_MODE_MISSING};
			if (ioctl(stream_uffd, UFFDIO_REGISTER, &reg))
				return die("UFFDIO_REGISTER");
		}
		if (kind == 2) {
			for (size_t o = 0; o < LEN; o += PAGE)
				p[o] = 1;
			fflush(stdout);
			pid_t pid = fork();
			if (pid == 0) {
				for (size_t o = 0; o < sizeof *res; o += PAGE)
					((volatile char *)res)[o] = 0;
				struct rusage ru;
				getrusage(RUSAGE_SELF, &ru);
				long f0 = ev_of(&ru);
				T0();
				for (size_t o = 0; o < LEN; o += PAGE)
					p[o] = 2;
				T1(res->s, res->sa, 0, NP);
				getrusage(RUSAGE_SELF, &ru);
				res->faults = ev_of(&ru) - f0;
				_exit(0);
			}
			waitpid(pid, NULL, 0);
			S[n] = res->s[0];
			SA[n] = res->sa[0];
			if (s >= W) {
				faults += res->faults;
				n++;
			}
		} else {
			long f0 = faults_now();
			T0();
			if (kind == 1 || kind == 3)
				for (size_t o = 0; o < LEN; o += PAGE)
					(void)p[o];
			else
				for (size_t o = 0; o < LEN; o += PAGE)
					p[o] = 1;
			T1(S, SA, n, NP);
			if (s >= W) {
				faults += faults_now() - f0;
				n++;
			}
		}
		munmap((void *)p, LEN);
	}
	if (kind == 3) {
		set_fault_around("65536");
		close(fd);
		unlink("/tmp/linuxbench4m.dat");
	}
	if (kind == 4) {
		pthread_join(th, NULL);
		close(stream_uffd);
		cross_task = 1;
	}
	if (res)
		munmap(res, sizeof *res);
	report(names[kind], S, SA, n, NP, faults, (long)n * NP, extras[kind]);
}

/* ------------------------------------------------------------------------ */
static void setup_init(void)
{
	mkdir("/proc", 0555);
	mkdir("/dev", 0755);
	mkdir("/tmp", 01777);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("tmpfs", "/tmp", "tmpfs", 0, "size=64m");
	if (fcntl(1, F_GETFD) < 0) {
		/* kernel found no /dev/console in the initramfs */
		mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
		int fd = open("/dev/console", O_RDWR);
		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
}

static void show_file(const char *path, const char *label)
{
	char buf[512];
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return;
	ssize_t k = read(fd, buf, sizeof buf - 1);
	close(fd);
	buf[k > 0 ? k : 0] = 0;
	char *nl = strchr(buf, '\n');
	if (nl)
		*nl = 0;
	printf("# %s: %s\n", label, buf);
}
/* KASLR on/off: address of _text (kptr_restrict=0 by default for root) */
static void show_kaslr(void)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[256];
	if (!f)
		return;
	while (fgets(line, sizeof line, f))
		if (strstr(line, " _text\n")) {
			line[strlen(line) - 1] = 0;
			printf("# kallsyms: %s\n", line);
			break;
		}
	fclose(f);
}

int main(int argc, char **argv)
{
	(void)argc;
	int is_init = getpid() == 1;
	if (is_init)
		setup_init();
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* Optional (kernel command line LB_NOASLR=1), NOT the default: re-exec
	 * without user address-space layout randomisation.  The default keeps
	 * Debian's ASLR; the layout moves fault costs by a few dozen
	 * instructions from run to run (maple-tree shape), see README. */
	if (getenv("LB_NOASLR") && !getenv("LB_NORAND")) {
		setenv("LB_NORAND", "1", 1);
		personality(ADDR_NO_RANDOMIZE);
		execv(is_init ? "/init" : "/proc/self/exe", argv);
		printf("# re-exec without ASLR failed: %s\n", strerror(errno));
	}
	printf("# linuxbench: per-op guest instructions, median over samples "
	       "(each sample = batch ops between two counter reads, counter-read overhead subtracted)\n");
	{
		char buf[256] = "";
		int fd = open("/proc/version", O_RDONLY);
		if (fd >= 0) {
			ssize_t k = read(fd, buf, sizeof buf - 1);
			if (k > 0)
				buf[k] = 0;
			close(fd);
			char *nl = strchr(buf, '\n');
			if (nl)
				*nl = 0;
			printf("# kernel: %s\n", buf);
		}
		fd = open("/sys/kernel/mm/transparent_hugepage/enabled", O_RDONLY);
		if (fd < 0) {
			mkdir("/sys", 0555);
			mount("sysfs", "/sys", "sysfs", 0, NULL);
			fd = open("/sys/kernel/mm/transparent_hugepage/enabled", O_RDONLY);
		}
		if (fd >= 0) {
			ssize_t k = read(fd, buf, sizeof buf - 1);
			buf[k > 0 ? k : 0] = 0;
			close(fd);
			printf("# thp: %s", buf);
		}
	}
	/* Optional, NOT the default: kernel command line LB_CGROUP=1 runs the
	 * benchmark in a non-root cgroup v2 group with the memory and cpu
	 * controllers on, LB_SETSID=1 in a new session (its own autogroup),
	 * i.e. roughly how a process started from a systemd login session runs. */
	if (getenv("LB_CGROUP")) {
		mkdir("/sys", 0555);
		mount("sysfs", "/sys", "sysfs", 0, NULL);
		if (mount("cgroup2", "/sys/fs/cgroup", "cgroup2", 0, NULL) == 0) {
			int fd = open("/sys/fs/cgroup/cgroup.subtree_control", O_WRONLY);
			if (fd >= 0) {
				if (write(fd, "+memory +cpu", 12) != 12)
					printf("# cgroup: enabling +memory +cpu failed: %s\n", strerror(errno));
				close(fd);
			}
			mkdir("/sys/fs/cgroup/bench", 0755);
			fd = open("/sys/fs/cgroup/bench/cgroup.procs", O_WRONLY);
			if (fd >= 0 && write(fd, "0", 1) == 1)
				printf("# cgroup: running in /sys/fs/cgroup/bench (memory, cpu)\n");
			else
				printf("# cgroup: move failed: %s\n", strerror(errno));
			if (fd >= 0)
				close(fd);
		} else {
			printf("# cgroup2 mount failed: %s\n", strerror(errno));
		}
	}
	if (getenv("LB_SETSID"))
		printf("# setsid: %d\n", (int)setsid());
	show_file("/proc/cmdline", "cmdline");
	show_file("/sys/devices/system/cpu/vulnerabilities/meltdown", "meltdown");
	show_file("/sys/devices/system/cpu/vulnerabilities/spectre_v2", "spectre_v2");
	show_kaslr();
	show_file("/sys/devices/system/clocksource/clocksource0/current_clocksource", "clocksource");
	show_file("/proc/sys/kernel/sched_autogroup_enabled", "sched_autogroup_enabled");
	show_file("/sys/kernel/debug/sched/preempt", "preempt");
	/* Operations whose timed section switches tasks run first, before any
	 * perf event exists (AArch64: timed with CNTVCT_EL0; x86: rdtsc). */
	counter_init();
	calibrate();
	b_pipe(0);
	b_futex(0);
	b_futex(1);
	if (getenv("LB_EXTRA")) { /* investigation variants, names start with x_ */
		b_pipe(1);
		b_pipe(2);
		b_futex(2);
		b_futex(3);
	}
	b_fork(0);
	b_fork(1);
	b_uffd(0);
	b_uffd(1);
	b_stream(4);

	/* In-task operations (AArch64: PMCCNTR_EL0 through perf_user_access). */
	pmu_init();
	if (pmc_enabled())
		calibrate();
	b_null();
	b_anon(1);
	b_anon(0);
	for (int k = 0; k < 4; k++)
		b_stream(k);
	b_cow();
	b_file();
	b_mmap(PAGE, "mmap_munmap_4K");
	b_mmap(1UL << 20, "mmap_munmap_1M");

	printf("BENCH done\n");
	fflush(stdout);
	if (is_init) {
		sync();
		reboot(RB_POWER_OFF);
		for (;;)
			pause();
	}
	return 0;
}
