/*
 * The system pager's start and its loop. It runs as the root task: the
 * kernel loaded it eagerly and its heap grows by eager mappings, so it
 * never takes a fault (it says so at the end, from the kernel's count).
 * It starts the program named by run= on the kernel command line (default
 * bin/init), then serves faults and requests until that program ends;
 * the machine powers off with its status (docs/process.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <faultline/abi.h>
#include <faultline/ipc.h>
#include <faultline/msg.h>
#include <faultline/pager.h>
#include <faultline/root.h>
#include <faultline/syscalls.gen.h>
#include <faultline/task.h>
#include "pager.h"

#define SCRATCH_VA	0x300000000000ul	/* the pager's own window */
#define PAGER_HANDLES	FL_HANDLES_LIMIT	/* its handle table may grow to this (a frame per file page it holds) */
#define ARGV_MAX	16
#define RUN_MAX		256

struct pager pager;

/* Where long messages to the pager arrive (FL_PAGER_SPAWN's strings). */
static struct fl_ipc_buffer ipc_buffer __attribute__((aligned(4096)));


void *scratch_map(int frame, uint64_t pages)
{
	if (fl_map(pager.self_task, SCRATCH_VA, frame, 0, pages, FL_MAP_READ | FL_MAP_WRITE))
		return NULL;
	return (void *)SCRATCH_VA;
}

void *scratch_map_page(int frame, uint64_t page)
{
	if (fl_map(pager.self_task, SCRATCH_VA, frame, page, 1, FL_MAP_READ))
		return NULL;
	return (void *)SCRATCH_VA;
}

void scratch_unmap(uint64_t pages)
{
	fl_unmap(pager.self_task, SCRATCH_VA, pages * PAGE);
}

/* The answer to the message being served: sent by the loop's reply_recv. */
static struct {
	int reply;			/* -1: none */
	int pid;
	uint32_t label;
	uint64_t w[4];
	unsigned words;			/* of the IPC buffer's, put there by the request */
} answer = { .reply = -1 };

static bool direct;		/* pager_reply answers at once: a fault served again */

static void refused(int pid, int reply, uint32_t label, const uint64_t w[4], long r);

void pager_reply(int reply, uint32_t label, uint64_t w0, uint64_t w1, uint64_t w2)
{
	if (direct) {
		const uint64_t w[4] = { w0, w1, w2, 0 };
		long r = fl_reply(reply, FL_TAG(label, 0, 0), w0, w1, w2, 0);

		if (r < 0)
			refused(answer.pid, reply, label, w, r);
		return;
	}
	answer.reply = reply;
	answer.label = label;
	answer.w[0] = w0;
	answer.w[1] = w1;
	answer.w[2] = w2;
	answer.w[3] = 0;
	answer.words = 0;
}

void pager_reply_word3(uint64_t w3)
{
	answer.w[3] = w3;
}

/*
 * Send the answer and wait for the next message, in one system call. A
 * refused answer (the kernel could not map what a fault reply named) is
 * the pager's own mistake: the process it was for is killed, not hung.
 */
/* An answer the kernel refused (r): the process it was for is killed, not hung. */
static void refused(int pid, int reply, uint32_t label, const uint64_t w[4], long r)
{
	struct proc *p = proc_find(pid);
	const char *name = p ? p->name : "?";

	if (r == -ENOMEM)
		printf("pager: pid %d (%s) killed by SIGKILL: out of memory (its pool is "
		       "empty)\n", pid, name);
	else
		printf("pager: pid %d (%s) killed by SIGKILL: the answer (label %u) was "
		       "refused: %s\n", pid, name, label, strerror((int)-r));
	fl_handle_close(reply);
	if (label == FL_FAULT_MAP && (w[0] & FL_HANDLE_MOVE))
		fl_handle_close((int)(w[0] & ~(uint64_t)FL_HANDLE_MOVE));
	if (p && !p->zombie)
		proc_exit(p, 0, SIGKILL);
}

