/*
 * Kernel III, tested from user mode: pools and their counters, frames,
 * map/unmap/protect/query/map_copy/frame_copy, large pages split by a
 * partial unmap, range operations in chunks, running a pool dry, and a
 * small pager serving a child task: demand mapping with map-and-resume,
 * copy-on-write by hand (both sides checked), protect after map_copy,
 * and the pool back at its starting count when the child is gone; fault
 * replies that move the frame handle, give rights back (FL_FAULT_ALLOW) or
 * copy the page on write (FL_FAULT_COPY); handle tables that grow
 * (task_handles_grow): chunks paid for by the pool, reply handles above
 * 511, ENOMEM when the pool cannot pay.
 */
#include <faultline/ipc.h>
#include <faultline/kstat.h>
#include <faultline/mem.h>
#include <faultline/task.h>
#include <faultline/msg.h>
#include "ktest.h"

#define FREE_VA		0x40000000ul	/* nothing of ours lives up here */
#define CHILD_STACK	0x30000000ul
#define CHILD_HEAP	0x50000000ul
#define RW		(FL_MAP_READ | FL_MAP_WRITE)

extern char __image_start[], __data_start[];

static uint64_t pool_used(int pool)
{
	struct fl_pool_info info = { 0 };

	fl_pool_info(pool, &info);
	return info.used;
}

/* ---- frames, mappings, counters --------------------------------------------- */

static struct fl_kstat k0, k1;		/* kernel counters around a test's core */

/* The kernel's count of a task's faults (all ones if it cannot be read). */
static uint64_t task_faults(int task)
{
	struct fl_task_info info;

	return fl_task_info(task, &info) ? ~0ull : info.faults;
}

static const char *pool_accounting(void)
{
	uint64_t before = pool_used(boot->pool), during, after;
	long f = fl_frame_alloc(boot->pool, 16);

	during = pool_used(boot->pool);
	fl_handle_close((int)f);
	after = pool_used(boot->pool);
	if (f < 0 || during != before + 16 || after != before)
		return FAIL("frame %ld; used %lu, %lu, %lu", f, (unsigned long)before,
			    (unsigned long)during, (unsigned long)after);
	return NULL;
}

/*
 * FL_RIGHT_PHYS flows from a pool handle to the frames and child pools
 * made from it (the root's system pool has it), and only from there.
 */
static const char *phys_right_from_pool(void)
{
	long nophys = fl_handle_dup(boot->pool, FL_RIGHTS_ALL & ~FL_RIGHT_PHYS);
	long child = fl_pool_create(boot->pool, 4), grandchild = fl_pool_create(nophys, 4);
	long f1 = fl_frame_alloc(boot->pool, 1), f2 = fl_frame_alloc(child, 1);
	long f3 = fl_frame_alloc(nophys, 1), f4 = fl_frame_alloc(grandchild, 1);
	long p1 = fl_frame_phys((int)f1), p2 = fl_frame_phys((int)f2);
	long p3 = fl_frame_phys((int)f3), p4 = fl_frame_phys((int)f4);
	const char *why = NULL;

	if (p1 <= 0 || p2 <= 0 || (p1 & 4095) || p1 == p2)
		why = FAIL("with the right: %#lx %#lx", p1, p2);
	else if (p3 != -EPERM || p4 != -EPERM)
		why = FAIL("without the right: %ld %ld", p3, p4);
	fl_handle_close((int)f1);
	fl_handle_close((int)f2);
	fl_handle_close((int)f3);
	fl_handle_close((int)f4);
	fl_handle_close((int)grandchild);
	fl_handle_close((int)child);
	fl_handle_close((int)nophys);
	return why;
}

static const char *two_mappings_one_frame(void)
{
	long f = fl_frame_alloc(boot->pool, 1), r1, r2;
	volatile uint64_t *a = (uint64_t *)FREE_VA, *b = (uint64_t *)(FREE_VA + 0x10000);
	const char *why = NULL;

	r1 = fl_map(boot->self_task, FREE_VA, (int)f, 0, 1, RW);
	r2 = fl_map(boot->self_task, FREE_VA + 0x10000, (int)f, 0, 1, FL_MAP_READ);
	if (r1 || r2)
		why = FAIL("map %ld %ld", r1, r2);
	else if (a[5] != 0)
		why = "a new frame is not zeroed";
	else {
		a[5] = 0x5eed;
		if (b[5] != 0x5eed)
			why = "the second mapping does not see the write";
	}
	fl_unmap(boot->self_task, FREE_VA, 0x20000);
	fl_handle_close((int)f);
	return why;
}

static const char *query_bits(void)
{
	long f = fl_frame_alloc(boot->pool, 1), q0, q1, q2, q3;
	volatile uint64_t *a = (uint64_t *)FREE_VA;
	uint64_t v;

	fl_map(boot->self_task, FREE_VA, (int)f, 0, 1, RW);
	a[0] = 1;
	q0 = fl_query(boot->self_task, FREE_VA, FL_QUERY_CLEAR);	/* then cleared */
	q1 = fl_query(boot->self_task, FREE_VA, 0);
	v = a[0];						/* a read */
	q2 = fl_query(boot->self_task, FREE_VA, 0);
	a[0] = v + 1;						/* a write */
	q3 = fl_query(boot->self_task, FREE_VA, 0);
	fl_unmap(boot->self_task, FREE_VA, 4096);
	fl_handle_close((int)f);
	if (!(q0 & FL_QUERY_PRESENT) || !(q0 & FL_QUERY_DIRTY) || !(q0 & FL_MAP_WRITE) ||
	    (q1 & (FL_QUERY_ACCESSED | FL_QUERY_DIRTY)) || !(q2 & FL_QUERY_ACCESSED) ||
	    (q2 & FL_QUERY_DIRTY) || !(q3 & FL_QUERY_DIRTY))
		return FAIL("query %#lx, cleared %#lx, after a read %#lx, after a write %#lx",
			    q0, q1, q2, q3);
	if (fl_query(boot->self_task, FREE_VA, 0) != 0)
		return "still there after unmap";
	return NULL;
}

static const char *protect_only_removes(void)
{
	long f = fl_frame_alloc(boot->pool, 1), q1, q2, r;

	fl_map(boot->self_task, FREE_VA, (int)f, 0, 1, RW);
	r = fl_protect(boot->self_task, FREE_VA, 4096, FL_MAP_READ);
	q1 = fl_query(boot->self_task, FREE_VA, 0);
	fl_protect(boot->self_task, FREE_VA, 4096, RW);		/* cannot add */
	q2 = fl_query(boot->self_task, FREE_VA, 0);
	fl_unmap(boot->self_task, FREE_VA, 4096);
	fl_handle_close((int)f);
	if (r != 4096 || (q1 & FL_MAP_WRITE) || (q2 & FL_MAP_WRITE) || !(q2 & FL_QUERY_PRESENT))
		return FAIL("protect %ld, then %#lx, then %#lx", r, q1, q2);
	return NULL;
}

static const char *large_page_split(void)
{
	long f = fl_frame_alloc(boot->pool, 512), r;
	volatile uint64_t *p = (uint64_t *)FREE_VA;
	const char *why = NULL;

	r = fl_map(boot->self_task, FREE_VA, (int)f, 0, 512, RW);
	if (r)
		why = FAIL("map 2 MiB: %ld", r);
	for (int i = 0; !why && i < 512; i++)
		p[i * 512] = (uint64_t)i;
	/* take out one page in the middle: the large page becomes 512 pages */
	if (!why && (r = fl_unmap(boot->self_task, FREE_VA + 100 * 4096, 4096)) != 4096)
		why = FAIL("unmap one page: %ld", r);
	for (int i = 0; !why && i < 512; i++)
		if (i != 100 && p[i * 512] != (uint64_t)i)
			why = FAIL("page %d reads %lu", i, (unsigned long)p[i * 512]);
	if (!why && fl_query(boot->self_task, FREE_VA + 100 * 4096, 0) != 0)
		why = "the page is still mapped";
	fl_unmap(boot->self_task, FREE_VA, 2 << 20);
	fl_handle_close((int)f);
	return why;
}

static const char *range_in_chunks(void)
{
	uint64_t done = 0;
	int calls = 0;
	long f = fl_frame_alloc(boot->pool, 1);

	fl_map(boot->self_task, FREE_VA + (512ul << 20), (int)f, 0, 1, RW);
	while (done < (1ul << 30)) {
		long r = fl_unmap(boot->self_task, FREE_VA + done, (1ul << 30) - done);

		if (r <= 0)
			return FAIL("unmap returned %ld after %lu bytes", r, (unsigned long)done);
		done += (uint64_t)r;
		calls++;
	}
	fl_handle_close((int)f);
	if (calls != (1 << 30) / FL_RANGE_MAX)
		return FAIL("%d calls", calls);
	return fl_query(boot->self_task, FREE_VA + (512ul << 20), 0) ? "still mapped" : NULL;
}

static const char *big_frame_two_calls(void)
{
	unsigned long pages = 2 * FL_RANGE_MAX / 4096;
	long f = fl_frame_alloc(boot->pool, pages), r1, r2, r3;

	if (f < 0)
		return FAIL("frame_alloc of 64 MiB: %ld", f);
	r1 = fl_map(boot->self_task, FREE_VA, (int)f, 0, pages, RW);
	r2 = fl_map(boot->self_task, FREE_VA, (int)f, 0, pages / 2, RW);
	r3 = fl_map(boot->self_task, FREE_VA + FL_RANGE_MAX, (int)f, pages / 2, pages / 2, RW);
	((volatile char *)FREE_VA)[2 * FL_RANGE_MAX - 1] = 1;
	while (fl_unmap(boot->self_task, FREE_VA, 2 * FL_RANGE_MAX) == FL_RANGE_MAX &&
	       fl_query(boot->self_task, FREE_VA + FL_RANGE_MAX, 0))
		fl_unmap(boot->self_task, FREE_VA + FL_RANGE_MAX, FL_RANGE_MAX);
	fl_handle_close((int)f);
	if (r1 != -E2BIG || r2 || r3)
		return FAIL("whole %ld, halves %ld %ld", r1, r2, r3);
	return NULL;
}

/*
 * map_frames: pages of a frame at three addresses in one call; the middle
 * one, mapped already (read-only, to page 2), is skipped, not replaced; a
 * bad second entry ends a call after the first.
 */
