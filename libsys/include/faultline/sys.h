/*
 * libsys for freestanding Faultline programs (before newlib arrives with
 * the pager): console output, threads, and the generated system-call
 * stubs fl_NAME() (faultline/syscalls.gen.h, documented in docs/abi.md).
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <faultline/abi.h>
#include <faultline/bootinfo.h>
#include <faultline/syscalls.gen.h>

/* The program's entry: returns the power-off status (a root task). */
int main(const struct fl_bootinfo *bi);

/* Write a string / formatted text to the debug console. */
void fl_print(const char *s);
void fl_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int fl_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* What fl_thread_entry (start.S) calls: fn(arg), then thread_exit. */
struct fl_thread_start {
	void (*fn)(void *arg);
	void *arg;
};
void fl_thread_entry(void);

/*
 * Create and start a thread in task running fn(arg) on [stack, stack + size)
 * at priority. start must stay valid until the thread has begun. Returns the
 * thread handle or a negative errno.
 */
long fl_thread_spawn(int task, unsigned priority, struct fl_thread_start *start,
		     void *stack, size_t size);

/*
 * A task sharing the caller's text and rodata (its data stays private:
 * a child must not rely on the caller's globals): the task handle, paid
 * for by pool, or a negative errno.
 */
long fl_child_task_create(const struct fl_bootinfo *bi, int pool);

/* A fresh zeroed frame from pool mapped at va in task: the frame handle or -errno. */
long fl_map_new(int pool, int task, uintptr_t va, size_t pages, unsigned prot);

/* Strings: the compiler may call these itself. */
void *memset(void *dst, int c, size_t n);
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
