/*
 * The pager I from a process's side: the start ABI, demand-zero memory
 * and the zero page, mmap/munmap/mprotect/brk with their errors, stack
 * growth, madvise (fault-around on a cached file), the program's own text
 * and data, 10,000 regions. What memory a step allocated is read from the
 * kernel (the process's pool counters and query), not from the pager. TAP on stdout; exits 0 when all pass.
 *
 * Run with an argument naming a crash ("crash null", ...) it does that bad
 * thing instead, for the tests of the pager's kill lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <signal.h>
#include <faultline/abi.h>
#include "tap.h"
#include <faultline/ipc.h>
#include <faultline/pager.h>
#include <faultline/mem.h>
#include <faultline/process.h>
#include <faultline/syscalls.gen.h>
#include <faultline/task.h>

#define PAGE	4096ul
#define TABLES	4	/* page-table pages one small fresh range may need */
#define RECORDS(n) ((n) / 32 + 1)	/* pages of kernel frame records for n frames */

static int data_word = 1234;		/* in .data: from the bootfs, private on write */
static char bss_block[3 * 4096];	/* in .bss: anonymous */
static const char rodata_text[] = "read-only";

/* Pages the process's pool has paid for: frames, page tables, kernel objects. */
static long used(void)
{
	struct fl_pool_info info = { 0 };	/* (the kernel writes only present, writable pages) */

	return fl_pool_info(fl_self_pool(), &info) < 0 ? -1 : (long)info.used;
}

static long query(const void *va)
{
	return fl_query(fl_self_task(), (uintptr_t)va, 0);
}