static long answer_and_receive(struct fl_msg *m)
{
	long r;

	if (answer.reply < 0)
		return fl_recv_msg(pager.ep, m);
	r = fl_reply_recv_msg(pager.ep, FL_TAG_WITH_REPLY(FL_TAG(answer.label, answer.words, 0),
							  answer.reply), answer.w, m);
	if (r < 0) {
		int reply = answer.reply;

		answer.reply = -1;
		refused(answer.pid, reply, answer.label, answer.w, r);
		return fl_recv_msg(pager.ep, m);
	}
	answer.reply = -1;
	return r;
}

void pager_fault_again(struct proc *p, int reply, const uint64_t w[4])
{
	int pid = answer.pid;

	direct = true;
	answer.pid = p->pid;
	vm_fault(p, reply, w);
	answer.pid = pid;
	direct = false;
}

/*
 * The value of key= on the command line, into buf: words separated by
 * commas become spaces ("run=bin/prog,a,b" runs bin/prog with a and b).
 */
bool pager_cmdline(const char *key, char *buf, size_t size)
{
	const char *cmd = (const char *)pager.bi + pager.bi->cmdline_offset;
	size_t klen = strlen(key), n = 0;

	for (const char *p = cmd; *p; p++) {
		if ((p == cmd || p[-1] == ' ') && !strncmp(p, key, klen) && p[klen] == '=') {
			for (p += klen + 1; *p && *p != ' ' && n + 1 < size; p++)
				buf[n++] = *p == ',' ? ' ' : *p;
			buf[n] = 0;
			return true;
		}
	}
	return false;
}

static int split_args(char *line, char *argv[], int max)
{
	int n = 0;

	for (char *tok = strtok(line, " "); tok && n < max - 1; tok = strtok(NULL, " "))
		argv[n++] = tok;
	argv[n] = NULL;
	return n;
}

static long request(struct proc *p, uint32_t label, const uint64_t w[4])
{
	switch (label) {
	case FL_PAGER_BRK:
		return vm_brk(p, (uintptr_t)w[0]);
	case FL_PAGER_MUNMAP:
		return vm_munmap(p, (uintptr_t)w[0], w[1]);
	case FL_PAGER_MPROTECT:
		return vm_mprotect(p, (uintptr_t)w[0], w[1], (unsigned)w[2]);
	case FL_PAGER_MADVISE:
		return vm_madvise(p, (uintptr_t)w[0], w[1], w[2]);
	case FL_PAGER_GETPID:
		return p->pid;
	case FL_PAGER_GETPPID:
		return p->parent;
	case FL_PAGER_FORK:
		return proc_fork(p);
	case FL_PAGER_MAPPINGS:
		return vm_mappings(p, (uintptr_t)w[0]);
	case FL_PAGER_DELEGATE:
		return upager_delegate(p, (uintptr_t)w[0], w[1], (unsigned)w[2], (int)w[3]);
	case FL_PAGER_FAULT_RESOLVE:
		return upager_resolve(p, w);
	case FL_PAGER_EVICT:
		return upager_evict(p, (int)w[0], (uintptr_t)w[1], (uintptr_t)w[2]);
	case FL_PAGER_SNAPSHOT:
		return upager_snapshot(p, (int)w[0], (uintptr_t)w[1]);
	case FL_PAGER_RESTORE:
		return upager_restore(p, (int)w[0]);
	case FL_PAGER_PROTECT:
		return upager_protect(p, (int)w[0], (uintptr_t)w[1], (unsigned)w[2]);
	default:
		return -ENOSYS;
	}
}