static const char *map_frames_list(void)
{
	long f = fl_frame_alloc(boot->pool, 3), r1, r2, r3 = 0;
	struct fl_map_entry list[4] = { { .frame = (int)f, .page = 2 }, { .frame = (int)f },
					{ .frame = (int)f, .page = 1 }, { .frame = 200 } };
	volatile char *p = (volatile char *)FREE_VA;
	const char *why = NULL;

	if (f < 0)
		return FAIL("frame_alloc: %ld", f);
	r1 = fl_map(boot->self_task, FREE_VA + 4096, (int)f, 2, 1, FL_MAP_READ);
	r2 = fl_map_frames(boot->self_task, FREE_VA, list, 3, RW);
	if (r1 || r2 != 3) {
		why = FAIL("map %ld, map_frames %ld (want 0, 3)", r1, r2);
	} else if ((fl_query(boot->self_task, FREE_VA + 4096, 0) & FL_MAP_WRITE) ||
		   !(fl_query(boot->self_task, FREE_VA + 8192, 0) & FL_MAP_WRITE)) {
		why = FAIL("the page mapped before was replaced, or the last not mapped");
	} else {
		p[0] = 'a';			/* page 2 of f */
		p[8192] = 'b';			/* page 1 */
		if (p[4096] != 'a')		/* page 2 again, mapped before the call */
			why = FAIL("the skipped page is not the one mapped before");
	}
	fl_unmap(boot->self_task, FREE_VA, 3 * 4096);
	if (!why && (r3 = fl_map_frames(boot->self_task, FREE_VA, list + 2, 2, RW)) != 1)
		why = FAIL("a list with a bad second entry: %ld (want 1)", r3);
	fl_unmap(boot->self_task, FREE_VA, 2 * 4096);
	fl_handle_close((int)f);
	return why;
}

static const char *pool_runs_dry(void)
{
	long small = fl_pool_create(boot->pool, 9), f1, f2, task, task2, frame, r, thread;
	uint64_t used;

	/* kernel objects are paid for by the byte, rounded up to a page */
	f1 = fl_frame_alloc((int)small, 8);			/* and its descriptor: 9 */
	f2 = fl_frame_alloc((int)small, 1);			/* nothing left */
	task = fl_task_create((int)small);			/* its tables: none left */
	fl_handle_close((int)f1);
	task2 = fl_task_create((int)small);			/* 3 pages and a task: 4 */
	thread = fl_thread_create((int)task2, 1);		/* a stack and a thread: 8 of 9 */
	frame = fl_frame_alloc(boot->pool, 1);
	/* a map needing three new tables: the pool has 1 page left */
	r = fl_map((int)task2, FREE_VA, (int)frame, 0, 1, RW);
	used = pool_used((int)small);
	fl_handle_close((int)thread);
	fl_task_destroy((int)task2);
	fl_handle_close((int)task2);
	fl_handle_close((int)frame);
	if (f1 < 0 || f2 != -ENOMEM || task != -ENOMEM || task2 < 0 || thread < 0 ||
	    r != -ENOMEM || used != 8)
		return FAIL("frames %ld %ld, tasks %ld %ld, thread %ld, map %ld, used %lu", f1,
			    f2, task, task2, thread, r, (unsigned long)used);
	if (pool_used((int)small) != 0)
		return FAIL("%lu pages still charged", (unsigned long)pool_used((int)small));
	fl_handle_close((int)small);
	return NULL;
}

/* A pool's last handle closed while a frame it paid for lives: the frame keeps it. */
static const char *pool_closed_before_frame(void)
{
	uint64_t before = pool_used(boot->pool);
	long small = fl_pool_create(boot->pool, 4), f = fl_frame_alloc((int)small, 2), r;
	volatile uint64_t *p = (uint64_t *)FREE_VA;
	uint64_t during, unmapped, seen = 0;

	if (small < 0 || f < 0)
		return FAIL("pool %ld, frame %ld", small, f);
	fl_handle_close((int)small);
	during = pool_used(boot->pool);		/* the quota still out */
	r = fl_map(boot->self_task, FREE_VA, (int)f, 0, 2, RW);
	if (r == 0) {
		p[0] = 7;
		p[512] = p[0] + 1;
		seen = p[512];
	}
	fl_unmap(boot->self_task, FREE_VA, 2 * 4096);
	unmapped = pool_used(boot->pool);	/* a page table may have stayed */
	fl_handle_close((int)f);
	if (r || seen != 8 || during != before + 4)
		return FAIL("map %ld, read %lu, parent used %lu then %lu", r, (unsigned long)seen,
			    (unsigned long)before, (unsigned long)during);
	if (pool_used(boot->pool) != unmapped - 4)	/* the quota came back */
		return FAIL("parent used %lu, was %lu", (unsigned long)pool_used(boot->pool),
			    (unsigned long)unmapped);
	return NULL;
}

/* ---- a pager for a child task --------------------------------------------------- */

#define RESULTS_VA	FREE_VA			/* shared by both tasks */
#define COW_VA		(FREE_VA + 0x1000)	/* ours, copy-on-write for the child */
#define DONE_VA		(FREE_VA + 0x100000)	/* the child touches it when done */

/* The shared page: what the child is told and what it reports. */
struct child_page {
	uint64_t result[4];
	struct fl_thread_start start;
};

/*
 * The child's program, in the text it shares with us. It uses no global
 * of ours: our data stays ours (a copy-on-write share of it would make
 * our own writes fault).
 */
static void child_main(void *arg)
{
	struct child_page *page = arg;
	volatile uint64_t *heap = (uint64_t *)CHILD_HEAP, *cow = (uint64_t *)COW_VA;

	for (int i = 0; i < 4; i++)
		heap[i * 512] = 0x1000 + (uint64_t)i;	/* four demand faults */
	page->result[0] = heap[0] + heap[512] + heap[1024] + heap[1536];
	page->result[1] = cow[0];	/* the parent's value, through the shared frame */
	cow[0] = 0xc0ffee;		/* a write fault: the pager copies the page */
	page->result[2] = cow[0];
	page->result[3] = 1;
	*(volatile char *)DONE_VA = 0;	/* tell the pager: a last fault */
}

static int child_task;
static long child_frames[64];
static int nchild_frames;

/* Map a fresh frame in the child; remember it for the end. */
static long map_child(uintptr_t va, size_t pages, unsigned prot)
{
	long f = fl_frame_alloc(boot->pool, pages), r;

	if (f < 0)
		return f;
	child_frames[nchild_frames++] = f;
	r = fl_map(child_task, va, (int)f, 0, pages, prot);
	return r ? r : f;
}

/* Serve the child's faults until it says it is done: NULL or why not. */
static const char *serve_child(int ep, long cow_frame, int *faults, int *cow_faults)
{
	struct fl_msg m;
	long r;

	while ((r = fl_recv_msg(ep, &m)) == FL_RECV_MESSAGE) {
		uint64_t addr = m.w[1];
		unsigned access = FL_FAULT_ACCESS(m.w[0]);
		long f;

		if (FL_TAG_LABEL(m.tag) != FL_LABEL_FAULT || FL_FAULT_KIND(m.w[0]) != FL_FAULT_PAGE)
			return FAIL("a fault of kind %u at %#lx", FL_FAULT_KIND(m.w[0]),
				    (unsigned long)addr);
		if ((addr & ~4095ul) == DONE_VA) {
			fl_reply(FL_TAG_REPLY(m.tag), FL_TAG(FL_FAULT_TERMINATE, 0, 0), 0, 0, 0, 0);
			return NULL;
		}
		if (addr >= CHILD_HEAP && addr < CHILD_HEAP + 0x10000) {
			(*faults)++;
			f = fl_frame_alloc(boot->pool, 1);	/* demand-zero */
		} else if ((addr & ~4095ul) == COW_VA && (access & FL_ACCESS_WRITE) &&
			   (access & FL_ACCESS_PRESENT)) {
			(*cow_faults)++;			/* copy-on-write by hand */
			f = fl_frame_alloc(boot->pool, 1);
			if (f >= 0)
				fl_frame_copy((int)f, 0, (int)cow_frame, 0, 1);
		} else {
			return FAIL("an unexpected fault at %#lx (access %#x, pc %#lx)",
				    (unsigned long)addr, access, (unsigned long)m.w[2]);
		}
		if (f < 0)
			return FAIL("frame_alloc: %ld", f);
		child_frames[nchild_frames++] = f;
		r = fl_reply(FL_TAG_REPLY(m.tag), FL_TAG(FL_FAULT_MAP, 0, 0), (uint64_t)f, 0, RW, 0);
		if (r)
			return FAIL("map-and-resume reply: %ld", r);
	}
	return FAIL("recv: %ld", r);
}

static const char *child_pager(void)
{
	uint64_t used_before = pool_used(boot->pool), own_faults = task_faults(boot->self_task);
	struct child_page *page = (struct child_page *)RESULTS_VA;
	long shared, cow_frame, r, t = -1;
	int ep, faults = 0, cow_faults = 0;
	const char *why = NULL;

	ep = (int)fl_endpoint_create();
	child_task = (int)fl_task_create(boot->pool);
	nchild_frames = 0;
	if (ep < 0 || child_task < 0)
		return "setup failed";
	/* text and rodata shared; a shared page; our COW page; a stack */
	r = fl_map_copy(child_task, boot->self_task, (uintptr_t)__image_start,
			(uintptr_t)__data_start - (uintptr_t)__image_start, FL_COPY_SHARE);
	shared = fl_frame_alloc(boot->pool, 1);
	cow_frame = fl_frame_alloc(boot->pool, 1);
	child_frames[nchild_frames++] = shared;
	child_frames[nchild_frames++] = cow_frame;
	fl_map(child_task, RESULTS_VA, (int)shared, 0, 1, RW);
	fl_map(boot->self_task, RESULTS_VA, (int)shared, 0, 1, RW);
	fl_map(boot->self_task, COW_VA, (int)cow_frame, 0, 1, RW);
	((volatile uint64_t *)COW_VA)[0] = 0xabcd;
	if (r < 0 || fl_map_copy(child_task, boot->self_task, COW_VA, 4096, FL_COPY_COW) != 4096 ||
	    map_child(CHILD_STACK, 4, RW) < 0)
		return FAIL("child setup: %ld", r);
	/* the COW page is read-only for us now too, and protect cannot undo that */
	fl_protect(boot->self_task, COW_VA, 4096, RW);
	if (fl_query(boot->self_task, COW_VA, 0) & FL_MAP_WRITE)
		why = "protect made a copy-on-write page writable";

	page->start = (struct fl_thread_start){ child_main, page };
	t = fl_thread_create(child_task, MAIN_PRIORITY - 1);
	fl_thread_set_fault_handler((int)t, ep);
	r = fl_thread_start((int)t, (uintptr_t)fl_thread_entry, CHILD_STACK + 4 * 4096,
			    (uintptr_t)&page->start);
	if (!why && r)
		why = FAIL("thread_start: %ld", r);
	fl_kstat(&k0, sizeof(k0));
	if (!why)
		why = serve_child(ep, cow_frame, &faults, &cow_faults);
	fl_kstat(&k1, sizeof(k1));
	if (!why) {
		if (page->result[3] != 1 || page->result[0] != 0x1000 + 0x1001 + 0x1002 + 0x1003 ||
		    page->result[1] != 0xabcd || page->result[2] != 0xc0ffee)
			why = FAIL("the child saw %#lx %#lx %#lx", (unsigned long)page->result[0],
				   (unsigned long)page->result[1], (unsigned long)page->result[2]);
		else if (faults != 4 || cow_faults != 1)
			why = FAIL("%d demand faults, %d COW faults", faults, cow_faults);
		else if (((volatile uint64_t *)COW_VA)[0] != 0xabcd)
			why = "the child's write reached our copy";
		/* each fault message reached the waiting pager by the fastpath */
		else if (k1.ipc_fastpath - k0.ipc_fastpath != (uint64_t)faults + (uint64_t)cow_faults + 1)
			why = FAIL("the fastpath carried %lu of %d fault messages",
				   (unsigned long)(k1.ipc_fastpath - k0.ipc_fastpath),
				   faults + cow_faults + 1);
		/* the kernel's own count: the child's five and the last; none of ours */
		else if (task_faults(child_task) != (uint64_t)faults + (uint64_t)cow_faults + 1 ||
			 task_faults(boot->self_task) != own_faults)
			why = FAIL("the kernel counted %lu faults in the child, %lu in us (was %lu)",
				   (unsigned long)task_faults(child_task),
				   (unsigned long)task_faults(boot->self_task),
				   (unsigned long)own_faults);
	}
	/* tear down: the pool goes back to where it was */
	if (t >= 0)
		finish(t);
	fl_task_destroy(child_task);
	fl_handle_close(child_task);
	fl_unmap(boot->self_task, RESULTS_VA, 0x2000);
	for (int i = 0; i < nchild_frames; i++)
		fl_handle_close((int)child_frames[i]);
	fl_handle_close(ep);
	if (!why && pool_used(boot->pool) != used_before)
		why = FAIL("pool used %lu before, %lu after", (unsigned long)used_before,
			   (unsigned long)pool_used(boot->pool));
	return why;
}

