/*
 * The pager protocol: what a process asks the system pager (servers/pager),
 * and how the pager starts a process (docs/process.md).
 *
 * A process holds one endpoint handle to the pager, badged with its pid
 * (auxv AT_FL_PAGER); its threads' faults arrive on the same endpoint. A
 * request is a call with a label below and the words in registers; the
 * reply's w0 is the result: >= 0, or -errno.
 */
#pragma once

#include <stdint.h>

#define FL_PAGER_EXIT		1	/* w0 status (0..255): no reply */
#define FL_PAGER_BRK		2	/* w0 new break, or 0 to ask: the break */
#define FL_PAGER_MMAP		3	/* w0 addr, w1 len, w2 prot | flags << 8 | (uint32)fd << 32, w3 offset: addr */
#define FL_PAGER_MUNMAP		4	/* w0 addr, w1 len: 0 */
#define FL_PAGER_MPROTECT	5	/* w0 addr, w1 len, w2 prot: 0 */
#define FL_PAGER_GETPID		6	/* the pid */
#define FL_PAGER_GETPPID	7	/* the parent's pid (0: the pager started it) */
#define FL_PAGER_KILL		8	/* w0 pid, w1 signal: 0 (no reply if the caller is killed) */
#define FL_PAGER_FORK		9	/* the child's pid; in the child, 0 */
#define FL_PAGER_WAIT		10	/* w0 pid or -1, w1 options: the pid, w1 the wait status */
#define FL_PAGER_STATS		11	/* w0 pid or 0 (self) or -1 (all), w1 group: 0, w1..w3 counters */
#define FL_PAGER_MAPPINGS	12	/* w0 address: how many mappings (any process) share its frame */
#define FL_PAGER_SPAWN		13	/* w0 FL_SPAWN_*, w1 argc (0: up to an empty string), w2 envc, w3 fd (FL_SPAWN_FD), IPC buffer words: "path\0arg0\0...\0env0\0...": the child's pid */

#define FL_SPAWN_PAGED		1	/* the child's stack, heap and anonymous mmaps are paged by the caller */
/*
 * The program is the file open at the caller's fd w3 (O_RDONLY), which
 * the request consumes: the fs server closes it (FL_FS_EV_EXEC). An
 * error reply's w1 says whether it did (1), or the fd is still the
 * caller's (0: refused before the fs server was asked). Without it, the
 * path names a file in the bootfs (processes without an fs server).
 */
#define FL_SPAWN_FD		2

#define FL_PAGER_DELEGATE	14	/* w0 hint, w1 len, w2 prot, w3 pager pid: a region paged by that process */
#define FL_PAGER_FAULT_WAIT	15	/* a custom pager's next fault: w0 token, w1 address, w2 pid, w3 access; 0: nothing left */
#define FL_PAGER_FAULT_RESOLVE	16	/* w0 token, w1 FL_RESOLVE_*, w2 staging address (copy), w3 prot: 0 */
#define FL_PAGER_EVICT		17	/* w0 pid, w1 address (in a region the caller pages), w2 staging address: 0 */
#define FL_PAGER_SNAPSHOT	18	/* w0 pid, w1 address in a region the caller pages: a snapshot id */
#define FL_PAGER_RESTORE	19	/* w0 snapshot id: 0, the region as it was then */
#define FL_PAGER_PROTECT	20	/* w0 pid, w1 address (a region the caller pages), w2 PROT_* kept: 0 */
#define FL_PAGER_FS_MAPPED	22	/* the fs server only: w0 token, w1 object id / FL_FS_MAP_ZERO / -errno, w2 the file's size, w3 1 if the fd may write (O_RDWR): 0 */
#define FL_PAGER_FS_PAGE	23	/* the fs server only: w0 token, w1 0 or -errno, w2 the file's size, w3 the page in the frame; handle 0: the frame (read, write; a bootfs page: read only): 0 */
#define FL_PAGER_FS_TRUNCATE	24	/* the fs server only: w0 object id, w1 its new, lower size: 0 (pages past it unmapped everywhere) */
#define FL_PAGER_MSYNC		25	/* w0 addr, w1 len, w2 MS_*: 0 (MS_SYNC: once the fs server wrote the files back) */
#define FL_PAGER_FS_SYNCED	26	/* the fs server only: w0 token, w1 0 or -errno of the writeback: 0 */
#define FL_PAGER_FS_EVICT	27	/* the fs server only: w0 object id, w1 page: the page-cache frame unmapped everywhere and let go: 1 (a mapping wrote it), 0, or -ENOENT (none held) */
#define FL_PAGER_FS_DIRTY	28	/* the fs server only: w0 object id: the number of its pages written since last asked (bits cleared), their numbers as words in the IPC buffer; w1 1: more left, ask again */
#define FL_PAGER_MADVISE	30	/* w0 addr, w1 len, w2 MADV_*: 0 */
#define FL_PAGER_EXEC		21	/* as FL_PAGER_SPAWN, w0 0 or FL_SPAWN_FD: no reply on success (the caller runs the program: same pid, same fds) */
#define FL_PAGER_FS_EXEC	29	/* the fs server only: w0 token, w1 object id or -errno, w2 the file's size, w3 the page in the frame; handle 0: the frame of the file's page 0: 0 */