/* kill: the target ends with the signal (no handlers yet); signal 0 only checks. */
static void kill_request(struct proc *p, int reply, const uint64_t w[4])
{
	int pid = (int)w[0], sig = (int)w[1];
	struct proc *t = proc_find(pid);

	if (sig < 0 || sig > 31)
		return pager_reply(reply, 0, (uint64_t)-EINVAL, 0, 0);
	if (!t)
		return pager_reply(reply, 0, (uint64_t)-ESRCH, 0, 0);
	if (t->pinned)		/* the fs server: a system server, not a process to end */
		return pager_reply(reply, 0, (uint64_t)-EPERM, 0, 0);
	if (sig == 0 || t->zombie)
		return pager_reply(reply, 0, 0, 0, 0);
	printf("pager: pid %d (%s) killed by %s from pid %d\n", t->pid, t->name,
	       signal_name(sig), p->pid);
	if (t == p) {
		fl_handle_close(reply);
		return proc_exit(p, 0, sig);
	}
	proc_exit(t, 0, sig);
	pager_reply(reply, 0, 0, 0, 0);
}

static void wait_request(struct proc *p, int reply, const uint64_t w[4])
{
	uint64_t wstatus = 0;
	long r = proc_wait(p, reply, (int)w[0], (unsigned)w[1], &wstatus);

	if (r != PROC_WAIT_PARKED)
		pager_reply(reply, 0, (uint64_t)r, wstatus, 0);
}

/* Counters of one process, or of all (pid -1). */
static void stats_request(struct proc *p, int reply, const uint64_t w[4])
{
	int pid = (int)w[0];
	struct proc *t = pid == 0 ? p : proc_find(pid);
	const uint64_t *c;
	uint64_t all[5] = { pager.faults, pager.zero_maps, pager.private_pages, pager.cow_copies,
			    pager.cow_reuses };
	uint64_t one[5];

	if (pid != -1 && (!t || t->zombie))
		return pager_reply(reply, 0, (uint64_t)-ESRCH, 0, 0);
	if (w[1] > FL_STATS_REGIONS)
		return pager_reply(reply, 0, (uint64_t)-EINVAL, 0, 0);
	if (w[1] == FL_STATS_REGIONS) {
		uint64_t n = 0;

		for (struct proc *q = proc_next(NULL); q; q = proc_next(q))
			if (!q->zombie && (pid == -1 || q == t))
				n += q->map.count;
		return pager_reply(reply, 0, 0, n, 0);
	}
	if (w[1] == FL_STATS_PAGER) {
		pager_reply(reply, 0, 0, fl_heap_pages(), (uint64_t)proc_count());
		answer.w[3] = pager.shared_pages;
		return;
	}
	if (pid != -1) {
		one[0] = t->faults, one[1] = t->zero_maps, one[2] = t->private_pages;
		one[3] = t->cow_copies, one[4] = t->cow_reuses;
	}
	c = pid == -1 ? all : one;
	if (w[1] == FL_STATS_FAULTS) {
		pager_reply(reply, 0, 0, c[0], c[1]);
		answer.w[3] = c[2];
	} else {
		pager_reply(reply, 0, 0, c[3], c[4]);
		answer.w[3] = pager.pages;
	}
}

/*
 * The first process ended with the machine's status: the fs server is
 * asked to write back and unmount, and the machine powers off when it has
 * ended (fs_gone); without one, at once.
 */
void pager_power_off(int status)
{
	static int saved = -1;

	if (saved < 0 && fs_shutdown()) {
		saved = status;
		return;
	}
	pager_report();
	fflush(stdout);
	exit(saved >= 0 ? saved : status);
}

/* The pager's own record, from the kernel's books: it must never have faulted. */
void pager_report(void)
{
	struct fl_task_info self;

	if (fl_task_info(pager.self_task, &self) < 0)
		self.faults = ~0ull;
	printf("pager: served %lu faults (%lu zero-page maps, %lu private pages); heap %zu pages, "
	       "%zu from the reserve; own faults: %lu\n", (unsigned long)pager.faults,
	       (unsigned long)pager.zero_maps, (unsigned long)pager.private_pages,
	       fl_heap_pages(), fl_heap_reserve_used(), (unsigned long)self.faults);
	fs_report();
}

