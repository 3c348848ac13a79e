/*
 * Processes: spawning a program (its segments as regions, demand-paged;
 * a stack with argv, envp and auxv) from the bootfs or from a file the fs
 * server opened (a launch), exec, fork, exit and the machine's end when
 * the first process ends.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <faultline/abi.h>
#include <faultline/fs.h>
#include <faultline/ipc.h>
#include <faultline/mem.h>
#include <faultline/pager.h>
#include <faultline/regs.h>
#include <faultline/syscalls.gen.h>
#include <lib/cpio.h>
#include <lib/elf.h>
#include "memobj.h"
#include "pager.h"

#define PROC_PRIORITY	16		/* below the pager's 32 */
#define PINNED_PRIORITY	24		/* the fs server: above processes, below the pager */
#define ARGS_MAX	(16 * PAGE)	/* argv, envp, auxv and strings: the first stack pages */
#define POOL_SHARE	4		/* a process's pool: at most 1/4 of what is free... */
#define POOL_MAX	(256ul << 20)	/* ...and 256 MiB */

static struct proc procs[PROC_MAX];
static int next_pid = 1;

struct proc *proc_find(int pid)
{
	struct proc *p = &procs[pid % PROC_MAX];

	return pid > 0 && p->pid == pid ? p : NULL;
}

/* The process after p in the table (NULL: the first), zombies included; NULL at the end. */
struct proc *proc_next(struct proc *p)
{
	for (struct proc *q = p ? p + 1 : procs; q < procs + PROC_MAX; q++)
		if (q->pid)
			return q;
	return NULL;
}

bool proc_has_live_children(const struct proc *p)
{
	for (int i = 0; i < PROC_MAX; i++)
		if (procs[i].pid && !procs[i].zombie && procs[i].parent == p->pid)
			return true;
	return false;
}

int proc_count(void)
{
	int n = 0;

	for (int i = 0; i < PROC_MAX; i++)
		n += procs[i].pid != 0;
	return n;
}

/* A free slot and a pid that maps to it, or NULL (-EAGAIN). */
static struct proc *proc_alloc(void)
{
	for (int i = 0; i < PROC_MAX; i++, next_pid++) {
		struct proc *p = &procs[next_pid % PROC_MAX];

		if (next_pid <= 0)
			next_pid = 1;
		if (!p->pid) {
			memset(p, 0, sizeof(*p));
			p->pid = next_pid++;
			p->task = p->pool = p->thread = p->wait_reply = p->upager_reply = -1;
			return p;
		}
	}
	return NULL;
}

/*
 * The file at path in the bootfs: 0 with *f, or -ENOENT. "bin/ls",
 * "/bin/ls" and "/boot/bin/ls" (where the fs server mounts it) all name it.
 */
int bootfs_file(const char *path, struct cpio_file *f)
{
	struct cpio_reader r;
	const char *why;
	int got;

	while (*path == '/')
		path++;
	if (!strncmp(path, "boot/", 5))
		path += 5;
	cpio_open(&r, (const void *)pager.bi->bootfs_addr, pager.bi->bootfs_size);
	while ((got = cpio_next(&r, f, &why)) > 0)
		if (!strcmp(f->name, path) && (f->mode & CPIO_MODE_TYPE) == CPIO_MODE_FILE)
			return 0;
	return -ENOENT;
}

/*
 * A program to load: a file of the bootfs (what the pager starts itself,
 * and requests by path), or one the fs server answered for (a launch:
 * an object of file.c's, of which head holds page 0).
 */
struct program {
	const struct cpio_file *boot;	/* NULL: fc */
	struct fcache *fc;
	const uint8_t *head;		/* the file's first bytes: all of it (boot), or a page */
	uint64_t size;			/* the file's bytes */
	struct elf_file elf;		/* program_open's */
};

static void boot_program(struct program *prog, const struct cpio_file *file)
{
	*prog = (struct program){ .boot = file, .head = file->data, .size = file->size };
}

/*
 * Check the ELF: 0, or -ENOEXEC (not an executable of this machine, or a
 * broken one, or one whose segments' file offsets and addresses disagree
 * modulo a page: found here, before an exec lets the old image go). Of a
 * file only page 0 is at hand: its program headers must lie there (the
 * ELF header does, at 0).
 */
