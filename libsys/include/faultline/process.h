/*
 * What a process started by the pager knows about itself (from its auxv,
 * docs/process.md): handles for looking at its own memory from the
 * kernel's side (query, task_info, pool_info), and the pager's endpoint.
 */
#pragma once

#include <stdint.h>

int fl_self_task(void);		/* its task, read right: query, task_info */
int fl_self_pool(void);		/* the pool that pays for it, read right: pool_info */
int fl_system_pool(void);	/* the system pool, read right: everything's counters */
int fl_pager(void);		/* the pager endpoint, badged with the pid */
int fl_fs(void);		/* the fs server endpoint, badged with the pid (-1: none) */
const char *fl_platform(void);	/* the architecture: "x86_64", "aarch64" */
uint64_t fl_getauxval(uint64_t type);	/* an auxv entry's value (AT_*), 0 if absent */

/*
 * The pager's counters (FL_PAGER_STATS) of process pid (0: itself, -1:
 * all): 0 with the group's three counters in out, or -errno.
 */
int fl_pager_stats(int pid, int group, uint64_t out[3]);

/*
 * Start the program at path (in the bootfs: "bin/ls", or "/bin/ls" as the
 * pager resolves it) as a child, with argv (argv[0] first; NULL: just the
 * path): its pid, or -1 with errno (ENOENT, ENOEXEC, E2BIG, EAGAIN,
 * EINVAL). wait for it as for a forked child. With an fs server the child
 * starts with copies of the caller's descriptors (dup2 around the spawn
 * redirects its stdin and stdout).
 */
int fl_spawn(const char *path, char *const argv[]);

/*
 * The same, the child's stack, heap and anonymous mmaps paged by the
 * caller (faultline/upager.h: fl_upager_wait gets their faults), its text
 * and data and shared memory still by the system pager; a fork of it is
 * paged by the caller too.
 */
int fl_spawn_paged(const char *path, char *const argv[]);

/* A pager request (faultline/pager.h): the reply's w0, >= 0 or -errno. */
long fl_pager_call(uint32_t label, uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3);