static const char *map_copy_into_mapped(void)
{
	long task = fl_task_create(boot->pool), f = fl_frame_alloc(boot->pool, 1), r;

	fl_map((int)task, FREE_VA, (int)f, 0, 1, RW);
	fl_map(boot->self_task, FREE_VA, (int)f, 0, 1, RW);
	r = fl_map_copy((int)task, boot->self_task, FREE_VA, 4096, FL_COPY_SHARE);
	fl_unmap(boot->self_task, FREE_VA, 4096);
	fl_task_destroy((int)task);
	fl_handle_close((int)task);
	fl_handle_close((int)f);
	return r == -EEXIST ? NULL : FAIL("map_copy over a mapping: %ld", r);
}

/* ---- IPC across address spaces ----------------------------------------------- */

#define SRV_PAGE	(FREE_VA + 0x200000)	/* shared: what the server is told, its count */
#define SRV_BUF		(FREE_VA + 0x201000)	/* the server's IPC buffer (both see it) */
#define SRV_STACK	(FREE_VA + 0x210000)

struct server_page {
	struct fl_thread_start start;
	int ep;			/* the endpoint, as the server's task numbers it */
	uint64_t served;
	uint64_t signalled;
	int reply;		/* the reply handle of the last call served */
};

static void child_server(void *arg)
{
	struct server_page *p = arg;
	struct fl_ipc_buffer *buf = (struct fl_ipc_buffer *)SRV_BUF;
	struct fl_msg m;
	long r = fl_recv_msg(p->ep, &m);

	while (r == FL_RECV_MESSAGE) {
		uint64_t w[4] = { m.w[0] + 1, 0, 0, 0 };

		if (FL_TAG_HANDLES(m.tag) == 1) {	/* a notification came along: use it */
			if (fl_signal(buf->handles[0], 4) == 0)
				p->signalled++;
			fl_handle_close(buf->handles[0]);
		}
		p->served++;
		p->reply = FL_TAG_REPLY(m.tag);
		r = fl_reply_recv_msg(p->ep, FL_TAG_WITH_REPLY(FL_TAG(2, 0, 0), FL_TAG_REPLY(m.tag)),
				      w, &m);
	}
}

static struct fl_ipc_buffer my_buf __attribute__((aligned(4096)));

/* A child_server's frames and thread, as we hold them. */
struct server {
	long page, bufpage, stack, thread;
};

/* Start child_server in child, receiving on our endpoint ep: NULL or why not. */
static const char *server_start(long child, long ep, struct server *s)
{
	struct server_page *p = (struct server_page *)SRV_PAGE;

	s->page = fl_map_new(boot->pool, (int)child, SRV_PAGE, 1, RW);
	s->bufpage = fl_map_new(boot->pool, (int)child, SRV_BUF, 1, RW);
	s->stack = fl_map_new(boot->pool, (int)child, SRV_STACK, 4, RW);
	if (s->page < 0 || fl_map(boot->self_task, SRV_PAGE, (int)s->page, 0, 1, RW))
		return "the server's page could not be mapped";
	*p = (struct server_page){ .start = { child_server, (void *)SRV_PAGE }, .reply = -1 };
	p->ep = (int)fl_task_give_handle((int)child, (int)ep, FL_RIGHT_READ);
	s->thread = fl_thread_create((int)child, MAIN_PRIORITY + 1);
	fl_thread_set_ipc_buffer((int)s->thread, SRV_BUF);
	if (s->bufpage < 0 || s->stack < 0 || p->ep < 0 || s->thread < 0 ||
	    fl_thread_start((int)s->thread, (uintptr_t)fl_thread_entry, SRV_STACK + 4 * 4096,
			    (uintptr_t)&p->start))
		return "the server could not be set up";
	return NULL;
}

/* Let go of the server's thread and frames (its task is the caller's to destroy). */
static void server_end(struct server *s)
{
	fl_thread_set_ipc_buffer(boot->self_thread, 0);
	if (s->thread >= 0)
		fl_handle_close((int)s->thread);
	if (s->page >= 0) {
		fl_unmap(boot->self_task, SRV_PAGE, 4096);
		fl_handle_close((int)s->page);
	}
	if (s->bufpage >= 0)
		fl_handle_close((int)s->bufpage);
	if (s->stack >= 0)
		fl_handle_close((int)s->stack);
}

static const char *ipc_across_tasks(void)
{
	struct server_page *p = (struct server_page *)SRV_PAGE;
	long child = fl_child_task_create(boot, boot->pool), ep = fl_endpoint_create();
	long ntfn = fl_notification_create();
	struct server srv = { -1, -1, -1, -1 };
	const char *why = NULL;
	struct fl_msg reply = { 0 };

	if (child < 0 || ep < 0 || ntfn < 0)
		return FAIL("setup: child %ld ep %ld", child, ep);
	why = server_start(child, ep, &srv);
	fl_thread_set_ipc_buffer(boot->self_thread, (uintptr_t)&my_buf);
	fl_kstat(&k0, sizeof(k0));
	for (uint64_t i = 0; !why && i < 10; i++) {
		uint64_t w[4] = { i * 10, 0, 0, 0 }, tag = FL_TAG(1, 0, i == 5);
		long r;

		my_buf.handles[0] = (int32_t)ntfn;	/* carried (copied) on the sixth call */
		r = fl_call_msg((int)ep, tag, w, &reply);
		if (r || FL_TAG_LABEL(reply.tag) != 2 || reply.w[0] != i * 10 + 1)
			why = FAIL("call %lu: %ld, label %u, w0 %lu", (unsigned long)i, r,
				   FL_TAG_LABEL(reply.tag), (unsigned long)reply.w[0]);
	}
	fl_kstat(&k1, sizeof(k1));
	if (!why && (p->served != 10 || p->signalled != 1 || fl_poll((int)ntfn) != 4))
		why = FAIL("served %lu, signalled %lu", (unsigned long)p->served,
			   (unsigned long)p->signalled);
	/*
	 * The fastpath carried the nine register-only calls and all ten
	 * replies; the call with a handle went the general way.
	 */
	if (!why && k1.ipc_fastpath - k0.ipc_fastpath != 19)
		why = FAIL("the fastpath carried %lu of 20 messages, not 19",
			   (unsigned long)(k1.ipc_fastpath - k0.ipc_fastpath));
	server_end(&srv);
	fl_task_destroy((int)child);	/* the server dies blocked in recv */
	fl_handle_close((int)child);
	fl_handle_close((int)ep);
	fl_handle_close((int)ntfn);
	return why;
}

/* ---- fault replies: a moved frame handle, allow ------------------------------ */

#define FR_PAGE		(FREE_VA + 0x600000)	/* shared: the child's orders and results */
#define FR_STACK	(FREE_VA + 0x610000)
#define FR_MINE		(FREE_VA + 0x620000)	/* ours: a look at a frame the child writes */
#define FR_VA		(FREE_VA + 0x800000)	/* the child's pages (2 MiB aligned) */
#define FR_DONE		(FREE_VA + 0xc00000)	/* the child touches it when done */
#define FR_MAX		4

struct fr_page {
	struct fl_thread_start start;
	int n;
	uint64_t addr[FR_MAX];	/* the child writes 0x100 + i at addr[i] */
	uint64_t seen[FR_MAX];	/* and reads it back */
};

/* The child's program (shared text, no globals). */
static void fr_child(void *arg)
{
	struct fr_page *p = arg;

	for (int i = 0; i < p->n; i++) {
		volatile uint64_t *a = (uint64_t *)p->addr[i];

		*a = 0x100 + (uint64_t)i;
		p->seen[i] = *a;
	}
	*(volatile char *)FR_DONE = 0;
}

/* A child writing to addresses, its faults sent to us. */
struct fr {
	long task, ep, thread, page, stack;
	struct fr_page *p;
};