static int program_open(struct program *prog)
{
	uint64_t base = prog->boot ? prog->boot->offset : 0;	/* the file's byte 0 in its pages */
	size_t at_hand = prog->boot ? prog->size : PAGE;	/* of a file: page 0 alone */
	struct elf_segment s;

	if (elf_open_head(&prog->elf, prog->head, at_hand, prog->size, elf_machine(pager.bi->arch)))
		return -ENOEXEC;
	for (unsigned i = 0; elf_segment(&prog->elf, i, &s) == 0; i++)
		if (s.filesz && (base + s.offset - s.vaddr) % PAGE)
			return -ENOEXEC;
	return 0;
}

static unsigned segment_prot(const struct elf_segment *s)
{
	return (s->read ? PROT_READ : 0) | (s->write ? PROT_WRITE : 0) | (s->exec ? PROT_EXEC : 0);
}

/* The pages of s holding file bytes, [start, file_end), private from the bootfs file. */
static int map_boot_pages(struct proc *p, const struct cpio_file *file,
			  const struct elf_segment *s, uintptr_t start, uintptr_t file_end)
{
	uint64_t at = file->offset + s->offset - (s->vaddr - start);	/* bootfs byte of start */
	struct memobj *o;
	int err;

	if (at % PAGE)
		return -ENOEXEC;	/* file offset and address disagree modulo a page */
	o = bootfile_create(at / PAGE, file_end - start, s->vaddr - start,
			    s->vaddr - start + s->filesz);
	if (!o)
		return -ENOMEM;
	if ((err = vm_map_object(p, start, file_end, segment_prot(s), MAP_PRIVATE, o, 0)))
		memobj_put(o);
	return err;
}

/*
 * The pages of s holding file bytes, [start, file_end), a private mapping
 * of the fs server's file: copy-on-write from its page cache, the bytes
 * past the segment's (where bss begins) zero.
 */
static int map_file_pages(struct proc *p, struct fcache *fc, const struct elf_segment *s,
			  uintptr_t start, uintptr_t file_end)
{
	uint64_t at = s->offset - (s->vaddr - start);	/* file byte of start */
	struct memobj *o;
	int err;

	if (at % PAGE)
		return -ENOEXEC;
	if (!(o = file_program_object(fc, at, file_end - start, s->vaddr - start + s->filesz)))
		return -ENOMEM;
	if ((err = vm_map_object(p, start, file_end, segment_prot(s), MAP_PRIVATE, o, 0)))
		memobj_put(o);
	return err;
}

/*
 * One PT_LOAD segment as regions: the pages holding file bytes private
 * from the file, the rest (bss) anonymous.
 */
static int map_segment(struct proc *p, const struct program *prog, const struct elf_segment *s)
{
	uintptr_t start = s->vaddr & ~(PAGE - 1), end = (s->vaddr + s->memsz + PAGE - 1) & ~(PAGE - 1);
	uintptr_t file_end = (s->vaddr + s->filesz + PAGE - 1) & ~(PAGE - 1);
	const struct cpio_file *file = prog->boot;
	unsigned prot = segment_prot(s);
	struct memobj *o;
	int err;

	if (s->filesz && p->pinned) {	/* a copy, now: anonymous pages filled from the file */
		if (!(o = anon_create(end - start)))
			return -ENOMEM;
		if ((err = vm_map_object(p, start, end, prot, MAP_PRIVATE | MAP_ANONYMOUS, o, 0))) {
			memobj_put(o);
			return err;
		}
		return vm_populate(p, start, end, file->data + s->offset - (s->vaddr - start),
				   s->vaddr - start, s->vaddr - start + s->filesz);
	}
	if (s->filesz) {
		err = file ? map_boot_pages(p, file, s, start, file_end) :
			     map_file_pages(p, prog->fc, s, start, file_end);
		if (err)
			return err;
		start = file_end;
	}
	if (start >= end)
		return 0;
	if (!(o = anon_create(end - start)))
		return -ENOMEM;
	if ((err = vm_map_object(p, start, end, prot, MAP_PRIVATE | MAP_ANONYMOUS, o, 0))) {
		memobj_put(o);
		return err;
	}
	return p->pinned ? vm_populate(p, start, end, NULL, 0, 0) : 0;
}

