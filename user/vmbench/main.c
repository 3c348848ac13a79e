/*
 * The Faultline side of the memory benchmarks (docs/benchmarks.md): a
 * process under the system pager, timed with the cycle counter, which
 * QEMU icount advances once per guest instruction. Every path crosses
 * the pager: fault -> pager -> map-and-resume (or copy, or allow). The
 * operations and their measure mirror bench/linux/linuxbench.c:
 *
 *   anon_first_write, anon_first_read  per page, 16 MiB of fresh mmap
 *   cow_write                          per page, the child writing 16 MiB after fork
 *   fork_exit_wait_16M                 fork + child _exit + waitpid, 16 MiB touched
 *   mmap_munmap_4K, mmap_munmap_1M     untouched anonymous memory
 *   file_fault_1pp                     per page, reading a 4 MiB cached file
 *                                      mapped MAP_SHARED, MADV_RANDOM (a fault each)
 *   file_fault_around                  the same, 1 MiB, fault-around on (16 pages)
 *
 * "Cached" is a page-cache hit as Linux's: the file, in /tmp, is mapped
 * and read once beforehand and that mapping kept, so the pager holds every
 * page's frame (the fs server's page cache) and no fault needs the fs
 * server.
 *
 * Lines as user/bench's: BENCH name=... insns=<median> ..., the kernel's
 * counters per operation (warm-up included), then "BENCH done". Run with
 * the argument "quick" (the CI guard) it takes fewer samples.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <faultline/abi.h>
#include <faultline/counter.h>
#include <faultline/kstat.h>
#include <faultline/syscalls.gen.h>

#define PAGE		4096ul
#define LEN		(16ul << 20)
#define NP		(LEN / PAGE)
#define MAX_SAMPLES	256

static uint64_t samples[MAX_SAMPLES];
static uint64_t overhead;
static struct fl_kstat k0, k1;
static int quick;

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void kstat_begin(void)
{
	fl_kstat(&k0, sizeof(k0));
}

static void kstat_end(void)
{
	fl_kstat(&k1, sizeof(k1));
}

static void per_op(char *buf, size_t size, uint64_t n, uint64_t ops)
{
	uint64_t hundredths = n * 100 / ops;

	snprintf(buf, size, "%lu.%02lu", (unsigned long)(hundredths / 100),
		 (unsigned long)(hundredths % 100));
}

/*
 * samples[0..n) are each the time of `per` operations (counter overhead
 * included once); the kernel's counters cover ops operations in all.
 */
static void report(const char *name, unsigned n, uint64_t per, uint64_t ops)
{
	uint64_t sum = 0, med, min;
	char e[24], a[24], t[24], z[24], c[24], f[24];

	qsort(samples, n, sizeof(samples[0]), cmp);
	for (unsigned i = 0; i < n; i++)
		sum += samples[i];
	med = samples[n / 2];
	min = samples[0];
	per_op(e, sizeof(e), k1.kernel_entries - k0.kernel_entries, ops);
	per_op(a, sizeof(a), k1.as_switches - k0.as_switches, ops);
	per_op(t, sizeof(t), k1.tlb_flushes - k0.tlb_flushes, ops);
	per_op(z, sizeof(z), k1.pages_zeroed - k0.pages_zeroed, ops);
	per_op(c, sizeof(c), k1.pages_copied - k0.pages_copied, ops);
	per_op(f, sizeof(f), k1.faults - k0.faults, ops);
	printf("BENCH name=%s insns=%lu min=%lu mean=%lu iters=%u stat=median "
	       "kernel_entries=%s as_switches=%s tlb_invalidations=%s pages_zeroed=%s "
	       "pages_copied=%s faults_per_op=%s\n", name, (unsigned long)((med - overhead) / per),
	       (unsigned long)((min - overhead) / per), (unsigned long)((sum / n - overhead) / per),
	       n, e, a, t, z, c, f);
}

static void measure_overhead(void)
{
	for (unsigned i = 0; i < MAX_SAMPLES; i++) {
		uint64_t t0 = fl_cycles();

		samples[i] = fl_cycles() - t0;
	}
	qsort(samples, MAX_SAMPLES, sizeof(samples[0]), cmp);
	overhead = samples[MAX_SAMPLES / 2];
	printf("BENCH name=vm_counter_overhead insns=%lu iters=%u stat=median\n",
	       (unsigned long)overhead, MAX_SAMPLES);
}

static volatile char *map16(void)
{
	void *p = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		printf("vmbench: mmap failed\n");
		exit(2);
	}
	return p;
}