static const char *fr_start(struct fr *c, const uint64_t *addr, int n)
{
	c->p = (struct fr_page *)FR_PAGE;
	c->ep = fl_endpoint_create();
	c->task = fl_child_task_create(boot, boot->pool);
	c->thread = c->page = c->stack = -1;
	if (c->ep < 0 || c->task < 0)
		return FAIL("endpoint %ld, task %ld", c->ep, c->task);
	c->page = fl_map_new(boot->pool, (int)c->task, FR_PAGE, 1, RW);
	c->stack = fl_map_new(boot->pool, (int)c->task, FR_STACK, 4, RW);
	if (c->page < 0 || c->stack < 0 || fl_map(boot->self_task, FR_PAGE, (int)c->page, 0, 1, RW))
		return FAIL("page %ld, stack %ld", c->page, c->stack);
	*c->p = (struct fr_page){ .start = { fr_child, c->p }, .n = n };
	for (int i = 0; i < n; i++)
		c->p->addr[i] = addr[i];
	c->thread = fl_thread_create((int)c->task, MAIN_PRIORITY - 1);
	if (c->thread < 0 || fl_thread_set_fault_handler((int)c->thread, (int)c->ep) ||
	    fl_thread_start((int)c->thread, (uintptr_t)fl_thread_entry, FR_STACK + 4 * 4096,
			    (uintptr_t)&c->p->start))
		return FAIL("thread %ld", c->thread);
	return NULL;
}

/* Check that m is the child's write fault at addr: NULL or why not. */
static const char *fr_check(const struct fl_msg *m, uint64_t addr, bool present)
{
	unsigned access = FL_FAULT_ACCESS(m->w[0]);

	if (FL_TAG_LABEL(m->tag) != FL_LABEL_FAULT || FL_FAULT_KIND(m->w[0]) != FL_FAULT_PAGE ||
	    m->w[1] != addr || !(access & FL_ACCESS_WRITE) || !(access & FL_ACCESS_PRESENT) != !present)
		return FAIL("fault kind %u access %#x at %#lx, not a write at %#lx",
			    FL_FAULT_KIND(m->w[0]), access, (unsigned long)m->w[1],
			    (unsigned long)addr);
	return NULL;
}

/* Wait for the child's write fault at addr: NULL with its reply handle in *rh. */
static const char *fr_fault(struct fr *c, uint64_t addr, bool present, int *rh)
{
	struct fl_msg m = { 0 };
	long r = fl_recv_msg((int)c->ep, &m);

	if (r != FL_RECV_MESSAGE)
		return FAIL("recv: %ld", r);
	*rh = FL_TAG_REPLY(m.tag);
	return fr_check(&m, addr, present);
}

/* Start a child writing at addr[0..n) and wait for its first fault, at addr[0]. */
static const char *fr_first(struct fr *c, const uint64_t *addr, int n, bool present, int *rh)
{
	const char *why = fr_start(c, addr, n);

	return why ? why : fr_fault(c, addr[0], present, rh);
}

/* Wait for the child to say it is done (it stays, blocked in that fault). */
static const char *fr_done(struct fr *c)
{
	struct fl_msg m = { 0 };
	long r = fl_recv_msg((int)c->ep, &m);

	if (r != FL_RECV_MESSAGE || m.w[1] != FR_DONE)
		return FAIL("recv %ld: a fault at %#lx, not the last", r, (unsigned long)m.w[1]);
	for (int i = 0; i < c->p->n; i++)
		if (c->p->seen[i] != 0x100 + (uint64_t)i)
			return FAIL("the child read %#lx at %#lx", (unsigned long)c->p->seen[i],
				    (unsigned long)c->p->addr[i]);
	return NULL;
}

static void fr_end(struct fr *c)
{
	if (c->thread >= 0)
		fl_handle_close((int)c->thread);
	if (c->task >= 0) {
		fl_task_destroy((int)c->task);
		fl_handle_close((int)c->task);
	}
	fl_unmap(boot->self_task, FR_PAGE, 4096);
	if (c->page >= 0)
		fl_handle_close((int)c->page);
	if (c->stack >= 0)
		fl_handle_close((int)c->stack);
	if (c->ep >= 0)
		fl_handle_close((int)c->ep);
}

static long answer(int rh, unsigned label, uint64_t w0, uint64_t w1, uint64_t w2)
{
	return fl_reply(rh, FL_TAG(label, 0, 0), w0, w1, w2, 0);
}

/* The pager gives its frame handle up: the mapping holds the frame alone. */
static const char *fault_map_moved(void)
{
	uint64_t addr[1] = { FR_VA };
	long pool = fl_pool_create(boot->pool, 4), f = -1, r = -1, closed = 0, mapped = 0;
	struct fr c;
	int rh;
	const char *why = fr_first(&c, addr, 1, false, &rh);

	if (!why) {
		f = fl_frame_alloc((int)pool, 1);
		r = answer(rh, FL_FAULT_MAP, (uint64_t)f | FL_HANDLE_MOVE, 0, RW);
		closed = fl_handle_close((int)f);	/* it is gone */
		if (f < 0 || r || closed != -EBADF)
			why = FAIL("frame %ld, reply %ld, then close %ld", f, r, closed);
	}
	if (!why)
		why = fr_done(&c);
	if (!why && !(fl_query((int)c.task, FR_VA, 0) & FL_MAP_WRITE))
		why = "the page is not mapped writable";
	/* the frame goes back to its pool with the mapping */
	mapped = (long)pool_used((int)pool);
	fl_unmap((int)c.task, FR_VA, 4096);
	if (!why && (mapped == 0 || pool_used((int)pool) != 0))
		why = FAIL("pool used %ld mapped, %lu unmapped", mapped,
			   (unsigned long)pool_used((int)pool));
	fr_end(&c);
	fl_handle_close((int)pool);
	return why;
}

/* A refused map-and-resume with a moved handle keeps it, and the reply handle. */
static const char *fault_map_moved_fails(void)
{
	uint64_t addr[1] = { FR_VA };
	long f = fl_frame_alloc(boot->pool, 1), ro = fl_handle_dup((int)f, FL_RIGHT_READ);
	long r[5] = { 0 }, closed = 0, ro_closed = -1;
	struct fr c;
	int rh;
	const char *why = fr_first(&c, addr, 1, false, &rh);

	if (!why) {
		r[0] = answer(rh, FL_FAULT_MAP, (uint64_t)ro | FL_HANDLE_MOVE, 0, RW);
		r[1] = answer(rh, FL_FAULT_MAP, (uint64_t)f | FL_HANDLE_MOVE, 0, 0);
		r[2] = answer(rh, FL_FAULT_MAP, (uint64_t)f | FL_HANDLE_MOVE, 1, RW);
		/* a moved frame handle and handles carried along: refused */
		fl_thread_set_ipc_buffer(boot->self_thread, (uintptr_t)&my_buf);
		my_buf.handles[0] = (int32_t)ro;
		r[3] = fl_reply(rh, FL_TAG(FL_FAULT_MAP, 0, 1), (uint64_t)f | FL_HANDLE_MOVE, 0,
				RW, 0);
		fl_thread_set_ipc_buffer(boot->self_thread, 0);
		ro_closed = fl_handle_close((int)ro);	/* still ours */
		r[4] = answer(rh, FL_FAULT_MAP, (uint64_t)f | FL_HANDLE_MOVE, 0, RW);
		closed = fl_handle_close((int)f);
		if (r[0] != -EPERM || r[1] != -EINVAL || r[2] != -EINVAL || r[3] != -EINVAL ||
		    ro_closed != 0 || r[4] != 0 || closed != -EBADF)
			why = FAIL("replies %ld %ld %ld %ld, close %ld, reply %ld, close %ld", r[0],
				   r[1], r[2], r[3], ro_closed, r[4], closed);
	}
	if (!why)
		why = fr_done(&c);
	fr_end(&c);
	if (why) {
		fl_handle_close((int)f);
		fl_handle_close((int)ro);
	}
	return why;
}

/*
 * Write comes back after protect: a 4 KiB page, and one page of a 2 MiB
 * one (split: its neighbours stay read-only). The second answer goes by
 * reply_recv, which the fastpath must leave to the general path.
 */
static const char *fault_allow_write(void)
{
	uint64_t addr[2] = { FR_VA + 0x200000, FR_VA + 5 * 4096 };
	long small = fl_frame_alloc(boot->pool, 1), big = fl_frame_alloc(boot->pool, 512), r = -1;
	long q[3] = { 0 };
	uint64_t seen = 0;
	struct fl_msg m = { 0 };
	struct fr c;
	int rh;
	const char *why = fr_start(&c, addr, 2);

	if (!why && (fl_map((int)c.task, addr[0], (int)small, 0, 1, RW) ||
		     fl_map((int)c.task, FR_VA, (int)big, 0, 512, RW) ||
		     fl_protect((int)c.task, FR_VA, 0x400000, FL_MAP_READ) != 0x400000 ||
		     fl_map(boot->self_task, FR_MINE, (int)small, 0, 1, FL_MAP_READ)))
		why = "setup failed";
	if (!why)
		why = fr_fault(&c, addr[0], true, &rh);
	if (!why && (r = answer(rh, FL_FAULT_ALLOW, FL_MAP_WRITE, 0, 0)))
		why = FAIL("allow: %ld", r);
	if (!why)
		why = fr_fault(&c, addr[1], true, &rh);
	if (!why) {
		uint64_t w[4] = { FL_MAP_WRITE, 0, 0, 0 };

		r = fl_reply_recv_msg((int)c.ep, FL_TAG_WITH_REPLY(FL_TAG(FL_FAULT_ALLOW, 0, 0), rh),
				      w, &m);
		if (r != FL_RECV_MESSAGE || m.w[1] != FR_DONE)
			why = FAIL("reply_recv %ld: then a fault at %#lx", r, (unsigned long)m.w[1]);
	}
	if (!why) {
		seen = *(volatile uint64_t *)FR_MINE;
		q[0] = fl_query((int)c.task, addr[0], 0);
		q[1] = fl_query((int)c.task, addr[1], 0);
		q[2] = fl_query((int)c.task, addr[1] + 4096, 0);
		if (c.p->seen[0] != 0x100 || c.p->seen[1] != 0x101 || seen != 0x100)
			why = FAIL("the child read %#lx %#lx, we %#lx", (unsigned long)c.p->seen[0],
				   (unsigned long)c.p->seen[1], (unsigned long)seen);
		else if (!(q[0] & FL_MAP_WRITE) || !(q[0] & FL_QUERY_DIRTY) ||
			 !(q[1] & FL_MAP_WRITE) || !(q[2] & FL_QUERY_PRESENT) || (q[2] & FL_MAP_WRITE))
			why = FAIL("query %#lx %#lx, the next page %#lx", q[0], q[1], q[2]);
	}
	fl_unmap(boot->self_task, FR_MINE, 4096);
	fr_end(&c);
	fl_handle_close((int)small);
	fl_handle_close((int)big);
	return why;
}

/* A fresh copy of frame f's first page, mapped writable at the fault by a moved handle. */
static long answer_with_copy(int rh, long f)
{
	long copy = fl_frame_alloc(boot->pool, 1), r;

	if (copy < 0)
		return copy;
	r = fl_frame_copy((int)copy, 0, (int)f, 0, 1);
	if (!r)
		r = answer(rh, FL_FAULT_MAP, (uint64_t)copy | FL_HANDLE_MOVE, 0, RW);
	if (r)
		fl_handle_close((int)copy);
	return r;
}