/* prog's segments (program_open checked it) in p. */
static int load_program(struct proc *p, const struct program *prog, uint64_t *entry,
			uint64_t *phdr, unsigned *phnum)
{
	const struct elf_file *elf = &prog->elf;
	struct elf_segment s;
	int err;

	*entry = elf->entry;
	*phnum = elf->phnum;
	*phdr = 0;
	for (unsigned i = 0; elf_segment(elf, i, &s) == 0; i++) {
		if ((err = map_segment(p, prog, &s)))
			return err;
		if (s.offset <= elf->phoff && elf->phoff < s.offset + s.filesz)
			*phdr = s.vaddr + (elf->phoff - s.offset);
		if (s.vaddr + s.memsz > p->brk_base)
			p->brk_base = (s.vaddr + s.memsz + PAGE - 1) & ~(PAGE - 1);
	}
	p->brk = p->brk_base;
	return 0;
}

/* Builds the initial stack image top-down in buf (its user address: top). */
struct stack_image {
	char *buf;
	uintptr_t top;
	size_t used;
	int err;
};

static uintptr_t push(struct stack_image *st, const void *data, size_t len, size_t align)
{
	size_t at = (st->used + len + align - 1) & ~(align - 1);

	if (at > ARGS_MAX) {
		st->err = -E2BIG;
		return 0;
	}
	st->used = at;
	memcpy(st->buf + ARGS_MAX - at, data, len);
	return st->top - at;
}

static int count(char *const v[])
{
	int n = 0;

	while (v && v[n])
		n++;
	return n;
}

/*
 * The first stack pages: argc, argv, envp, auxv and the strings, in a
 * frame mapped at the top of the stack region (private from the start).
 */
static int build_stack(struct proc *p, char *const argv[], char *const envp[],
		       const uint64_t *aux, unsigned naux, const void *blob, size_t blob_len,
		       uintptr_t *sp)
{
	int argc = count(argv), envc = count(envp);
	uint64_t words = 1 + (uint64_t)argc + 1 + (uint64_t)envc + 1 + 2ull * naux;
	uint64_t *vec = calloc(words, sizeof(*vec));
	struct stack_image st = { .top = STACK_TOP };
	uintptr_t platform, blob_at = 0;
	long frame = fl_frame_alloc(p->pool, ARGS_MAX / PAGE);
	int err = 0;

	if (frame < 0 || !vec) {
		free(vec);
		return frame < 0 ? (int)frame : -ENOMEM;
	}
	if (!(st.buf = scratch_map((int)frame, ARGS_MAX / PAGE))) {
		err = -ENOMEM;
		goto out;
	}
	vec[0] = (uint64_t)argc;
	for (int i = argc - 1; i >= 0; i--)
		vec[1 + i] = push(&st, argv[i], strlen(argv[i]) + 1, 1);
	for (int i = envc - 1; i >= 0; i--)
		vec[2 + argc + i] = push(&st, envp[i], strlen(envp[i]) + 1, 1);
	platform = push(&st, pager.bi->arch, strlen(pager.bi->arch) + 1, 1);
	if (blob)
		blob_at = push(&st, blob, blob_len, 16);
	memcpy(&vec[3 + argc + envc], aux, 2 * naux * sizeof(*aux));
	for (unsigned i = 0; i < naux; i++) {	/* the values that are strings on this stack */
		uint64_t *value = &vec[3 + argc + envc + 2 * i + 1];

		if (aux[2 * i] == AT_EXECFN)
			*value = argc ? vec[1] : 0;
		if (aux[2 * i] == AT_PLATFORM)
			*value = platform;
		if (aux[2 * i] == AT_FL_FSBOOT)
			*value = blob_at;
	}
	*sp = push(&st, vec, words * sizeof(*vec), 16);
	scratch_unmap(ARGS_MAX / PAGE);
	if ((err = st.err))
		goto out;
	err = (int)fl_map(p->task, STACK_TOP - ARGS_MAX, (int)frame, 0, ARGS_MAX / PAGE,
			  FL_MAP_READ | FL_MAP_WRITE);
	if (!err) {	/* the stack object's own pages from now on (fork shares them) */
		struct region *r = region_find(&p->map, STACK_TOP - 1);

		err = r->obj->ops->adopt(r->obj, r->offset + (STACK_TOP - ARGS_MAX - r->start),
					 ARGS_MAX);
	}
out:
	fl_handle_close((int)frame);
	free(vec);
	return err;
}