static void *map(size_t len, int prot)
{
	return mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

static void start_abi(int argc, char **argv)
{
	extern char **environ;

	check(argc == 3 && !strcmp(argv[1], "alpha") && !strcmp(argv[2], "beta") &&
	      !argv[3], "argc and argv from the initial stack", "argc %d", argc);
	check(environ && environ[0] && !strcmp(environ[0], "PATH=/bin"), "envp follows argv",
	      "%s", environ && environ[0] ? environ[0] : "(none)");
	check(getpid() == 1 && getppid() == 0, "getpid and getppid", "%d %d", getpid(),
	      getppid());
	check(fl_self_task() >= 0 && fl_self_pool() >= 0 && used() > 0 &&
	      (!strcmp(fl_platform(), "x86_64") || !strcmp(fl_platform(), "aarch64")),
	      "the auxv's handles and platform", "task %d pool %d platform %s", fl_self_task(),
	      fl_self_pool(), fl_platform());
}

static void image(void)
{
	check(data_word == 1234, "initialised data comes from the file", "%d", data_word);
	data_word = 99;
	check(data_word == 99 && (query(&data_word) & FL_MAP_WRITE),
	      "a write to data gets a private page", "%#lx", query(&data_word));
	int zero = 1;
	for (size_t i = 0; i < sizeof(bss_block); i++)
		zero &= bss_block[i] == 0;
	check(zero, "bss reads as zeros", "-");
	check(!strcmp(rodata_text, "read-only") && !(query(rodata_text) & FL_MAP_WRITE),
	      "rodata is mapped read-only", "%#lx", query(rodata_text));
}

static void demand_zero(void)
{
	enum { N = 256 };
	long before = used(), after_map, after_read, after_write;
	volatile char *p = map(N * PAGE, PROT_READ | PROT_WRITE);
	int zero = 1;

	after_map = used();
	check(p != MAP_FAILED && after_map == before && query((void *)p) == 0,
	      "mmap allocates nothing", "used %ld -> %ld, query %#lx", before, after_map,
	      query((void *)p));
	for (int i = 0; i < N; i++)
		zero &= p[i * PAGE + 7] == 0;
	after_read = used();
	check(zero && after_read - after_map <= TABLES,
	      "reads of untouched pages allocate no frame", "used %ld -> %ld", after_map,
	      after_read);
	check((query((void *)p) & FL_QUERY_PRESENT) && !(query((void *)p) & FL_MAP_WRITE),
	      "a read maps the zero page read-only", "%#lx", query((void *)p));
	for (int i = 0; i < N; i += 2)
		p[i * PAGE] = (char)i;
	after_write = used();
	/* the pool also pays for the kernel's record of each frame: a few bytes each */
	check(after_write - after_read >= N / 2 && after_write - after_read <= N / 2 + RECORDS(N / 2),
	      "a write allocates one frame per page", "used %ld -> %ld", after_read, after_write);
	check((query((void *)p) & FL_MAP_WRITE) && !(query((void *)(p + PAGE)) & FL_MAP_WRITE),
	      "written pages are writable, read ones still the zero page", "%#lx %#lx",
	      query((void *)p), query((void *)(p + PAGE)));
	check(munmap((void *)p, N * PAGE) == 0 && after_write - used() >= N / 2 && used() >= before,
	      "munmap gives every frame back", "used %ld -> %ld", after_write, used());
}

static void unmap_parts(void)
{
	char *p = map(8 * PAGE, PROT_READ | PROT_WRITE);
	long before;

	memset(p, 'x', 8 * PAGE);
	before = used();
	check(munmap(p + 2 * PAGE, 3 * PAGE) == 0 && used() == before - 3,
	      "munmap of a middle range splits the region and frees its frames",
	      "used %ld -> %ld", before, used());
	check(query(p + 2 * PAGE) == 0 && query(p + 4 * PAGE) == 0 && p[PAGE] == 'x' &&
	      p[5 * PAGE] == 'x', "pages around the hole keep their data", "-");
	check(mmap(p + 2 * PAGE, 3 * PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == p + 2 * PAGE &&
	      p[3 * PAGE] == 0, "MAP_FIXED fills the hole with fresh zero pages", "-");
	check(mmap(p, 2 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == p &&
	      p[0] == 0 && p[PAGE] == 0 && p[5 * PAGE] == 'x',
	      "MAP_FIXED over written pages replaces them", "-");
	check(munmap(p, 8 * PAGE) == 0 && query(p + 5 * PAGE) == 0, "munmap across regions",
	      "%#lx", query(p + 5 * PAGE));
}

/* The process's regions, as the pager counts them. */
static long regions(void)
{
	uint64_t c[3] = { 0 };

	return fl_pager_stats(0, FL_STATS_REGIONS, c) ? -1 : (long)c[0];
}

static void protections(void)
{
	long r0 = regions(), r1, r2;
	char *p = map(4 * PAGE, PROT_READ | PROT_WRITE);

	strcpy(p + PAGE, "kept");
	check(mprotect(p + PAGE, PAGE, PROT_READ) == 0 && !(query(p + PAGE) & FL_MAP_WRITE) &&
	      (query(p + PAGE) & FL_QUERY_PRESENT), "mprotect read-only reaches mapped pages",
	      "%#lx", query(p + PAGE));
	check(!strcmp(p + PAGE, "kept"), "mprotect keeps the data", "-");
	r1 = regions();
	check(mprotect(p + PAGE, PAGE, PROT_READ | PROT_WRITE) == 0 &&
	      (p[PAGE] = 'K') == 'K' && !strcmp(p + PAGE, "Kept") &&
	      (query(p + PAGE) & FL_MAP_WRITE), "mprotect back to read-write: the same page",
	      "%#lx", query(p + PAGE));
	r2 = regions();
	check(r0 > 0 && r1 == r0 + 3 && r2 == r0 + 1,
	      "mprotect splits a region in three and back joins it again",
	      "regions %ld, mmap and split %ld, back %ld", r0, r1, r2);
	check(mprotect(p, 4 * PAGE, PROT_NONE) == 0 && query(p + PAGE) != 0 &&
	      !(query(p + PAGE) & FL_MAP_WRITE),
	      "PROT_NONE keeps the page but takes access away", "%#lx", query(p + PAGE));
	check(mprotect(p, 4 * PAGE, PROT_READ) == 0 && !strcmp(p + PAGE, "Kept"),
	      "PROT_NONE back to PROT_READ: the data is still there", "-");
	munmap(p, 4 * PAGE);
}

/* Code written into anonymous memory runs once mprotect makes it R|X (W^X in between). */
static void exec_mapping(void)
{
	static const uint8_t x86[] = { 0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3 };	/* mov $42,%eax; ret */
	static const uint32_t arm[] = { 0x52800540, 0xd65f03c0 };		/* mov w0,#42; ret */
	bool is_x86 = !strcmp(fl_platform(), "x86_64");
	char *p = map(PAGE, PROT_READ | PROT_WRITE);
	int (*fn)(void) = (int (*)(void))(void *)p;
	int got = -1;

	memcpy(p, is_x86 ? (const void *)x86 : (const void *)arm, is_x86 ? sizeof(x86) : sizeof(arm));
	if (mprotect(p, PAGE, PROT_READ | PROT_EXEC) == 0)
		got = fn();
	check(got == 42 && (query(p) & FL_MAP_EXEC) && !(query(p) & FL_MAP_WRITE),
	      "code written, then mprotect R|X, runs", "got %d, query %#lx", got, query(p));
	munmap(p, PAGE);
}

static void errors(void)
{
	char *p = map(2 * PAGE, PROT_READ);
	void *r;

	errno = 0;
	r = mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check(r == MAP_FAILED && errno == EINVAL, "mmap of length 0: EINVAL", "%d", errno);
	errno = 0;
	r = mmap(NULL, PAGE, 0x10, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check(r == MAP_FAILED && errno == EINVAL, "mmap with unknown prot bits: EINVAL", "%d", errno);
	errno = 0;
	r = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	check(r == MAP_FAILED && errno == EINVAL, "MAP_PRIVATE with MAP_SHARED: EINVAL", "%d", errno);
	errno = 0;
	r = mmap(NULL, PAGE, PROT_READ, MAP_ANONYMOUS, -1, 0);
	check(r == MAP_FAILED && errno == EINVAL, "neither MAP_PRIVATE nor MAP_SHARED: EINVAL",
	      "%d", errno);
	errno = 0;
	r = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, -1, 0);
	check(r == MAP_FAILED && errno == EBADF, "a file mapping with fd -1: EBADF", "%d", errno);
	errno = 0;
	r = mmap((void *)0x100000001000, PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | 0x800000, -1, 0);
	check(r == MAP_FAILED && errno == EINVAL, "unknown flags: EINVAL", "%d", errno);
	errno = 0;
	r = mmap((void *)0x100000000010, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		 -1, 0);
	check(r == MAP_FAILED && errno == EINVAL, "MAP_FIXED at an unaligned address: EINVAL",
	      "%d", errno);
	errno = 0;
	r = mmap(NULL, 1ul << 62, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check(r == MAP_FAILED && errno == ENOMEM, "a length beyond user space: ENOMEM", "%d",
	      errno);
	errno = 0;
	check(munmap(p + 1, PAGE) == -1 && errno == EINVAL, "munmap unaligned: EINVAL", "%d", errno);
	errno = 0;
	check(mprotect(p, 3 * PAGE, PROT_READ) == -1 && errno == ENOMEM,
	      "mprotect over an unmapped page: ENOMEM", "%d", errno);
	errno = 0;
	check(mprotect(p, PAGE, 0x40) == -1 && errno == EINVAL, "mprotect with unknown prot: EINVAL",
	      "%d", errno);
	errno = 0;
	check(munmap(p, 2 * PAGE) == 0 && munmap(p, 2 * PAGE) == 0,
	      "munmap of a range with nothing mapped is fine", "%d", errno);
}

/* Ranges that reach the kernel or wrap around: refused, nothing changes. */
static void bad_ranges(void)
{
	char *top = (char *)0x7ffffffff000, *kernel = (char *)0xffff800000000000ul, *r;

	errno = 0;
	check(munmap(top, 2 * PAGE) == -1 && errno == EINVAL,
	      "munmap reaching past user space: EINVAL", "%d", errno);
	errno = 0;
	check(mprotect(kernel, PAGE, PROT_READ) == -1 && errno == ENOMEM,
	      "mprotect of a kernel address: ENOMEM", "%d", errno);
	errno = 0;
	r = mmap(top, 2 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	check(r == MAP_FAILED && errno == ENOMEM, "MAP_FIXED reaching past user space: ENOMEM",
	      "%d", errno);
	r = mmap(kernel, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check(r != MAP_FAILED && (uintptr_t)r < 0x800000000000ul && munmap(r, PAGE) == 0,
	      "a hint in the kernel half gives a user address", "%p", r);
	errno = 0;
	check(munmap((void *)0x100000000000, (size_t)-0x100000000000) == -1 && errno == EINVAL,
	      "a range that wraps around: EINVAL", "%d", errno);
}

/* Whatever a process sends, the pager answers it or ignores it, and goes on. */
static void garbage(void)
{
	char *p = map(PAGE, PROT_READ | PROT_WRITE);
	long r;

	check(fl_pager_call(999, 1, 2, 3, 4) == -ENOSYS, "an unknown request: ENOSYS", "-");
	munmap(p, PAGE);
	r = fl_pager_call(FL_LABEL_FAULT, FL_FAULT_PAGE | FL_ACCESS_WRITE << 8, (uintptr_t)p, 0, 0);
	check(r == -ENOSYS && query(p) == 0,
	      "a message passed off as a fault is a request: ENOSYS, nothing mapped", "%ld %#lx",
	      r, query(p));
	r = fl_send(fl_pager(), FL_TAG(FL_PAGER_GETPID, 0, 0), 0, 0, 0, 0);
	check(r == 0 && getppid() == 0, "a plain send is ignored; the pager goes on serving",
	      "%ld", r);
	errno = 0;
	check(kill(99999, SIGKILL) == -1 && errno == ESRCH && kill(getpid(), 99) == -1 &&
	      errno == EINVAL && kill(getpid(), 0) == 0, "kill: ESRCH, EINVAL, signal 0",
	      "%d", errno);
}

/* Faults the pager served this process. */
static long faults(void)
{
	uint64_t c[3] = { 0 };

	return fl_pager_stats(0, FL_STATS_FAULTS, c) ? -1 : (long)c[0];
}

/* A read of every page of p (n pages): the faults it took. */
static long read_all(const volatile char *p, int n, int *bad)
{
	long before = faults();

	for (int i = 0; i < n; i++)
		*bad += p[i * PAGE] != (char)i;
	return faults() - before;
}

/*
 * madvise: its errors; MADV_DONTNEED gives a private page back (zeros
 * after); fault-around on a cached file (a fault per 16-page window),
 * off with MADV_RANDOM (a fault per page); a page fault-around mapped
 * read-only still takes a shared store.
 */
static void advice(void)
{
	enum { N = 32 };
	char *p = map(4 * PAGE, PROT_READ | PROT_WRITE), *a, *b, *hold, back = 0;
	int fd = open("/tmp/advice", O_CREAT | O_RDWR | O_TRUNC, 0644), bad = 0;
	long before, n_around, n_random;
	static char page[PAGE];

	errno = 0;
	check(madvise(p + 1, PAGE, MADV_NORMAL) == -1 && errno == EINVAL &&
	      madvise(p, PAGE, 99) == -1 && errno == EINVAL, "madvise: EINVAL", "%d", errno);
	check(madvise((char *)0x7e0000000000, PAGE, MADV_RANDOM) == -1 && errno == ENOMEM,
	      "madvise of an unmapped range: ENOMEM", "%d", errno);
	memset(p, 'x', 4 * PAGE);
	before = used();
	check(madvise(p + PAGE, 2 * PAGE, MADV_DONTNEED) == 0 && used() == before - 2 &&
	      p[PAGE] == 0 && p[3 * PAGE - 1] == 0 && p[0] == 'x' && p[3 * PAGE] == 'x',
	      "MADV_DONTNEED: the pages go, then read as zeros", "used %ld -> %ld", before,
	      used());
	munmap(p, 4 * PAGE);
	for (int i = 0; i < N && fd >= 0; i++) {
		memset(page, i, PAGE);
		bad += write(fd, page, PAGE) != PAGE;
	}
	hold = mmap(NULL, N * PAGE, PROT_READ, MAP_SHARED, fd, 0);
	a = mmap(NULL, N * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	b = mmap(NULL, N * PAGE, PROT_READ, MAP_SHARED, fd, 0);
	if (fd < 0 || hold == MAP_FAILED || a == MAP_FAILED || b == MAP_FAILED || bad) {
		check(0, "a cached file mapped three times", "errno %d", errno);
		return;
	}
	read_all(hold, N, &bad);		/* the pager holds every frame now */
	n_around = read_all(a, N, &bad);
	check(!bad && n_around >= 2 && n_around <= 3,
	      "fault-around: reading 32 cached pages takes a fault per 16-page window",
	      "%ld faults, %d bad", n_around, bad);
	n_random = madvise(b, N * PAGE, MADV_RANDOM) ? -1 : read_all(b, N, &bad);
	check(n_random == N && !bad, "MADV_RANDOM: a fault per page", "%ld faults, %d bad",
	      n_random, bad);
	a[5 * PAGE] = 'w';
	check(pread(fd, &back, 1, 5 * PAGE) == 1 && back == 'w' && hold[5 * PAGE] == 'w',
	      "a store to a page fault-around mapped read-only reaches the file", "%c", back);
	{
		char *priv = mmap(NULL, N * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
		bool good = priv != MAP_FAILED;

		if (good) {
			priv[7 * PAGE] = 'p';		/* a private copy */
			good = madvise(priv + 7 * PAGE, PAGE, MADV_DONTNEED) == 0 &&
			       priv[7 * PAGE] == 7 && a[7 * PAGE] == 7;
			munmap(priv, N * PAGE);
		}
		check(good, "MADV_DONTNEED of a private file page: the file's bytes again", "-");
	}
	munmap(hold, N * PAGE);
	munmap(a, N * PAGE);
	munmap(b, N * PAGE);
	close(fd);
	unlink("/tmp/advice");
}

static void hints(void)
{
	char *want = (char *)0x200000000000;
	char *a = mmap(want, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *b = mmap(want, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	check(a == want, "a free hint is taken", "%p", a);
	check(b != MAP_FAILED && b != want, "a taken hint is not", "%p", b);
	munmap(a, PAGE);
	munmap(b, PAGE);
}

static void heap(void)
{
	char *base = sbrk(0), *big;
	long before;

	check(base != (void *)-1 && base >= bss_block + sizeof(bss_block),
	      "sbrk(0) gives the break, above the image", "%p", base);
	big = malloc(1 << 20);
	check(big != NULL, "malloc of 1 MiB through brk", "-");
	if (big) {
		memset(big, 1, 1 << 20);
		free(big);
	}
	before = used();
	check(sbrk(16 * PAGE) != (void *)-1 && used() == before, "brk grows without allocating",
	      "used %ld -> %ld", before, used());
	char *top = (char *)sbrk(0) - PAGE;
	long grown;
	top[0] = 5;
	grown = used();
	check(grown >= before + 1 && grown <= before + 1 + TABLES,
	      "a write in the new heap allocates one frame", "used %ld -> %ld", before, grown);
	check(sbrk(-16 * (long)PAGE) != (void *)-1 && used() <= grown - 1 && query(top) == 0,
	      "shrinking brk frees the frames", "used %ld -> %ld", grown, used());
}

static int depth(int n)
{
	volatile char pad[1024];

	pad[0] = (char)n;
	return n ? depth(n - 1) + pad[0] - (char)n + 1 : 0;
}

static void stack(void)
{
	check(depth(2048) == 2048, "the stack grows down on demand (2 MiB of frames)", "-");
}

static void many_regions(void)
{
	enum { N = 10000 };
	static char *r[N];
	long before = used(), peak;
	int ok = 1;

	for (int i = 0; i < N && ok; i++) {
		/* alternating rights: no two neighbours could ever be one region */
		r[i] = map(PAGE, i % 2 ? PROT_READ : PROT_READ | PROT_WRITE);
		ok = r[i] != MAP_FAILED;
	}
	check(ok, "10,000 regions", "-");
	for (int i = 0; i < N && ok; i += 2)
		r[i][0] = 1;
	for (int i = 1; i < N && ok; i += 2)
		ok = r[i][0] == 0;
	check(ok, "10,000 regions fault right", "-");
	peak = used();
	for (int i = 0; i < N; i++)
		munmap(r[i], PAGE);
	/* what may stay: page tables (freed by span, docs/kernel.md), record slabs */
	check(peak - used() >= N / 2 &&
	      used() <= before + (long)(N * PAGE / (2 << 20)) + TABLES + RECORDS(N / 2),
	      "unmapping them gives the frames back", "used %ld -> %ld -> %ld", before, peak,
	      used());
}

static int crash(const char *what)
{
	volatile int *p;

	if (!strcmp(what, "null"))
		return *(volatile int *)0;
	if (!strcmp(what, "rodata"))
		return ((volatile char *)rodata_text)[0] = 'x';
	if (!strcmp(what, "protnone")) {
		p = map(PAGE, PROT_READ | PROT_WRITE);
		*p = 1;
		mprotect((void *)p, PAGE, PROT_NONE);
		return *p;
	}
	if (!strcmp(what, "unmapped")) {
		p = map(PAGE, PROT_READ | PROT_WRITE);
		munmap((void *)p, PAGE);
		return *p = 1;
	}
	if (!strcmp(what, "stack"))
		return depth(1 << 20);
	if (!strcmp(what, "stackguard")) {
		/* a neighbour 2 MiB below the stack top: growth stops a guard gap above it */
		p = mmap((void *)(0x7ff000000000ul - (2ul << 20)), PAGE, PROT_READ,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		return p == MAP_FAILED ? 2 : depth(1 << 20);
	}
	if (!strcmp(what, "trap"))
		__builtin_trap();
	if (!strcmp(what, "divide")) {		/* x86_64: #DE; AArch64 divides give 0 */
		volatile int n = 7, zero = 0;	/* (gcc turns 1 / x into a compare) */

		return n / zero;
	}
	if (!strcmp(what, "misaligned")) {	/* AArch64: ldar needs alignment; x86_64 no #AC */
		static char buf[16];

		return __atomic_load_n((int *)(buf + 1), __ATOMIC_ACQUIRE);
	}
	printf("mmtest: no crash named %s\n", what);
	return 1;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "crash"))
		return crash(argv[2]);
	printf("1..65\n");
	start_abi(argc, argv);
	image();
	demand_zero();
	unmap_parts();
	protections();
	exec_mapping();
	errors();
	bad_ranges();
	garbage();
	hints();
	advice();
	heap();
	stack();
	many_regions();
	return tap_done();
}