/* A fresh 16 MiB each run, every page touched once: the first run warms up. */
static void first_touch(int write)
{
	unsigned runs = quick ? 2 : 4;

	kstat_begin();
	for (unsigned r = 0; r < runs; r++) {
		volatile char *p = map16();
		uint64_t t0 = fl_cycles();

		if (write)
			for (size_t o = 0; o < LEN; o += PAGE)
				p[o] = 1;
		else
			for (size_t o = 0; o < LEN; o += PAGE)
				(void)p[o];
		if (r)
			samples[r - 1] = fl_cycles() - t0;
		munmap((void *)p, LEN);
	}
	kstat_end();
	report(write ? "anon_first_write" : "anon_first_read", runs - 1, NP, runs * NP);
}

/* The child writes every page of 16 MiB its parent wrote: one copy each. */
static void cow_write(void)
{
	unsigned runs = quick ? 2 : 4;
	volatile uint64_t *result = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
					 MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	kstat_begin();
	for (unsigned r = 0; r < runs; r++) {
		volatile char *p = map16();
		pid_t c;

		for (size_t o = 0; o < LEN; o += PAGE)
			p[o] = 1;
		if ((c = fork()) == 0) {
			uint64_t t0 = fl_cycles();

			for (size_t o = 0; o < LEN; o += PAGE)
				p[o] = 2;
			result[0] = fl_cycles() - t0;
			_exit(0);
		}
		waitpid(c, NULL, 0);
		if (r)
			samples[r - 1] = result[0];
		munmap((void *)p, LEN);
	}
	kstat_end();
	report("cow_write", runs - 1, NP, runs * NP);
}

static void fork_exit_wait(void)
{
	unsigned warm = 2, n = quick ? 4 : 16;
	volatile char *p = map16();

	for (size_t o = 0; o < LEN; o += PAGE)
		p[o] = 1;
	kstat_begin();
	for (unsigned i = 0; i < warm + n; i++) {
		uint64_t t0 = fl_cycles();
		pid_t c = fork();

		if (c == 0)
			_exit(0);
		waitpid(c, NULL, 0);
		if (i >= warm)
			samples[i - warm] = fl_cycles() - t0;
	}
	kstat_end();
	report("fork_exit_wait_16M", n, 1, warm + n);
	munmap((void *)p, LEN);
}

static void mmap_munmap(size_t len, const char *name)
{
	unsigned warm = 16, n = quick ? 64 : MAX_SAMPLES;

	kstat_begin();
	for (unsigned i = 0; i < warm + n; i++) {
		uint64_t t0 = fl_cycles();
		void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		munmap(p, len);
		if (i >= warm)
			samples[i - warm] = fl_cycles() - t0;
	}
	kstat_end();
	report(name, n, 1, warm + n);
}

#define FILE_LEN	(4ul << 20)
#define AROUND_LEN	(1ul << 20)

/* Each run maps len bytes of fd afresh and reads a byte of every page. */
static void file_read(int fd, size_t len, int advice, const char *name)
{
	unsigned runs = quick ? 3 : 5;

	kstat_begin();
	for (unsigned r = 0; r < runs; r++) {
		volatile char *p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
		uint64_t t0;

		if (p == MAP_FAILED || madvise((void *)p, len, advice)) {
			printf("vmbench: a mapping of the file failed\n");
			exit(2);
		}
		t0 = fl_cycles();
		for (size_t o = 0; o < len; o += PAGE)
			(void)p[o];
		if (r)
			samples[r - 1] = fl_cycles() - t0;
		munmap((void *)p, len);
	}
	kstat_end();
	report(name, runs - 1, len / PAGE, runs * (len / PAGE));
}

static void file_faults(void)
{
	static char page[PAGE];
	int fd = open("/tmp/vmbench", O_CREAT | O_RDWR | O_TRUNC, 0600);
	volatile char *hold;

	memset(page, 7, PAGE);
	for (size_t o = 0; fd >= 0 && o < FILE_LEN; o += PAGE)
		if (write(fd, page, PAGE) != PAGE)
			fd = -1;
	if (fd < 0 || (hold = mmap(NULL, FILE_LEN, PROT_READ, MAP_SHARED, fd, 0)) == MAP_FAILED) {
		printf("vmbench: the file could not be made\n");
		exit(2);
	}
	for (size_t o = 0; o < FILE_LEN; o += PAGE)
		(void)hold[o];
	file_read(fd, FILE_LEN, MADV_RANDOM, "file_fault_1pp");
	file_read(fd, AROUND_LEN, MADV_NORMAL, "file_fault_around");
	munmap((void *)hold, FILE_LEN);
	close(fd);
	unlink("/tmp/vmbench");
}

int main(int argc, char **argv)
{
	quick = argc > 1 && !strcmp(argv[1], "quick");
	memset(&k0, 0, sizeof(k0));	/* the kernel writes only present pages */
	memset(&k1, 0, sizeof(k1));
	measure_overhead();
	first_touch(1);
	first_touch(0);
	cow_write();
	fork_exit_wait();
	mmap_munmap(PAGE, "mmap_munmap_4K");
	mmap_munmap(1ul << 20, "mmap_munmap_1M");
	file_faults();
	printf("BENCH done\n");
	return 0;
}