/*
 * The process's IPC buffer: one page of its own, mapped now (the kernel
 * writes into it only if it is present and writable), named to the
 * kernel for its thread. After fork the child's copy would be shared
 * copy-on-write: it gets a fresh page instead.
 */
static int map_ipc_buffer(struct proc *p)
{
	struct region *r = region_find(&p->map, IPCBUF_VA);
	struct memobj *o;
	long f, err;

	if (!r) {
		if (!(o = anon_create(PAGE)))
			return -ENOMEM;
		if ((err = vm_map_object(p, IPCBUF_VA, IPCBUF_VA + PAGE, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE | MAP_ANONYMOUS, o, 0))) {
			memobj_put(o);
			return (int)err;
		}
		r = region_find(&p->map, IPCBUF_VA);
	}
	fl_unmap(p->task, IPCBUF_VA, PAGE);
	r->obj->ops->discard(r->obj, r->offset, PAGE);
	if ((f = fl_frame_alloc(p->pool, 1)) < 0)
		return (int)f;
	err = fl_map(p->task, IPCBUF_VA, (int)f, 0, 1, FL_MAP_READ | FL_MAP_WRITE);
	fl_handle_close((int)f);
	if (err || (err = r->obj->ops->adopt(r->obj, r->offset, PAGE)))
		return (int)err;
	return (int)fl_thread_set_ipc_buffer(p->thread, IPCBUF_VA);
}

/*
 * The stack region: anonymous, growing down; its top pages hold the
 * arguments (build_stack maps them). A pinned process's others now.
 */
static int map_stack(struct proc *p)
{
	struct memobj *o = private_memory(p, STACK_MAX);
	int err;

	if (!o)
		return -ENOMEM;
	err = vm_map_object(p, STACK_TOP - STACK_INIT, STACK_TOP, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | REGION_STACK, o, STACK_MAX - STACK_INIT);
	if (err) {
		memobj_put(o);
		return err;
	}
	return p->pinned ? vm_populate(p, STACK_TOP - STACK_INIT, STACK_TOP - ARGS_MAX, NULL, 0, 0)
			 : 0;
}

/* The process's thread, its faults sent to the pager with badge pid | FAULT_BADGE. */
static int make_thread(struct proc *p)
{
	long r, fault_ep;

	if ((r = fl_thread_create(p->task, p->pinned ? PINNED_PRIORITY : PROC_PRIORITY)) < 0)
		return (int)r;
	p->thread = (int)r;
	fault_ep = fl_handle_mint(pager.ep, FL_RIGHT_WRITE, (unsigned)p->pid | FAULT_BADGE);
	if (fault_ep < 0)
		return (int)fault_ep;
	r = fl_thread_set_fault_handler(p->thread, (int)fault_ep);
	fl_handle_close((int)fault_ep);		/* the thread holds it */
	return (int)r;
}

/* The process's kernel objects: pool, task, thread, and its request handle (badge pid). */
static int make_task(struct proc *p, int *ep)
{
	struct fl_pool_info info;
	uint64_t quota;
	long r;

	if ((r = fl_pool_info(pager.sys_pool, &info)) < 0)
		return (int)r;
	quota = (info.quota - info.used) / POOL_SHARE;
	if (quota > POOL_MAX / PAGE)
		quota = POOL_MAX / PAGE;
	if ((r = fl_pool_create(pager.sys_pool, quota)) < 0)
		return (int)r;
	p->pool = (int)r;
	if ((r = fl_task_create(p->pool)) < 0)
		return (int)r;
	p->task = (int)r;
	if ((r = fl_handle_mint(pager.ep, FL_RIGHT_WRITE | FL_RIGHT_GRANT, (unsigned)p->pid)) < 0)
		return (int)r;
	*ep = (int)r;
	return make_thread(p);
}

/*
 * The handles a process starts with, named in its auxv: the pager, its
 * task, its pool, the system pool, and the fs server (-1 for the fs server
 * itself, or when there is none).
 */