/*
 * n strings from *at (before end) into v (NULL-terminated); n 0 with
 * until_empty: up to an empty string or end. 0, -EINVAL (a string not
 * ended, fewer than n), -E2BIG (more than FL_SPAWN_ARGS_MAX).
 */
static int take_strings(char **at, const char *end, uint64_t n, bool until_empty, char **v)
{
	uint64_t i = 0;

	if (n > FL_SPAWN_ARGS_MAX)
		return -E2BIG;
	while (n ? i < n : until_empty && *at < end && **at) {
		if (*at >= end || !memchr(*at, 0, (size_t)(end - *at)))
			return -EINVAL;
		if (i == FL_SPAWN_ARGS_MAX)
			return -E2BIG;
		v[i++] = *at;
		*at += strlen(*at) + 1;
	}
	v[i] = NULL;
	return 0;
}

/*
 * spawn and exec: the IPC buffer's words hold "path\0argv0\0...\0env0\0...":
 * w1 arguments after the path (empty ones too; with w1 0 up to an empty
 * string or the end of the words), then w2 environment strings (w2 0: the
 * default, PATH=/bin). The child's pid, or -EINVAL (no path, a string not
 * ended, fewer strings than counted, unknown flags), -E2BIG (more than
 * FL_SPAWN_ARGS_MAX of either), -ENOENT, -ENOEXEC, -EAGAIN. With
 * FL_SPAWN_FD the program is the caller's fd w3: the request waits
 * (*parked) for the fs server's FL_PAGER_FS_EXEC (proc_launch).
 */
static long spawn_request(struct proc *p, const struct fl_msg *m, int reply, bool *parked)
{
	bool exec = FL_TAG_LABEL(m->tag) == FL_PAGER_EXEC;
	static char text[FL_MSG_BUF_WORDS * 8 + 1];
	static char *argv[FL_SPAWN_ARGS_MAX + 2], *envp[FL_SPAWN_ARGS_MAX + 1];
	size_t len = FL_TAG_WORDS(m->tag) * 8;
	char *at = text, *end = text + len;
	struct proc *child;
	long err;

	memcpy(text, ipc_buffer.words, len);
	text[len] = 0;
	if (len == 0 || !text[0] || !memchr(text, 0, len))
		return -EINVAL;
	at += strlen(text) + 1;		/* past the path */
	if ((err = take_strings(&at, end, m->w[1], true, argv)) ||
	    (err = take_strings(&at, end, m->w[2], false, envp)))
		return err;
	if (!argv[0]) {
		argv[0] = text;
		argv[1] = NULL;
	}
	if (m->w[0] & ~(uint64_t)(FL_SPAWN_FD | (exec ? 0 : FL_SPAWN_PAGED)))
		return -EINVAL;
	if (exec && p->pinned)
		return -EPERM;
	if (m->w[0] & FL_SPAWN_FD) {	/* the fs server is asked first: parked */
		err = proc_launch(p, reply, exec, m->w[0] & FL_SPAWN_PAGED ? p->pid : 0,
				  (int64_t)m->w[3], text, argv, m->w[2] ? envp : NULL);
		*parked = err == 0;
		return err;
	}
	if (exec)
		return proc_exec(p, reply, text, argv, m->w[2] ? envp : NULL);
	if ((err = proc_spawn(text, argv, m->w[2] ? envp : NULL, p->pid,
			      m->w[0] & FL_SPAWN_PAGED ? p->pid : 0, false, &child)))
		return err;
	return child->pid;
}

/* Handles a process put in a message are not the pager's to keep (but from): -1 once kept. */
static void drop_handles(const struct fl_msg *m, int from)
{
	for (unsigned i = from; i < FL_TAG_HANDLES(m->tag); i++)
		fl_handle_close(ipc_buffer.handles[i]);
}