/*
 * Write is never given to a page of a read-only frame: one mapped from a
 * read-only handle, and one of the bootfs shared by map_copy. The reply
 * handle stays, and the pager answers with a copy instead.
 */
static const char *fault_allow_readonly_frame(void)
{
	uint64_t addr[2] = { FR_VA, boot->bootfs_addr };
	long f = fl_frame_alloc(boot->pool, 1), ro = fl_handle_dup((int)f, FL_RIGHT_READ);
	long r[4] = { 0 }, q = 0;
	struct fr c;
	int rh;
	const char *why = fr_start(&c, addr, 2);

	if (!why && (fl_map((int)c.task, FR_VA, (int)ro, 0, 1, FL_MAP_READ) ||
		     fl_map_copy((int)c.task, boot->self_task, boot->bootfs_addr, 4096,
				 FL_COPY_SHARE) != 4096 ||
		     fl_map(boot->self_task, FR_MINE, (int)f, 0, 1, FL_MAP_READ)))
		why = "setup failed";
	if (!why)
		why = fr_fault(&c, addr[0], true, &rh);
	if (!why) {
		r[0] = answer(rh, FL_FAULT_ALLOW, FL_MAP_WRITE, 0, 0);
		q = fl_query((int)c.task, addr[0], 0);
		r[1] = answer_with_copy(rh, f);
		if (r[1])
			why = FAIL("allow %ld, then a copy: %ld", r[0], r[1]);
	}
	if (!why)
		why = fr_fault(&c, addr[1], true, &rh);
	if (!why) {
		r[2] = answer(rh, FL_FAULT_ALLOW, FL_MAP_WRITE, 0, 0);
		r[3] = answer_with_copy(rh, boot->bootfs_frame);
		if (r[0] != -EPERM || (q & FL_MAP_WRITE) || r[1] || r[2] != -EPERM || r[3])
			why = FAIL("allow %ld (then %#lx), copy %ld; bootfs: allow %ld, copy %ld",
				   r[0], q, r[1], r[2], r[3]);
	}
	if (!why)
		why = fr_done(&c);
	if (!why && *(volatile uint64_t *)FR_MINE != 0)
		why = "the read-only frame was written";
	fl_unmap(boot->self_task, FR_MINE, 4096);
	fr_end(&c);
	fl_handle_close((int)ro);
	fl_handle_close((int)f);
	return why;
}

/*
 * W^X holds over the rights a page would have: write and exec together
 * need FL_MAP_WX, also when the page is executable already; unknown bits
 * are refused.
 */
static const char *fault_allow_wx(void)
{
	uint64_t addr[2] = { FR_VA, FR_VA + 4096 };
	long f = fl_frame_alloc(boot->pool, 2), r[5] = { 0 }, q = 0;
	struct fr c;
	int rh;
	const char *why = fr_start(&c, addr, 2);

	if (!why && (fl_map((int)c.task, FR_VA, (int)f, 0, 1, RW) ||
		     fl_protect((int)c.task, FR_VA, 4096, FL_MAP_READ) != 4096 ||
		     fl_map((int)c.task, FR_VA + 4096, (int)f, 1, 1, FL_MAP_READ | FL_MAP_EXEC)))
		why = "setup failed";
	if (!why)
		why = fr_fault(&c, addr[0], true, &rh);
	if (!why) {
		r[0] = answer(rh, FL_FAULT_ALLOW, FL_MAP_WRITE | FL_MAP_EXEC, 0, 0);
		r[1] = answer(rh, FL_FAULT_ALLOW, FL_MAP_WRITE | 0x10, 0, 0);
		r[2] = answer(rh, FL_FAULT_ALLOW, FL_MAP_WRITE, 0, 0);
		if (r[2])
			why = FAIL("allow W+X %ld, unknown bit %ld, W %ld", r[0], r[1], r[2]);
	}
	if (!why)
		why = fr_fault(&c, addr[1], true, &rh);
	if (!why) {
		r[3] = answer(rh, FL_FAULT_ALLOW, FL_MAP_WRITE, 0, 0);	/* it is executable */
		r[4] = answer(rh, FL_FAULT_ALLOW, FL_MAP_WRITE | FL_MAP_WX, 0, 0);
		if (r[0] != -EINVAL || r[1] != -EINVAL || r[2] || r[3] != -EINVAL || r[4])
			why = FAIL("allow W+X %ld, unknown bit %ld, W %ld; on RX: W %ld, W+WX %ld",
				   r[0], r[1], r[2], r[3], r[4]);
	}
	if (!why)
		why = fr_done(&c);
	if (!why && ((q = fl_query((int)c.task, addr[0], 0)) & FL_MAP_EXEC))
		why = FAIL("the first page is %#lx", q);
	if (!why && ((q = fl_query((int)c.task, addr[1], 0)) & (FL_MAP_WRITE | FL_MAP_EXEC)) !=
		    (FL_MAP_WRITE | FL_MAP_EXEC))
		why = FAIL("the second page is %#lx", q);
	fr_end(&c);
	fl_handle_close((int)f);
	return why;
}

/* Demand-zero in the reply: a fresh page from our pool, no handle made for it. */
static const char *fault_zero(void)
{
	uint64_t addr[1] = { FR_VA };
	long pool = fl_pool_create(boot->pool, 4), r = -1;
	struct fl_task_info before = { 0 }, after = { 0 };
	struct fr c;
	int rh;
	const char *why = fr_first(&c, addr, 1, false, &rh);

	if (!why) {
		fl_task_info(boot->self_task, &before);
		r = answer(rh, FL_FAULT_ZERO, (uint64_t)pool, 0, RW);
		fl_task_info(boot->self_task, &after);
		if (pool < 0 || r || after.handles != before.handles - 1 || pool_used((int)pool) < 1)
			why = FAIL("pool %ld, reply %ld, handles %lu -> %lu, pool used %lu", pool, r,
				   (unsigned long)before.handles, (unsigned long)after.handles,
				   (unsigned long)pool_used((int)pool));
	}
	if (!why)
		why = fr_done(&c);	/* the child wrote and read back its page */
	if (!why && !(fl_query((int)c.task, FR_VA, 0) & FL_MAP_WRITE))
		why = "the page is not writable";
	fr_end(&c);
	if (!why && pool_used((int)pool) != 0)
		why = FAIL("the page stayed charged: %lu", (unsigned long)pool_used((int)pool));
	fl_handle_close((int)pool);
	return why;
}

/* Bad answers keep the reply handle: a bad pool handle, a read-only one, a bad protection, an empty pool. */
static const char *fault_zero_refused(void)
{
	uint64_t addr[1] = { FR_VA };
	long pool = fl_pool_create(boot->pool, 4), empty = fl_pool_create(boot->pool, 0);
	long ro = fl_handle_dup((int)pool, FL_RIGHT_READ), r[6] = { 0 };
	struct fr c;
	int rh;
	const char *why = fr_first(&c, addr, 1, false, &rh);

	if (!why) {
		r[0] = answer(rh, FL_FAULT_ZERO, 9999, 0, RW);
		r[1] = answer(rh, FL_FAULT_ZERO, (uint64_t)c.ep, 0, RW);
		r[2] = answer(rh, FL_FAULT_ZERO, (uint64_t)ro, 0, RW);
		r[3] = answer(rh, FL_FAULT_ZERO, (uint64_t)pool, 0, 0);
		r[4] = answer(rh, FL_FAULT_ZERO, (uint64_t)empty, 0, RW);
		r[5] = answer(rh, FL_FAULT_ZERO, (uint64_t)pool, 0, RW);
		if (r[0] != -EBADF || r[1] != -EINVAL || r[2] != -EPERM || r[3] != -EINVAL ||
		    r[4] != -ENOMEM || r[5] != 0)
			why = FAIL("replies %ld %ld %ld %ld %ld, then %ld", r[0], r[1], r[2], r[3], r[4],
				   r[5]);
	}
	if (!why)
		why = fr_done(&c);
	fr_end(&c);
	fl_handle_close((int)ro);
	fl_handle_close((int)empty);
	fl_handle_close((int)pool);
	return why;
}

/*
 * Copy-on-write into a fresh page from a pool: the child's write to a
 * read-only page holding a pattern lands in a copy (one page copied),
 * our frame keeps the pattern; a bad pool or protection is refused with
 * the reply handle kept.
 */
static const char *fault_cow(void)
{
	uint64_t addr[1] = { FR_VA };
	long pool = fl_pool_create(boot->pool, 8), f = fl_frame_alloc(boot->pool, 1);
	long look = fl_frame_alloc(boot->pool, 1), r[3] = { 0 };
	volatile uint64_t *mine = (volatile uint64_t *)FR_MINE;
	volatile uint64_t *theirs = (volatile uint64_t *)(FR_MINE + 4096);
	uint64_t copies = 0;
	struct fr c;
	int rh;
	const char *why = fr_start(&c, addr, 1);

	if (!why && (f < 0 || look < 0 || pool < 0 ||
		     fl_map(boot->self_task, FR_MINE, (int)f, 0, 1, RW) ||
		     fl_map((int)c.task, FR_VA, (int)f, 0, 1, FL_MAP_READ)))
		why = "setup failed";
	if (!why) {
		mine[1] = 0xfeed;		/* the pattern the copy must carry */
		why = fr_fault(&c, FR_VA, true, &rh);
	}
	if (!why) {
		fl_kstat(&k0, sizeof(k0));
		r[0] = answer(rh, FL_FAULT_COW, 9999, 0, RW);		/* not a handle */
		r[1] = answer(rh, FL_FAULT_COW, (uint64_t)pool, 0, 7);	/* W+X without WX */
		r[2] = answer(rh, FL_FAULT_COW, (uint64_t)pool, 0, RW);
		fl_kstat(&k1, sizeof(k1));
		copies = k1.pages_copied - k0.pages_copied;
		if (r[0] != -EBADF || r[1] != -EINVAL || r[2] || copies != 1)
			why = FAIL("replies %ld %ld, then %ld; %lu copies", r[0], r[1], r[2],
				   (unsigned long)copies);
	}
	if (!why)
		why = fr_done(&c);		/* it wrote 0x100 and read it back */
	if (!why && (fl_frame_copy_from((int)look, 0, (int)c.task, FR_VA) ||
		     fl_map(boot->self_task, FR_MINE + 4096, (int)look, 0, 1, FL_MAP_READ)))
		why = "cannot look at the child's page";
	if (!why && (mine[0] != 0 || mine[1] != 0xfeed || theirs[0] != 0x100 ||
		     theirs[1] != 0xfeed))
		why = FAIL("ours %#lx %#lx, the child's %#lx %#lx", (unsigned long)mine[0],
			   (unsigned long)mine[1], (unsigned long)theirs[0], (unsigned long)theirs[1]);
	fl_unmap(boot->self_task, FR_MINE, 2 * 4096);
	fr_end(&c);
	fl_handle_close((int)look);
	fl_handle_close((int)f);
	fl_handle_close((int)pool);
	return why;
}