static int give_handles(struct proc *p, int ep)
{
	const int from[4] = { ep, p->task, p->pool, pager.sys_pool };
	const unsigned rights[4] = { FL_RIGHT_WRITE, FL_RIGHT_READ, FL_RIGHT_READ, FL_RIGHT_READ };
	long r;

	for (int i = 0; i < 4; i++) {
		if ((r = fl_task_give_handle(p->task, from[i], rights[i])) < 0)
			return (int)r;
		p->given[i] = (int)r;
	}
	p->given[4] = -1;
	if (p->pinned || (r = fs_client_handle(p)) == -ENODEV)
		return 0;
	if (r < 0)
		return (int)r;
	p->given[4] = (int)r;
	return 0;
}

/*
 * The program in p's empty address space, running: its segments, stack
 * (argv, envp, auxv) and IPC buffer; its thread started at the entry.
 */
static int run_image(struct proc *p, const struct program *prog, char *const argv[],
		     char *const envp[])
{
	static char *const default_env[] = { "PATH=/bin", NULL };
	struct fl_fs_boot boot;
	uint64_t entry = 0, phdr = 0;
	unsigned phnum = 0;
	uintptr_t sp = 0;
	int err;

	p->brk_base = p->brk = p->mmap_next = 0;
	if ((err = load_program(p, prog, &entry, &phdr, &phnum)) || (err = map_stack(p)) ||
	    (err = map_ipc_buffer(p)) || (p->pinned && (err = fs_boot_make(p, &boot))))
		return err;
	{
		uint64_t aux[] = {
			AT_PHDR, phdr, AT_PHENT, 56, AT_PHNUM, phnum, AT_PAGESZ, PAGE,
			AT_ENTRY, entry, AT_EXECFN, 0, AT_PLATFORM, 0,
			AT_FL_PAGER, (uint64_t)p->given[0], AT_FL_TASK, (uint64_t)p->given[1],
			AT_FL_POOL, (uint64_t)p->given[2], AT_FL_SYSPOOL, (uint64_t)p->given[3],
			AT_FL_IPCBUF, IPCBUF_VA,
			AT_FL_PID, (uint64_t)p->pid,
			AT_NULL, 0, AT_NULL, 0,		/* the first: the fs server's entry, if any */
		};
		unsigned naux = sizeof(aux) / sizeof(aux[0]) / 2 - 1;

		if (p->pinned || p->given[4] >= 0) {
			aux[2 * naux - 2] = p->pinned ? AT_FL_FSBOOT : AT_FL_FS;
			aux[2 * naux - 1] = p->pinned ? 0 : (uint64_t)p->given[4];
			naux++;
		}
		if ((err = build_stack(p, argv, envp ? envp : default_env, aux, naux, p->pinned ? &boot : NULL,
				       sizeof(boot), &sp)))
			return err;
	}
	return (int)fl_thread_start(p->thread, entry, sp, sp);
}

static int start(struct proc *p, const struct program *prog, char *const argv[],
		 char *const envp[])
{
	int ep = -1, err;

	if (!(err = make_task(p, &ep)) && !(err = give_handles(p, ep)))
		err = run_image(p, prog, argv, envp);
	if (ep >= 0)
		fl_handle_close(ep);	/* the process holds it */
	return err;
}

/* Everything the process holds goes back; the slot stays for a zombie. */
static void release(struct proc *p)
{
	if (p->task >= 0) {
		fl_task_destroy(p->task);
		fl_handle_close(p->task);
	}
	vm_destroy(p);
	if (p->pool >= 0)
		fl_handle_close(p->pool);
	if (p->thread >= 0)
		fl_handle_close(p->thread);
	if (p->wait_reply >= 0)
		fl_handle_close(p->wait_reply);
	p->task = p->pool = p->thread = p->wait_reply = -1;
}

/*
 * A new process running prog (named name) with argv and envp (NULL: the
 * default environment, PATH=/bin): pinned (every page mapped as its
 * regions are made: the fs server), or demand-paged (by the pager, or by
 * paged_by). The fs server hears of it before it runs.
 */
static int spawn_program(struct program *prog, const char *name, char *const argv[],
			 char *const envp[], int parent, int paged_by, bool pinned,
			 struct proc **out)
{
	struct proc *p;
	int err;