#define FL_SPAWN_ARGS_MAX	128	/* argv entries FL_PAGER_SPAWN takes (argv[0] included), and envp entries */

/* FL_PAGER_FAULT_RESOLVE: how a custom pager answers a fault. */
#define FL_RESOLVE_ZERO		1	/* a zeroed page */
#define FL_RESOLVE_COPY		2	/* a copy of its staging page at w2 (its MAP_SHARED anonymous memory) */
#define FL_RESOLVE_FAIL		3	/* the faulter ends with SIGBUS */
#define FL_RESOLVE_ALLOW	4	/* the page it has gets the rights in w3 back (after FL_PAGER_PROTECT) */

#define FL_WAIT_NOHANG		1	/* FL_PAGER_WAIT: 0 instead of waiting */

/* FL_PAGER_STATS groups: three counters each, in w1..w3 of the reply. */
#define FL_STATS_FAULTS		0	/* faults served, zero-page maps, private frames made */
#define FL_STATS_COW		1	/* copy-on-write copies, reuses (no copy), frames in use */
#define FL_STATS_PAGER		2	/* the pager's heap in pages (it never shrinks), processes, shared frames */
#define FL_STATS_REGIONS	3	/* the process's regions, 0, 0 (pid -1: all processes') */

#define FL_PAGER_MMAP_PROT(w2)	((unsigned)(w2) & 0xff)
#define FL_PAGER_MMAP_FLAGS(w2)	((unsigned)((w2) >> 8) & 0xffffff)
#define FL_PAGER_MMAP_FD(w2)	((int32_t)((w2) >> 32))

/*
 * The initial stack, as on System V: at sp, argc; then argv[0..argc-1],
 * NULL, envp..., NULL, then the auxiliary vector (type, value) pairs ending
 * with AT_NULL; the strings lie above. sp is 16-byte aligned and also the
 * first argument register; every other register is zero, and so is the
 * TLS base.
 */
#define AT_NULL		0
#define AT_PHDR		3	/* the program headers, as mapped */
#define AT_PHENT	4
#define AT_PHNUM	5
#define AT_PAGESZ	6
#define AT_ENTRY	9
#define AT_PLATFORM	15	/* the architecture: "x86_64", "aarch64" */
#define AT_RANDOM	25	/* 16 bytes for stack protectors (not random yet: fixed per pid) */
#define AT_EXECFN	31	/* the program's path */
#define AT_FL_PAGER	0x464c0001	/* handle: the pager endpoint, badged with the pid */
#define AT_FL_TASK	0x464c0002	/* handle: the process's own task (read: query, task_info) */
#define AT_FL_POOL	0x464c0003	/* handle: the pool that pays for it (read: pool_info) */
#define AT_FL_PID	0x464c0004	/* its pid */
#define AT_FL_SYSPOOL	0x464c0005	/* handle: the system pool (read: pool_info of everything) */
#define AT_FL_IPCBUF	0x464c0006	/* its thread's IPC buffer (struct fl_ipc_buffer), one page */