/* Nothing mapped at the fault: allow is refused, and a map answers instead. */
static const char *fault_allow_unmapped(void)
{
	uint64_t addr[1] = { FR_VA };
	long f = -1, r[2] = { 0 };
	struct fr c;
	int rh;
	const char *why = fr_first(&c, addr, 1, false, &rh);

	if (!why) {
		r[0] = answer(rh, FL_FAULT_ALLOW, FL_MAP_WRITE, 0, 0);
		f = fl_frame_alloc(boot->pool, 1);
		r[1] = answer(rh, FL_FAULT_MAP, (uint64_t)f | FL_HANDLE_MOVE, 0, RW);
		if (r[0] != -ENOENT || f < 0 || r[1])
			why = FAIL("allow %ld, frame %ld, map %ld", r[0], f, r[1]);
	}
	if (!why)
		why = fr_done(&c);
	fr_end(&c);
	return why;
}

/*
 * protect to 0 keeps the page but takes all access away: query shows it
 * present without rights, the child's write faults as a protection fault,
 * and allow gives access back to the same frame, its data intact.
 */
static const char *fault_allow_after_noaccess(void)
{
	uint64_t addr[1] = { FR_VA };
	long f = fl_frame_alloc(boot->pool, 1), q[2] = { 0 }, r[3] = { -1, -1, -1 };
	volatile uint64_t *mine = (volatile uint64_t *)FR_MINE;
	struct fr c;
	int rh;
	const char *why = fr_start(&c, addr, 1);

	if (!why && (f < 0 || fl_map((int)c.task, FR_VA, (int)f, 0, 1, RW) ||
		     fl_map(boot->self_task, FR_MINE, (int)f, 0, 1, RW)))
		why = "setup failed";
	if (!why) {
		*mine = 0x5a5a;		/* before the child runs: the child writes first */
		r[0] = fl_protect((int)c.task, FR_VA, 4096, 0);
		q[0] = fl_query((int)c.task, FR_VA, 0);
		if (r[0] != 4096 || q[0] & (FL_MAP_READ | FL_MAP_WRITE) || !(q[0] & FL_QUERY_PRESENT))
			why = FAIL("protect %ld, query %#lx", r[0], q[0]);
	}
	if (!why)
		why = fr_fault(&c, FR_VA, true, &rh);	/* present: a protection fault */
	if (!why) {
		r[1] = answer(rh, FL_FAULT_ALLOW, FL_MAP_WRITE | FL_MAP_EXEC, 0, 0);	/* W^X */
		r[2] = answer(rh, FL_FAULT_ALLOW, FL_MAP_READ | FL_MAP_WRITE, 0, 0);
		if (r[1] != -EINVAL || r[2])
			why = FAIL("allow W+X %ld, allow RW %ld", r[1], r[2]);
	}
	if (!why)
		why = fr_done(&c);	/* the child wrote and read back through the same frame */
	if (!why) {
		q[1] = fl_query((int)c.task, FR_VA, 0);
		if (*mine != 0x100 || !(q[1] & FL_MAP_WRITE))
			why = FAIL("our view %#lx, query %#lx", (unsigned long)*mine, q[1]);
	}
	fl_unmap(boot->self_task, FR_MINE, 4096);
	fr_end(&c);
	if (f >= 0)
		fl_handle_close((int)f);
	return why;
}

/* Fill a page with a pattern of its words' indices; does it hold it but at word skip? */
static void fill_pattern(volatile uint64_t *p)
{
	for (unsigned i = 0; i < 512; i++)
		p[i] = 0xc0de0000 + i;
}

static bool has_pattern(const volatile uint64_t *p, unsigned skip)
{
	for (unsigned i = 0; i < 512; i++)
		if (i != skip && p[i] != 0xc0de0000 + i)
			return false;
	return true;
}

/*
 * Copy-on-write in one kernel entry: the child writes read-only pages (a
 * 4 KiB one, and one page of a 2 MiB one); each answer copies the page
 * into a fresh frame (the first moved) and maps that writable. The old
 * frames keep the pattern, the new pages hold it plus the child's write,
 * and each answer counts one copied page.
 */
static const char *fault_copy(void)
{
	uint64_t addr[2] = { FR_VA + 3 * 8, FR_VA + 0x200000 + 5 * 4096 + 7 * 8 };
	long small = fl_frame_alloc(boot->pool, 1), big = fl_frame_alloc(boot->pool, 512);
	long fresh = fl_frame_alloc(boot->pool, 1), kept = fl_frame_alloc(boot->pool, 2);
	long r[3] = { -1, -1, -1 }, q[3] = { 0 }, closed = 0;
	uint64_t copied[2] = { 0 };
	volatile uint64_t *mine = (volatile uint64_t *)FR_MINE;
	struct fr c;
	int rh;
	const char *why = fr_start(&c, addr, 2);

	if (!why && (small < 0 || big < 0 || fresh < 0 || kept < 0 ||
		     fl_map((int)c.task, FR_VA, (int)small, 0, 1, FL_MAP_READ) ||
		     fl_map((int)c.task, FR_VA + 0x200000, (int)big, 0, 512, FL_MAP_READ) ||
		     fl_map(boot->self_task, FR_MINE, (int)small, 0, 1, RW) ||
		     fl_map(boot->self_task, FR_MINE + 4096, (int)big, 5, 1, RW) ||
		     fl_map(boot->self_task, FR_MINE + 2 * 4096, (int)kept, 1, 1, FL_MAP_READ)))
		why = "setup failed";
	if (!why) {
		fill_pattern(mine);
		fill_pattern(mine + 512);
		why = fr_fault(&c, addr[0], true, &rh);
	}
	if (!why) {
		fl_kstat(&k0, sizeof(k0));
		r[0] = answer(rh, FL_FAULT_COPY, (uint64_t)fresh | FL_HANDLE_MOVE, 0, RW);
		fl_kstat(&k1, sizeof(k1));
		copied[0] = k1.pages_copied - k0.pages_copied;
		closed = fl_handle_close((int)fresh);	/* the mapping holds it alone */
		if (r[0] || closed != -EBADF || copied[0] != 1)
			why = FAIL("copy %ld, close %ld, %lu pages copied", r[0], closed,
				   (unsigned long)copied[0]);
	}
	if (!why)
		why = fr_fault(&c, addr[1], true, &rh);
	if (!why) {
		fl_kstat(&k0, sizeof(k0));
		r[1] = answer(rh, FL_FAULT_COPY, (uint64_t)kept, 1, RW);
		fl_kstat(&k1, sizeof(k1));
		copied[1] = k1.pages_copied - k0.pages_copied;
		if (r[1] || copied[1] != 1)
			why = FAIL("copy from a 2 MiB page %ld, %lu pages copied", r[1],
				   (unsigned long)copied[1]);
	}
	if (!why)
		why = fr_done(&c);
	if (!why) {
		q[0] = fl_query((int)c.task, addr[0], 0);
		q[1] = fl_query((int)c.task, addr[1], 0);
		q[2] = fl_query((int)c.task, addr[1] + 4096, 0);	/* the split's neighbour */
		if (!(q[0] & FL_MAP_WRITE) || !(q[1] & FL_MAP_WRITE) ||
		    !(q[2] & FL_QUERY_PRESENT) || (q[2] & FL_MAP_WRITE))
			why = FAIL("query %#lx %#lx, the next page %#lx", q[0], q[1], q[2]);
	}
	/* the old frames are as they were */
	if (!why && (!has_pattern(mine, 512) || !has_pattern(mine + 512, 512)))
		why = "an old frame was written";
	/* the new pages: the pattern and the child's write */
	if (!why && (r[2] = fl_map_copy(boot->self_task, (int)c.task, FR_VA, 4096,
					FL_COPY_SHARE)) != 4096)
		why = FAIL("map_copy of the new page: %ld", r[2]);
	if (!why && (!has_pattern((uint64_t *)FR_VA, 3) || ((uint64_t *)FR_VA)[3] != 0x100))
		why = FAIL("the new page holds %#lx at word 3, or lost the pattern",
			   (unsigned long)((uint64_t *)FR_VA)[3]);
	if (!why && (!has_pattern(mine + 1024, 7) || mine[1024 + 7] != 0x101))
		why = FAIL("the new page of kept holds %#lx at word 7, or lost the pattern",
			   (unsigned long)mine[1024 + 7]);
	fl_unmap(boot->self_task, FR_VA, 4096);
	fl_unmap(boot->self_task, FR_MINE, 3 * 4096);
	fr_end(&c);
	if (why)
		fl_handle_close((int)fresh);
	fl_handle_close((int)small);
	fl_handle_close((int)big);
	fl_handle_close((int)kept);
	return why;
}

/*
 * Refused copies change nothing, and keep the reply handle and a moved
 * frame handle: a read-only frame handle (-EPERM, even for a read-only
 * map), a page outside the frame (-EINVAL), nothing mapped at the fault
 * address (-ENOENT: unmapped while the child waits). Then a valid answer.
 */