	if ((err = program_open(prog)))
		return err;
	if (!pinned && !fs_room())
		return -EAGAIN;		/* the fs server is behind: see faultline/fs.h */
	if (!(p = proc_alloc()))
		return -EAGAIN;
	p->parent = parent;
	p->paged_by = paged_by;
	p->pinned = pinned;
	snprintf(p->name, sizeof(p->name), "%s", name);
	region_map_init(&p->map, USER_LO, USER_HI);
	if ((err = start(p, prog, argv, envp))) {
		release(p);
		p->pid = 0;
		return err;
	}
	if (!pinned)
		fs_event(FL_FS_EV_SPAWN, p->pid, parent, 0, 0, 0);
	*out = p;
	return 0;
}

/* proc_spawn of the bootfs program at path. */
int proc_spawn(const char *path, char *const argv[], char *const envp[], int parent,
	       int paged_by, bool pinned, struct proc **out)
{
	struct cpio_file file;
	struct program prog;
	int err;

	if ((err = bootfs_file(path, &file)))
		return err;
	boot_program(&prog, &file);
	return spawn_program(&prog, path, argv, envp, parent, paged_by, pinned, out);
}

/*
 * exec: p runs prog (named name) instead, with the same pid, parent,
 * handles and fds; its thread is made anew (the old one waited in the
 * call, which is never answered). Errors found before the old image goes
 * are returned (-ENOEXEC); after, p is killed.
 */
static long exec_program(struct proc *p, int reply, struct program *prog, const char *name,
			 char *const argv[], char *const envp[])
{
	int err;

	if ((err = program_open(prog)))
		return err;
	upager_gone(p);			/* the old image as a faulter and as a pager */
	fl_thread_destroy(p->thread);
	fl_handle_close(p->thread);
	fl_handle_close(reply);		/* its caller is gone */
	p->thread = -1;
	snprintf(p->name, sizeof(p->name), "%s", name);
	if ((err = vm_clear(p)) || (err = make_thread(p)) || (err = run_image(p, prog, argv, envp))) {
		printf("pager: pid %d (%s) killed by SIGKILL: exec failed: %s\n", p->pid, p->name,
		       strerror(-err));
		proc_exit(p, 0, SIGKILL);
	}
	return 0;
}

/* exec of the bootfs program at path: -ENOENT, -ENOEXEC, -EPERM (the pinned fs server) too. */
long proc_exec(struct proc *p, int reply, const char *path, char *const argv[],
	       char *const envp[])
{
	struct cpio_file file;
	struct program prog;
	int err;

	if (p->pinned)
		return -EPERM;
	if ((err = bootfs_file(path, &file)))
		return err;
	boot_program(&prog, &file);
	return exec_program(p, reply, &prog, path, argv, envp);
}

/* ---- launches: spawn and exec of a program the caller opened ------------ */

/*
 * A spawn or exec waiting for the fs server's answer about its program
 * (file.c): the caller's reply handle and a copy of the request's strings.
 */
struct launch {
	int pid, reply;
	bool exec;
	int paged_by;
	char name[PROC_NAME_MAX];
	char **argv, **envp;		/* envp NULL: the default environment */
};

/* v's strings from *at on, their pointers into to (NULL-terminated). */
static void copy_strings(char **to, char *const v[], int n, char **at)
{
	for (int i = 0; i < n; i++) {
		to[i] = strcpy(*at, v[i]);
		*at += strlen(v[i]) + 1;
	}
	to[n] = NULL;
}

static size_t strings_size(char *const v[], int n)
{
	size_t bytes = 0;

	for (int i = 0; i < n; i++)
		bytes += strlen(v[i]) + 1;
	return bytes;
}

static struct launch *launch_new(struct proc *p, int reply, bool exec, int paged_by,
				 const char *path, char *const argv[], char *const envp[])
{
	int argc = count(argv), envc = count(envp);
	size_t vec = (size_t)(argc + envc + 2) * sizeof(char *);
	struct launch *l = malloc(sizeof(*l) + vec + strings_size(argv, argc) +
				  strings_size(envp, envc));
	char **v, *at;

	if (!l)
		return NULL;
	v = (char **)(l + 1);		/* then the strings */
	at = (char *)v + vec;
	*l = (struct launch){ .pid = p->pid, .reply = reply, .exec = exec, .paged_by = paged_by,
			      .argv = v, .envp = envp ? v + argc + 1 : NULL };
	snprintf(l->name, sizeof(l->name), "%s", path);
	copy_strings(v, argv, argc, &at);
	copy_strings(v + argc + 1, envp, envc, &at);
	return l;
}

