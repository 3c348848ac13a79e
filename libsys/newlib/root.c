/*
 * newlib for a root task (init=bin/NAME: the pager, or a program run with
 * no pager under it): the kernel starts it with the boot-info block; its
 * heap is mapped eagerly from the system pool, so it never faults; its
 * exit powers the machine off.
 *
 * An emergency reserve keeps a root task's heap (the pager's metadata)
 * growing when the system pool runs dry: a frame taken at start, mapped
 * into the heap a chunk at a time only when a fresh frame cannot be had.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <faultline/abi.h>
#include <faultline/bootinfo.h>
#include <faultline/root.h>
#include <faultline/syscalls.gen.h>
#include "glue.h"

#define HEAP_BASE	0x20000000ul		/* above the image, below test areas */
#define HEAP_MAX	(256ul << 20)
#define HEAP_CHUNK	(64ul << 10)		/* mapped at a time */
#define PAGE		4096ul

#define RESERVE_PAGES	256			/* 1 MiB */

const struct fl_bootinfo *fl_boot;		/* for the root task's own use */
static uintptr_t heap_end = HEAP_BASE, heap_mapped = HEAP_BASE;
static long reserve = -1;			/* the reserve frame's handle */
static size_t reserve_used;			/* its pages in the heap */
static size_t heap_limit = HEAP_MAX / PAGE;	/* pages from the pool (fl_heap_limit) */

void fl_start(const struct fl_bootinfo *bi);

/* Called by start.S with the boot-info block: run main as a C program. */
void fl_start(const struct fl_bootinfo *bi)
{
	static char name[] = "init";
	static char *argv[] = { name, NULL };

	fl_boot = bi;
	if (bi->magic != FL_BOOTINFO_MAGIC || bi->version != FL_BOOTINFO_VERSION) {
		fl_console_write("newlib: bad boot-info block\n", 28);
		fl_thread_exit();
	}
	reserve = fl_frame_alloc(bi->pool, RESERVE_PAGES);	/* -errno: no reserve */
	__libc_init_array();
	exit(main(1, argv, environ));
}

/* The root task's exit is the machine's: power off with the status (0..63). */
void _exit(int status)
{
	if (status < 0 || status > FL_STATUS_MAX)
		status = FL_STATUS_MAX;
	fl_poweroff(fl_boot->power, status);
	fl_thread_exit();
	for (;;)
		;
}

size_t fl_heap_pages(void)
{
	return (heap_mapped - HEAP_BASE) / PAGE;
}

size_t fl_heap_reserve_used(void)
{
	return reserve_used;
}

/* Take at most pages from the pool for the heap (a test's way to reach the reserve). */
void fl_heap_limit(size_t pages)
{
	heap_limit = pages;
}

/* The next chunk of the heap: a fresh frame, else the reserve's next pages. */
static int heap_chunk(void)
{
	static const char note[] = "libsys: the heap draws on its emergency reserve\n";
	long f = -ENOMEM;
	long err;

	if (fl_heap_pages() + HEAP_CHUNK / PAGE <= heap_limit &&
	    (f = fl_frame_alloc(fl_boot->pool, HEAP_CHUNK / PAGE)) >= 0) {
		err = fl_map(fl_boot->self_task, heap_mapped, (int)f, 0, HEAP_CHUNK / PAGE,
			     FL_MAP_READ | FL_MAP_WRITE);
		fl_handle_close((int)f);	/* the mapping holds the frame */
		return (int)err;
	}
	if (reserve < 0 || reserve_used + HEAP_CHUNK / PAGE > RESERVE_PAGES)
		return -ENOMEM;
	if (reserve_used == 0)
		fl_console_write(note, sizeof(note) - 1);
	err = fl_map(fl_boot->self_task, heap_mapped, (int)reserve, reserve_used,
		     HEAP_CHUNK / PAGE, FL_MAP_READ | FL_MAP_WRITE);
	if (!err)
		reserve_used += HEAP_CHUNK / PAGE;
	return (int)err;
}

/* Grow the heap a chunk at a time; the mapping keeps each frame. */
void *_sbrk(ptrdiff_t incr)
{
	uintptr_t old = heap_end;

	if (incr < 0 ? (uintptr_t)-incr > heap_end - HEAP_BASE :
		       (uintptr_t)incr > HEAP_BASE + HEAP_MAX - heap_end) {
		errno = ENOMEM;
		return (void *)-1;
	}
	while (heap_mapped < heap_end + incr) {
		if (heap_chunk() < 0) {
			errno = ENOMEM;
			return (void *)-1;
		}
		heap_mapped += HEAP_CHUNK;
	}
	heap_end += incr;
	return (void *)old;
}
void *sbrk(ptrdiff_t incr) ALIAS(sbrk);

int _getpid(void)
{
	return 1;
}
int getpid(void) ALIAS(getpid);

/* Only a signal to oneself (abort, raise): the program ends with it as status. */
int _kill(int pid, int sig)
{
	static const char msg[] = "newlib: killed by a signal\n";

	if (pid != 1)
		return fail(ESRCH);
	fl_console_write(msg, sizeof(msg) - 1);
	_exit(sig);
	return 0;
}
int kill(int pid, int sig) ALIAS(kill);

/* A root task has no pager above it: no processes to make or wait for. */
int _fork(void)
{
	return fail(ENOSYS);
}
int fork(void) ALIAS(fork);

int _wait(int *status)
{
	(void)status;
	return fail(ENOSYS);
}
int wait(int *status) ALIAS(wait);

int _execve(const char *path, char *const argv[], char *const envp[])
{
	(void)path;
	(void)argv;
	(void)envp;
	return fail(ENOSYS);
}
int execve(const char *path, char *const argv[], char *const envp[]) ALIAS(execve);
