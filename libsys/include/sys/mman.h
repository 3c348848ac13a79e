/*
 * Memory mappings (POSIX <sys/mman.h>, which newlib lacks), served by the
 * system pager. The PROT_* and MAP_* numbers (Linux's) come from the ABI's
 * generated constants (abi/syscalls.txt). docs/process.md says what each
 * call does and which errors it gives.
 */
#pragma once

#include <stddef.h>
#include <sys/types.h>
#include <faultline/abi.h>

#define MAP_ANON	MAP_ANONYMOUS

#define MAP_FAILED	((void *)-1)

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset);
int munmap(void *addr, size_t len);
int mprotect(void *addr, size_t len, int prot);
int msync(void *addr, size_t len, int flags);
int madvise(void *addr, size_t len, int advice);