/*
 * spawn or exec (exec) of the program open at p's fd, named path: the fs
 * server is asked for it (file_exec) and the request waits, its reply
 * handle kept. 0 (parked), or -errno with the fd still the caller's.
 */
int proc_launch(struct proc *p, int reply, bool exec, int paged_by, int64_t fd,
		const char *path, char *const argv[], char *const envp[])
{
	struct launch *l = launch_new(p, reply, exec, paged_by, path, argv, envp);
	int err;

	if (!l)
		return -ENOMEM;
	if ((err = file_exec(p, fd, l)))
		free(l);
	return err;
}

/* The launch's answer: r, with w1 1 (the fd was consumed). */
static void launch_reply(struct launch *l, long r)
{
	if (fl_reply(l->reply, FL_TAG(0, 0, 0), (uint64_t)r, 1, 0, 0) < 0)
		fl_handle_close(l->reply);	/* the caller is gone */
	free(l);
}

void launch_fail(struct launch *l, int err)
{
	launch_reply(l, err);
}

/* Its caller is gone: nobody to answer. */
void launch_drop(struct launch *l)
{
	fl_handle_close(l->reply);
	free(l);
}

/*
 * The fs server answered: the program is fc's file (size bytes, page 0 in
 * head). p (the caller) runs it (exec), or a child of p does (spawn).
 */
void proc_launched(struct launch *l, struct proc *p, struct fcache *fc, const uint8_t *head,
		   uint64_t size)
{
	struct program prog = { .fc = fc, .head = head, .size = size };
	struct proc *child;
	long r;

	if (l->exec) {
		if ((r = exec_program(p, l->reply, &prog, l->name, l->argv, l->envp)) < 0)
			return launch_reply(l, r);	/* the old image stays */
		free(l);			/* its reply handle went with the old image */
		return;
	}
	r = spawn_program(&prog, l->name, l->argv, l->envp, p->pid, l->paged_by, false, &child);
	launch_reply(l, r ? r : child->pid);
}

/* ---- fork ------------------------------------------------------------ */

/* The child's thread resumes where the parent called fork, with its registers. */
static int copy_thread(struct proc *child, struct proc *parent)
{
	struct fl_regs_general regs;
	struct fl_regs_fp fp;
	uint64_t tls;
	long r;

	if ((r = fl_thread_read_regs(parent->thread, FL_REGS_GENERAL, &regs, sizeof(regs))) ||
	    (r = fl_thread_read_regs(parent->thread, FL_REGS_FP, &fp, sizeof(fp))) ||
	    (r = fl_thread_read_regs(parent->thread, FL_REGS_TLS, &tls, sizeof(tls))))
		return (int)r;
	arch_fork_child_regs(&regs);
	/* started first (start sets every register), written while it waits to run */
	if ((r = fl_thread_start(child->thread, arch_regs_pc(&regs), arch_regs_sp(&regs), 0)) ||
	    (r = fl_thread_write_regs(child->thread, FL_REGS_GENERAL, &regs, sizeof(regs))) ||
	    (r = fl_thread_write_regs(child->thread, FL_REGS_FP, &fp, sizeof(fp))) ||
	    (r = fl_thread_write_regs(child->thread, FL_REGS_TLS, &tls, sizeof(tls))))
		return (int)r;
	return 0;
}

/*
 * fork: a child with the parent's address space copy-on-write and its
 * registers; the child's handles must land on the same numbers as the
 * parent's (its memory, a copy, names them). The child's pid, or -errno.
 */
long proc_fork(struct proc *parent)
{
	struct proc *c = proc_alloc();
	int ep = -1, err;

	if (parent->pinned)
		return -EPERM;		/* the fs server: nothing it may copy */
	if (!c || !fs_room()) {
		if (c)
			c->pid = 0;
		return -EAGAIN;
	}
	c->parent = parent->pid;
	c->paged_by = parent->paged_by;
	memcpy(c->name, parent->name, sizeof(c->name));
	region_map_init(&c->map, USER_LO, USER_HI);
	if (!(err = make_task(c, &ep)) && !(err = give_handles(c, ep)) &&
	    memcmp(c->given, parent->given, sizeof(c->given)))
		err = -EAGAIN;		/* the parent's handle numbers are taken */
	if (!err && !(err = vm_fork(c, parent)) && !(err = map_ipc_buffer(c)))
		err = copy_thread(c, parent);
	if (ep >= 0)
		fl_handle_close(ep);
	if (err) {
		release(c);
		c->pid = 0;
		return err == -ENOMEM || err == -EMFILE ? -EAGAIN : err;
	}
	fs_event(FL_FS_EV_FORK, c->pid, parent->pid, 0, 0, 0);
	return c->pid;
}