static const char *fault_copy_refused(void)
{
	uint64_t addr[1] = { FR_VA };
	long f = fl_frame_alloc(boot->pool, 1), fresh = fl_frame_alloc(boot->pool, 1);
	long ro = fl_handle_dup((int)fresh, FL_RIGHT_READ);
	long r[6] = { -1, -1, -1, -1, -1, -1 }, closed[2] = { 0 }, u = 0;
	volatile uint64_t *mine = (volatile uint64_t *)FR_MINE;
	struct fr c;
	int rh;
	const char *why = fr_start(&c, addr, 1);

	if (!why && (f < 0 || fresh < 0 || ro < 0 ||
		     fl_map((int)c.task, FR_VA, (int)f, 0, 1, FL_MAP_READ) ||
		     fl_map(boot->self_task, FR_MINE, (int)f, 0, 1, RW) ||
		     fl_map(boot->self_task, FR_MINE + 4096, (int)fresh, 0, 1, FL_MAP_READ)))
		why = "setup failed";
	if (!why) {
		fill_pattern(mine);
		why = fr_fault(&c, FR_VA, true, &rh);
	}
	if (!why) {
		fl_kstat(&k0, sizeof(k0));
		r[0] = answer(rh, FL_FAULT_COPY, (uint64_t)ro | FL_HANDLE_MOVE, 0, RW);
		r[1] = answer(rh, FL_FAULT_COPY, (uint64_t)ro | FL_HANDLE_MOVE, 0, FL_MAP_READ);
		r[2] = answer(rh, FL_FAULT_COPY, (uint64_t)fresh | FL_HANDLE_MOVE, 1, RW);
		r[3] = fl_query((int)c.task, FR_VA, 0);
		u = fl_unmap((int)c.task, FR_VA, 4096);
		r[4] = answer(rh, FL_FAULT_COPY, (uint64_t)fresh | FL_HANDLE_MOVE, 0, RW);
		fl_kstat(&k1, sizeof(k1));
		if (r[0] != -EPERM || r[1] != -EPERM || r[2] != -EINVAL || !(r[3] & FL_QUERY_PRESENT) ||
		    (r[3] & FL_MAP_WRITE) || u != 4096 || r[4] != -ENOENT)
			why = FAIL("copy: read-only %ld %ld, outside %ld (query %#lx), unmap %ld, "
				   "unmapped %ld", r[0], r[1], r[2], r[3], u, r[4]);
		else if (k1.pages_copied != k0.pages_copied || !has_pattern(mine, 512))
			why = "a refused copy copied, or wrote the old frame";
		for (unsigned i = 0; !why && i < 512; i++)
			if (mine[512 + i])
				why = "a refused copy wrote the fresh frame";
	}
	if (!why) {
		closed[0] = fl_handle_close((int)ro);	/* still ours */
		r[5] = answer(rh, FL_FAULT_MAP, (uint64_t)fresh | FL_HANDLE_MOVE, 0, RW);
		closed[1] = fl_handle_close((int)fresh);
		if (closed[0] || r[5] || closed[1] != -EBADF)
			why = FAIL("close %ld, then map %ld, close %ld", closed[0], r[5], closed[1]);
	}
	if (!why)
		why = fr_done(&c);
	fl_unmap(boot->self_task, FR_MINE, 2 * 4096);
	fr_end(&c);
	if (why) {
		fl_handle_close((int)ro);
		fl_handle_close((int)fresh);
	}
	fl_handle_close((int)f);
	return why;
}

/* ---- kernel objects are paid for ---------------------------------------------- */

/* Endpoints charge the creator's pool, and closing them gives it back. */
static const char *objects_charged(void)
{
	uint64_t before = pool_used(boot->pool), during;
	long ep[64];
	int made = 0;

	for (int i = 0; i < 64; i++)
		if ((ep[i] = fl_endpoint_create()) >= 0)
			made++;
	during = pool_used(boot->pool);
	for (int i = 0; i < 64; i++)
		if (ep[i] >= 0)
			fl_handle_close((int)ep[i]);
	if (made != 64 || during <= before || pool_used(boot->pool) != before)
		return FAIL("%d made, used %lu then %lu then %lu", made, (unsigned long)before,
			    (unsigned long)during, (unsigned long)pool_used(boot->pool));
	return NULL;
}

#define OBJ_PAGE	(FREE_VA + 0x400000)	/* shared: the child's results */
#define OBJ_STACK	(FREE_VA + 0x410000)
/* the child's tables, stack, task and thread take most of it; the rest
 * holds a few dozen endpoints, well short of a full handle table (-EMFILE) */
#define OBJ_QUOTA	13

struct objects_page {
	struct fl_thread_start start;
	long endpoints, notifications;	/* made before the pool ran dry */
	long endpoint_err, notification_err;
	uint64_t used;			/* the pool then, as the child reads it */
	int pool, done;			/* the child's handle to its pool */
};

/* In a task bound to a small pool: make objects until the pool says no. */
static void objects_child(void *arg)
{
	struct objects_page *p = arg;
	long r;

	while ((r = fl_endpoint_create()) >= 0)
		p->endpoints++;
	p->endpoint_err = r;
	while ((r = fl_notification_create()) >= 0)
		p->notifications++;
	p->notification_err = r;
	p->used = pool_used(p->pool);
	p->done = 1;
}

static const char *objects_run_pool_dry(void)
{
	struct objects_page *p = (struct objects_page *)OBJ_PAGE;
	long small = fl_pool_create(boot->pool, OBJ_QUOTA), child = -1, page = -1, stack = -1;
	long t = -1;
	const char *why = NULL;

	if (small >= 0)
		child = fl_child_task_create(boot, (int)small);
	if (child >= 0) {
		page = fl_map_new(boot->pool, (int)child, OBJ_PAGE, 1, RW);
		stack = fl_map_new(boot->pool, (int)child, OBJ_STACK, 4, RW);
	}
	if (page >= 0 && fl_map(boot->self_task, OBJ_PAGE, (int)page, 0, 1, RW) == 0) {
		*p = (struct objects_page){ .start = { objects_child, p } };
		p->pool = (int)fl_task_give_handle((int)child, (int)small, FL_RIGHT_READ);
		t = fl_thread_create((int)child, MAIN_PRIORITY + 1);
	}
	if (stack < 0 || t < 0 || p->pool < 0 ||
	    fl_thread_start((int)t, (uintptr_t)fl_thread_entry, OBJ_STACK + 4 * 4096,
			    (uintptr_t)&p->start))
		why = FAIL("setup: pool %ld, child %ld, page %ld, stack %ld, thread %ld", small,
			   child, page, stack, t);
	for (int i = 0; !why && !p->done && i < 1000; i++)
		fl_yield();
	if (!why && (!p->done || p->endpoints <= 0 || p->endpoint_err != -ENOMEM ||
		     p->notification_err != -ENOMEM || p->used != OBJ_QUOTA))
		why = FAIL("done %d: %ld endpoints (%ld), %ld notifications (%ld), used %lu",
			   p->done, p->endpoints, p->endpoint_err, p->notifications,
			   p->notification_err, (unsigned long)p->used);
	if (!why) {
		/* the kernel's view: every object and the pool handle, no thread left */
		struct fl_task_info info = { 0 };
		long r = fl_task_info((int)child, &info);

		if (r || info.handles != (uint64_t)(p->endpoints + p->notifications + 1) ||
		    info.threads != 0 || info.handles_max != FL_HANDLES_MAX)
			why = FAIL("task_info %ld: %lu handles of %lu, %lu threads", r,
				   (unsigned long)info.handles, (unsigned long)info.handles_max,
				   (unsigned long)info.threads);
	}
	if (t >= 0)
		fl_handle_close((int)t);
	if (child >= 0) {
		fl_task_destroy((int)child);	/* its handles close: the objects go */
		fl_handle_close((int)child);
	}
	fl_unmap(boot->self_task, OBJ_PAGE, 4096);
	if (page >= 0)
		fl_handle_close((int)page);
	if (stack >= 0)
		fl_handle_close((int)stack);
	if (!why && small >= 0 && pool_used((int)small) != 0)
		why = FAIL("%lu pages still charged", (unsigned long)pool_used((int)small));
	if (small >= 0)
		fl_handle_close((int)small);
	return why;
}

/* ---- handle tables that grow ---------------------------------------------------- */

static struct fl_task_info task_info(int task)
{
	struct fl_task_info info = { 0 };

	if (fl_task_info(task, &info))
		info.handles_max = ~0ull;
	return info;
}

/* Give task handles (copies of ours, h) until the last one it got is number last: 0 or why not. */
static long give_until(int task, int h, long last)
{
	long got = -1;

	while (got < last) {
		long r = fl_task_give_handle(task, h, FL_RIGHT_READ);

		if (r < 0)
			return r;
		if (r <= got)
			return -1000;	/* not the next slot */
		got = r;
	}
	return 0;
}

/* Frames of one page from pool until it is dry: how many (in f[], at most max). */
static int drain_pool(int pool, long *f, int max)
{
	int n = 0;

	while (n < max && (f[n] = fl_frame_alloc(pool, 1)) >= 0)
		n++;
	return n;
}

/* Destroy child, free the frames f[0..nf) and check that pool paid nothing more; close it. */
static const char *end_in_pool(long child, long pool, long *f, int nf, const char *why)
{
	fl_task_destroy((int)child);
	fl_handle_close((int)child);
	while (nf > 0)
		fl_handle_close((int)f[--nf]);
	if (!why && pool_used((int)pool) != 0)
		why = FAIL("%lu pages still charged after the task", (unsigned long)pool_used((int)pool));
	fl_handle_close((int)pool);
	return why;
}

/* A task starts at FL_HANDLES_MAX; the max grows to the limit and never shrinks. */
static const char *handles_grow_limits(void)
{
	long child = fl_task_create(boot->pool), r1, r2, r3, r4, r5;
	uint64_t max0, max1, max2;

	if (child < 0)
		return FAIL("task_create: %ld", child);
	max0 = task_info((int)child).handles_max;
	r1 = fl_task_handles_grow((int)child, FL_HANDLES_MAX - 1);
	r2 = fl_task_handles_grow((int)child, FL_HANDLES_LIMIT + 1);
	r3 = fl_task_handles_grow((int)child, 1000);
	max1 = task_info((int)child).handles_max;
	r4 = fl_task_handles_grow((int)child, 999);
	r5 = fl_task_handles_grow((int)child, FL_HANDLES_LIMIT);
	max2 = task_info((int)child).handles_max;
	fl_task_destroy((int)child);
	fl_handle_close((int)child);
	if (max0 != FL_HANDLES_MAX || r1 != -EINVAL || r2 != -EINVAL || r3 || max1 != 1000 ||
	    r4 != -EINVAL || r5 || max2 != FL_HANDLES_LIMIT)
		return FAIL("max %lu; 255: %ld, limit+1: %ld, 1000: %ld (max %lu), 999: %ld, "
			    "limit: %ld (max %lu)", (unsigned long)max0, r1, r2, r3,
			    (unsigned long)max1, r4, r5, (unsigned long)max2);
	return NULL;
}

#define GROW_QUOTA	16

/*
 * A child's table grows by a chunk when full; a pool that cannot pay for
 * it is -ENOMEM (the full table at its max is -EMFILE), nothing changes,
 * and once a page is free the same install works. Destroying the task
 * gives the chunks back.
 */