static void mmap_request(struct proc *p, int reply, const uint64_t w[4])
{
	long r = vm_mmap(p, reply, (uintptr_t)w[0], w[1], FL_PAGER_MMAP_PROT(w[2]),
			 FL_PAGER_MMAP_FLAGS(w[2]), FL_PAGER_MMAP_FD(w[2]), w[3]);

	if (r != VM_PARKED)
		pager_reply(reply, 0, (uint64_t)r, 0, 0);
}

static bool is_fs_answer(uint32_t label)
{
	return label == FL_PAGER_FS_MAPPED || label == FL_PAGER_FS_PAGE ||
	       label == FL_PAGER_FS_TRUNCATE || label == FL_PAGER_FS_SYNCED ||
	       label == FL_PAGER_FS_EVICT || label == FL_PAGER_FS_DIRTY ||
	       label == FL_PAGER_FS_EXEC;
}

/*
 * The fs server's answers to the ring's map, page and exec requests and
 * its calls about its page cache (file.c), answered at once; anyone else
 * sending them: EPERM. A page or exec answer's frame is handle 0.
 * FL_PAGER_FS_DIRTY answers with page numbers in the IPC buffer's words.
 */
static void fs_answer(struct proc *p, int reply, const struct fl_msg *m)
{
	uint32_t label = FL_TAG_LABEL(m->tag);
	int frame = FL_TAG_HANDLES(m->tag) ? ipc_buffer.handles[0] : -1;
	bool more = false;
	long r;

	if (!fs_is_server(p)) {
		drop_handles(m, 0);
		return pager_reply(reply, 0, (uint64_t)-EPERM, 0, 0);
	}
	drop_handles(m, 1);
	if (label == FL_PAGER_FS_MAPPED)
		r = file_mapped_answer(m->w[0], (int64_t)m->w[1], m->w[2], m->w[3] != 0);
	else if (label == FL_PAGER_FS_TRUNCATE)
		r = file_truncated(m->w[0], m->w[1]);
	else if (label == FL_PAGER_FS_SYNCED)
		r = file_synced_answer(m->w[0], (int64_t)m->w[1]);
	else if (label == FL_PAGER_FS_EVICT)
		r = file_evict(m->w[0], m->w[1]);
	else if (label == FL_PAGER_FS_DIRTY)
		r = file_dirty(m->w[0], ipc_buffer.words, FL_MSG_BUF_WORDS, &more);
	else if (label == FL_PAGER_FS_EXEC)
		r = file_exec_answer(m->w[0], (int64_t)m->w[1], m->w[2], frame, m->w[3]), frame = -1;
	else
		r = file_page_answer(m->w[0], (int64_t)m->w[1], m->w[2], frame, m->w[3]), frame = -1;
	if (frame >= 0)
		fl_handle_close(frame);
	pager_reply(reply, 0, (uint64_t)r, more, 0);
	if (label == FL_PAGER_FS_DIRTY && r > 0)
		answer.words = (unsigned)r;
}