/* ---- wait and exit ------------------------------------------------------ */

static bool is_child(const struct proc *c, const struct proc *p, int pid)
{
	return c->pid && c->parent == p->pid && (pid == -1 || c->pid == pid);
}

/* Take zombie c: its status for the waiter, its slot freed. */
static int reap(struct proc *c, uint64_t *wstatus)
{
	int pid = c->pid;

	*wstatus = (uint64_t)c->wstatus;
	c->pid = 0;
	return pid;
}

long proc_wait(struct proc *p, int reply, int pid, unsigned options, uint64_t *wstatus)
{
	bool any = false;

	if (pid == 0 || pid < -1 || (options & ~1u))
		return -EINVAL;		/* process groups: not yet; WNOHANG only */
	for (int i = 0; i < PROC_MAX; i++) {
		struct proc *c = &procs[i];

		if (!is_child(c, p, pid))
			continue;
		if (c->zombie)
			return reap(c, wstatus);
		any = true;
	}
	if (!any)
		return -ECHILD;
	if (options & 1)		/* WNOHANG */
		return 0;
	if (p->wait_reply >= 0)
		return -EBUSY;		/* one thread waits at a time */
	p->wait_reply = reply;
	p->wait_pid = pid;
	return PROC_WAIT_PARKED;
}

/* A child of p has become a zombie: a parked waitpid that wants it takes it. */
static void wake_waiter(struct proc *p, struct proc *c)
{
	uint64_t wstatus;
	int pid;

	if (p->wait_reply < 0 || !is_child(c, p, p->wait_pid))
		return;
	pid = reap(c, &wstatus);
	fl_reply(p->wait_reply, FL_TAG(0, 0, 0), (uint64_t)pid, wstatus, 0, 0);
	p->wait_reply = -1;
}

/* p's children go to init (pid 1), zombies included. */
static void reparent(struct proc *p)
{
	struct proc *init = proc_find(1);

	for (int i = 0; i < PROC_MAX; i++) {
		struct proc *c = &procs[i];

		if (!c->pid || c->parent != p->pid)
			continue;
		c->parent = init && init != p ? 1 : 0;
		if (c->zombie && c->parent == 0)
			c->pid = 0;		/* nobody will wait for it */
		else if (c->zombie)
			wake_waiter(init, c);
	}
}

/*
 * The process ends: everything it had goes back; it stays a zombie with its
 * wait status (as POSIX encodes it: exit code << 8, or the signal), which is
 * also on the console, until its parent waits. When the first process (init) ends,
 * so does the machine, with a status that says how (docs/process.md).
 */
void proc_exit(struct proc *p, int status, int signal)
{
	int pid = p->pid, wstatus = signal ? signal & 0x7f : (status & 0xff) << 8;
	struct proc *parent = proc_find(p->parent);

	upager_gone(p);
	release(p);
	reparent(p);
	if (!p->pinned)
		fs_event(FL_FS_EV_EXIT, pid, 0, 0, 0, 0);
	p->zombie = true;
	p->wstatus = wstatus;
	if (signal)
		printf("pager: pid %d (%s) ended: wait status 0x%04x (killed by %s)\n", pid, p->name,
		       wstatus, signal_name(signal));
	else if (pid == 1 || !pager.quiet)
		printf("pager: pid %d (%s) ended: wait status 0x%04x (exit %d)\n", pid, p->name,
		       wstatus, status & 0xff);
	if (p->pinned)
		fs_gone(p);		/* at shutdown: the machine's end */
	if (parent && !parent->zombie) {
		upager_check_done(parent);
		wake_waiter(parent, p);
	} else if (pid != 1) {
		p->pid = 0;		/* no parent to wait for it */
	}
	if (pid != 1)
		return;
	pager_power_off(signal ? 32 + (signal & 31) : status < 32 ? status : 31);
}