static const char *handles_chunk_enomem(void)
{
	long small = fl_pool_create(boot->pool, GROW_QUOTA), child = -1, ep = fl_endpoint_create();
	long f[GROW_QUOTA], r_full, r_nomem, r_again, r_fill, r_nomem2, r_max;
	struct fl_task_info i1 = { 0 }, i2 = { 0 };
	uint64_t used_full = 0;
	const char *why = NULL;
	int nf = 0;

	if (small >= 0)
		child = fl_task_create((int)small);
	if (small < 0 || child < 0 || ep < 0)
		return FAIL("setup: pool %ld, child %ld, ep %ld", small, child, ep);
	/* at 256 slots a full table is EMFILE */
	r_full = give_until((int)child, (int)ep, FL_HANDLES_MAX - 1);
	r_max = fl_task_give_handle((int)child, (int)ep, FL_RIGHT_READ);
	if (r_full || r_max != -EMFILE)
		why = FAIL("filling 256: %ld, then %ld", r_full, r_max);
	if (!why && (r_full = fl_task_handles_grow((int)child, 1024)))
		why = FAIL("grow: %ld", r_full);
	nf = drain_pool((int)small, f, GROW_QUOTA);
	r_nomem = fl_task_give_handle((int)child, (int)ep, FL_RIGHT_READ);
	i1 = task_info((int)child);
	if (!why && (nf == 0 || r_nomem != -ENOMEM || i1.handles != FL_HANDLES_MAX ||
		     i1.handles_max != 1024))
		why = FAIL("%d frames; a 257th handle: %ld; %lu handles of %lu", nf, r_nomem,
			   (unsigned long)i1.handles, (unsigned long)i1.handles_max);
	/* a page comes free: the same install works and takes slot 256 */
	if (nf > 0)
		fl_handle_close((int)f[--nf]);
	r_again = fl_task_give_handle((int)child, (int)ep, FL_RIGHT_READ);
	used_full = pool_used((int)small);
	/* the chunk's other 255 slots need no more pages; the 513th handle does */
	r_fill = give_until((int)child, (int)ep, 511);
	r_nomem2 = fl_task_give_handle((int)child, (int)ep, FL_RIGHT_READ);
	i2 = task_info((int)child);
	if (!why && (r_again != FL_HANDLES_MAX || used_full != GROW_QUOTA || r_fill ||
		     r_nomem2 != -ENOMEM || i2.handles != 512))
		why = FAIL("after a page came free: %ld (used %lu), to 511: %ld, 513th: %ld, "
			   "%lu handles", r_again, (unsigned long)used_full, r_fill, r_nomem2,
			   (unsigned long)i2.handles);
	fl_handle_close((int)ep);
	return end_in_pool(child, small, f, nf, why);
}

#define HSRV_QUOTA	64

/*
 * A server whose reply handles are numbered above 511: calls on the
 * fastpath and on the general path (one carries a handle) come back. Its
 * table full and its pool dry, a call is -ENOMEM and the server keeps
 * waiting; with a page free the same call works.
 */
static const char *handles_high_reply(void)
{
	struct server_page *p = (struct server_page *)SRV_PAGE;
	long small = fl_pool_create(boot->pool, HSRV_QUOTA), child = -1, ep = fl_endpoint_create();
	long ntfn = fl_notification_create(), f[HSRV_QUOTA], r;
	struct server srv = { -1, -1, -1, -1 };
	const char *why = NULL;
	struct fl_msg reply = { 0 };
	int nf = 0;

	if (small >= 0)
		child = fl_child_task_create(boot, (int)small);
	if (child < 0 || ep < 0 || ntfn < 0)
		return FAIL("setup: pool %ld child %ld ep %ld", small, child, ep);
	why = server_start(child, ep, &srv);
	/* the server waits in recv; fill its first chunk and dry its pool */
	if (!why && (r = fl_task_handles_grow((int)child, 1024)))
		why = FAIL("grow: %ld", r);
	if (!why && (r = give_until((int)child, (int)ep, FL_HANDLES_MAX - 1)))
		why = FAIL("filling the first chunk: %ld", r);
	nf = drain_pool((int)small, f, HSRV_QUOTA);
	if (!why && (r = fl_call_msg((int)ep, FL_TAG(1, 0, 0), (uint64_t[4]){ 7 }, &reply)) != -ENOMEM)
		why = FAIL("a call with no room for the reply handle: %ld, not -ENOMEM", r);
	/* two pages free: chunks for 256..767; fill past 511 */
	for (int i = 0; i < 2 && nf > 0; i++)
		fl_handle_close((int)f[--nf]);
	if (!why && (r = give_until((int)child, (int)ep, 520)))
		why = FAIL("filling past 511: %ld", r);
	fl_thread_set_ipc_buffer(boot->self_thread, (uintptr_t)&my_buf);
	for (uint64_t i = 0; !why && i < 4; i++) {
		uint64_t w[4] = { i * 10, 0, 0, 0 }, tag = FL_TAG(1, 0, i == 2);

		my_buf.handles[0] = (int32_t)ntfn;	/* carried on the third call */
		r = fl_call_msg((int)ep, tag, w, &reply);
		if (r || FL_TAG_LABEL(reply.tag) != 2 || reply.w[0] != i * 10 + 1 || p->reply <= 511)
			why = FAIL("call %lu: %ld, label %u, w0 %lu, reply handle %d",
				   (unsigned long)i, r, FL_TAG_LABEL(reply.tag),
				   (unsigned long)reply.w[0], p->reply);
	}
	if (!why && (p->served != 4 || p->signalled != 1 || fl_poll((int)ntfn) != 4))
		why = FAIL("served %lu, signalled %lu", (unsigned long)p->served,
			   (unsigned long)p->signalled);
	server_end(&srv);
	fl_handle_close((int)ep);
	fl_handle_close((int)ntfn);
	return end_in_pool(child, small, f, nf, why);
}

#define SELF_DUPS	700

/* Our own table grows: handle_dup past 256, high handles work as any other. */
static const char *handles_grow_self(void)
{
	static long dup[SELF_DUPS];
	struct fl_task_info i0 = task_info(boot->self_task), i1, i2 = { 0 };
	long r = fl_task_handles_grow(boot->self_task, 1024), hi = -1, again = -1;
	const char *why = NULL;
	int n = 0;

	i1 = task_info(boot->self_task);
	while (!r && n < SELF_DUPS && (dup[n] = fl_handle_dup(boot->self_task, FL_RIGHT_READ)) >= 0)
		n++;
	if (n > 0) {
		/* the highest names our task like the first: read it, dup it */
		hi = dup[n - 1];
		again = fl_handle_dup((int)hi, FL_RIGHT_READ);
		i2 = task_info((int)hi);
	}
	if (r || i0.handles_max != FL_HANDLES_MAX || i1.handles_max != 1024 || n != SELF_DUPS ||
	    hi < SELF_DUPS || again <= hi || i2.handles != i0.handles + SELF_DUPS + 1)
		why = FAIL("grow %ld: max %lu then %lu; %d dups, highest %ld, its dup %ld",
			   r, (unsigned long)i0.handles_max, (unsigned long)i1.handles_max, n, hi,
			   again);
	if (again >= 0)
		fl_handle_close((int)again);
	while (n > 0)
		fl_handle_close((int)dup[--n]);
	i2 = task_info(boot->self_task);
	if (!why && i2.handles != i0.handles)
		why = FAIL("%lu handles after closing, %lu before", (unsigned long)i2.handles,
			   (unsigned long)i0.handles);
	if (!why && (r = fl_task_handles_grow(boot->self_task, 1023)) != -EINVAL)
		why = FAIL("shrinking: %ld", r);
	return why;
}

static const struct kt_case tests[] = {
	{ "ipc: call/reply_recv across two tasks, a handle carried across", ipc_across_tasks },
	{ "mem: a frame is charged to its pool and returned", pool_accounting },
	{ "mem: FL_RIGHT_PHYS comes from the pool handle, child pools inherit it",
	  phys_right_from_pool },
	{ "mem: two mappings of one frame see the same bytes; new frames are zeroed", two_mappings_one_frame },
	{ "mem: query shows accessed and dirty, and clears them", query_bits },
	{ "mem: protect removes rights and never adds them", protect_only_removes },
	{ "mem: a 2 MiB large page split by unmapping one page", large_page_split },
	{ "mem: unmap of 1 GiB done in 32 MiB calls", range_in_chunks },
	{ "mem: a 64 MiB frame maps in two calls", big_frame_two_calls },
	{ "mem: map_frames maps, skips what is mapped, stops at a bad entry", map_frames_list },
	{ "mem: a pool runs dry with ENOMEM and recovers", pool_runs_dry },
	{ "mem: a pool closed before its frame lives until the frame goes", pool_closed_before_frame },
	{ "mem: kernel objects are charged to the creator's pool", objects_charged },
	{ "mem: a task's pool runs dry of endpoints and notifications with ENOMEM", objects_run_pool_dry },
	{ "mem: map_copy into a mapped range", map_copy_into_mapped },
	{ "mem: a pager serves a child: demand-zero, COW by hand, map-and-resume", child_pager },
	{ "fault reply: map-and-resume with a moved frame handle", fault_map_moved },
	{ "fault reply: a failing moved-handle map-and-resume keeps both handles", fault_map_moved_fails },
	{ "fault reply: allow gives write back after protect (4 KiB and in a 2 MiB page)", fault_allow_write },
	{ "fault reply: allow of write on a read-only frame's page is refused", fault_allow_readonly_frame },
	{ "fault reply: allow of write and exec without FL_MAP_WX is refused", fault_allow_wx },
	{ "fault reply: allow on an unmapped address is refused", fault_allow_unmapped },
	{ "fault reply: demand-zero in the reply, charged to a pool, no handle made", fault_zero },
	{ "fault reply: zero refuses a bad pool handle, a read-only one and a bad protection; an empty pool is ENOMEM",
	  fault_zero_refused },
	{ "fault reply: cow copies into a fresh page from a pool; refusals keep the reply handle",
	  fault_cow },
	{ "fault reply: allow gives access back after protect to no access", fault_allow_after_noaccess },
	{ "fault reply: copy-on-write in one entry (4 KiB and in a 2 MiB page, moved and kept)", fault_copy },
	{ "fault reply: copy refuses a read-only frame handle, a page outside the frame and an unmapped address", fault_copy_refused },
	{ "handles: a task starts at FL_HANDLES_MAX; growing past the limit or shrinking is EINVAL",
	  handles_grow_limits },
	{ "handles: a pool too small for a new chunk gives ENOMEM and recovers", handles_chunk_enomem },
	{ "handles: calls answered through reply handles above 511; ENOMEM for a reply handle",
	  handles_high_reply },
	{ "handles: our table grows to 1024, handle_dup past 256 (last: we stay grown)",
	  handles_grow_self },
};

int main(const struct fl_bootinfo *bi)
{
	int n = (int)(sizeof(tests) / sizeof(tests[0]));

	boot = bi;
	kt_plan(0, n);
	kt_run(tests, n);
	return kt_finish();
}