static void serve(const struct fl_msg *m)
{
	bool fault = m->badge & FAULT_BADGE;
	int pid = (int)(m->badge & ~(uint64_t)FAULT_BADGE);
	struct proc *p = proc_find(pid);
	int reply = FL_TAG_REPLY(m->tag);
	uint32_t label = FL_TAG_LABEL(m->tag);

	answer.pid = pid;
	if (is_fs_answer(label) && p && !p->zombie && reply >= 0 && !fault)
		return fs_answer(p, reply, m);	/* keeps its frame */
	drop_handles(m, 0);
	if (!p || p->zombie) {		/* a message from a process that has just died */
		if (reply >= 0)
			fl_handle_close(reply);
		return;
	}
	if (reply < 0)
		return;			/* every request is a call */
	if (fault)
		return vm_fault(p, reply, m->w);	/* only the kernel sends on that handle */
	if (label == FL_PAGER_EXIT) {
		fl_handle_close(reply);
		return proc_exit(p, (int)(m->w[0] & 0xff), 0);
	}
	if (label == FL_PAGER_KILL)
		return kill_request(p, reply, m->w);
	if (label == FL_PAGER_WAIT)
		return wait_request(p, reply, m->w);
	if (label == FL_PAGER_STATS)
		return stats_request(p, reply, m->w);
	if (label == FL_PAGER_SPAWN || label == FL_PAGER_EXEC) {
		bool parked = false;
		long r = spawn_request(p, m, reply, &parked);

		/* an exec that worked: the reply handle is gone with the old image */
		if (!parked && (r < 0 || label == FL_PAGER_SPAWN))
			pager_reply(reply, 0, (uint64_t)r, 0, 0);
		return;
	}
	if (label == FL_PAGER_FAULT_WAIT)
		return upager_wait(p, reply);
	if (label == FL_PAGER_MMAP)
		return mmap_request(p, reply, m->w);
	if (label == FL_PAGER_MSYNC) {
		long r = vm_msync(p, reply, (uintptr_t)m->w[0], m->w[1], (unsigned)m->w[2]);

		if (r != VM_PARKED)
			pager_reply(reply, 0, (uint64_t)r, 0, 0);
		return;
	}
	pager_reply(reply, 0, (uint64_t)request(p, label, m->w), 0, 0);
}

/* Handles and the zero frame: anything missing here is fatal. */
static void setup(void)
{
	long ep = fl_endpoint_create(), zero = fl_frame_alloc(fl_boot->pool, ZERO_AROUND), ro;

	pager.bi = fl_boot;
	pager.self_task = fl_boot->self_task;
	pager.sys_pool = fl_boot->pool;
	pager.bootfs = fl_boot->bootfs_frame;
	/*
	 * three handles per process, one per 16 pages of shared memory, one per
	 * page of the fs server's cache it holds (48 MiB at most): past the default
	 */
	if (fl_task_handles_grow(fl_boot->self_task, PAGER_HANDLES) < 0)
		printf("pager: its handle table stays at %d slots\n", FL_HANDLES_MAX);
	if (ep < 0 || zero < 0 || (ro = fl_handle_dup((int)zero, FL_RIGHT_READ)) < 0) {
		printf("pager: cannot set up (%ld, %ld)\n", ep, zero);
		exit(FL_STATUS_MAX);
	}
	fl_handle_close((int)zero);	/* read-only from here on: never writable */
	if (fl_thread_set_ipc_buffer(fl_boot->self_thread, (uintptr_t)&ipc_buffer) < 0)
		printf("pager: no IPC buffer: spawn requests will fail\n");
	pager.ep = (int)ep;
	pager.zero = (int)ro;
}

int main(void)
{
	static char run[RUN_MAX] = "bin/init";
	char limit[24];
	char *argv[ARGV_MAX];
	struct proc *init;
	struct fl_msg m;
	int err = 0;

	setup();
	pager_cmdline("run", run, sizeof(run));
	if (pager_cmdline("pager", limit, sizeof(limit)))
		pager.quiet = !strcmp(limit, "quiet");
	if (pager_cmdline("heap_limit", limit, sizeof(limit)))
		fl_heap_limit(strtoul(limit, NULL, 0));
	if ((err = fs_prepare()) && err != -ENODEV) {
		printf("pager: cannot prepare the fs server: %s\n", strerror(-err));
		return FL_STATUS_MAX;
	}
	if (split_args(run, argv, ARGV_MAX) == 0 ||
	    (err = proc_spawn(argv[0], argv, NULL, 0, 0, false, &init))) {
		printf("pager: cannot start %s: %s\n", run, strerror(err ? -err : EINVAL));
		return FL_STATUS_MAX;
	}
	printf("pager: started %s as pid %d\n", argv[0], init->pid);
	if (fs_prepared() && (err = fs_start()) < 0) {
		printf("pager: cannot start the fs server: %s\n", strerror(-err));
		return FL_STATUS_MAX;
	}
	for (;;) {
		if (answer_and_receive(&m) == FL_RECV_MESSAGE)
			serve(&m);
	}
}
