/*
 * The fs server (servers/fs, docs/fs.md) from the pager's side. The pager
 * starts it pinned, as a trusted driver: its own task and pool with the
 * rights to map device registers and DMA buffers, the disk's and the
 * console's handles, the bootfs. Every other process gets an endpoint
 * handle to it badged with its pid. The pager tells it of each spawn,
 * fork and exit through a ring of events in a frame both map, then a
 * notification: it never waits for the fs server, so no call cycle can
 * form however the fs server behaves.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <faultline/abi.h>
#include <faultline/fs.h>
#include <faultline/syscalls.gen.h>
#include <faultline/task.h>
#include <lib/cpio.h>
#include "pager.h"
#include "virtio_blk.h"

#define FS_PROGRAM	"bin/fs"
#define RING_VA		0x310000000000ul	/* the pager's mapping of the event ring */

static struct {
	char program[64];
	int ep;			/* the fs endpoint, every right; -1: no fs server */
	int ntfn;		/* the fs server's notification */
	int ring_frame;
	struct fl_fs_ring *ring;
	int pid;		/* the fs server's, once it runs; 0 when it has ended */
	int reported;		/* its pid for fs_report, even after it ended */
	bool shutting_down;	/* FL_FS_EV_SHUTDOWN sent: its end powers the machine off */
	uint32_t owed;		/* processes announced whose exit is not written yet */
} fs = { .ep = -1, .ntfn = -1, .ring_frame = -1 };

/*
 * The endpoint, the notification and the ring, before the first process
 * (which is told of the fs server in its auxv): 0, or -ENODEV when there
 * is no fs server (fs=none, or no program), or the error that stopped it.
 */
int fs_prepare(void)
{
	struct cpio_file f;
	long frame;
	int err;

	snprintf(fs.program, sizeof(fs.program), "%s", FS_PROGRAM);
	if (pager_cmdline("fs", fs.program, sizeof(fs.program)) && !strcmp(fs.program, "none"))
		return -ENODEV;
	if (bootfs_file(fs.program, &f))
		return -ENODEV;
	if ((frame = fl_frame_alloc(pager.sys_pool, FL_FS_RING_PAGES)) < 0)
		return (int)frame;
	fs.ring_frame = (int)frame;
	if ((err = (int)fl_map(pager.self_task, RING_VA, fs.ring_frame, 0, FL_FS_RING_PAGES,
			       FL_MAP_READ | FL_MAP_WRITE)))
		return err;
	fs.ring = (struct fl_fs_ring *)RING_VA;
	fs.ring->size = FL_FS_RING_EVENTS;
	if ((fs.ntfn = (int)fl_notification_create()) < 0)
		return fs.ntfn;
	if ((fs.ep = (int)fl_endpoint_create()) < 0)
		return fs.ep;
	return 0;
}

bool fs_prepared(void)
{
	return fs.ep >= 0;
}

int fs_start(void)
{
	char *argv[] = { fs.program, NULL };
	struct proc *p;
	int err = proc_spawn(fs.program, argv, NULL, 0, 0, true, &p);

	if (err)
		return err;
	fs.pid = fs.reported = p->pid;
	return p->pid;
}

long fs_client_handle(struct proc *p)
{
	long minted, r;

	if (fs.ep < 0)
		return -ENODEV;
	if ((minted = fl_handle_mint(fs.ep, FL_RIGHT_WRITE | FL_RIGHT_GRANT, (unsigned)p->pid)) < 0)
		return minted;
	r = fl_task_give_handle(p->task, (int)minted, FL_RIGHT_WRITE);
	fl_handle_close((int)minted);
	return r;
}

/* h given to the fs server with rights: its number there, or -1 (h is -1, or giving failed). */
static int give(struct proc *p, int h, unsigned rights, int *err)
{
	long r;

	if (h < 0)
		return -1;
	if ((r = fl_task_give_handle(p->task, h, rights)) < 0 && !*err)
		*err = (int)r;
	return r < 0 ? -1 : (int)r;
}

/* The disk the driver would pick (vblk_find), its handles given to the fs server. */
static int give_disk(struct proc *p, struct fl_fs_boot *b)
{
	const struct fl_bootinfo_device *d = vblk_find(pager.bi);
	struct fl_bootinfo_device *g = &b->disk;
	int err = 0;

	if (!d)
		return 0;
	*g = *d;
	for (unsigned j = 0; j < 6; j++)
		g->mmio[j] = j < d->nmmio ? give(p, d->mmio[j], FL_RIGHT_READ | FL_RIGHT_WRITE, &err) :
			     -1;
	for (unsigned j = 0; j < FL_DEVICE_IRQS; j++)
		g->irqs[j] = j < d->nirq ? give(p, d->irqs[j], FL_RIGHT_READ | FL_RIGHT_WRITE |
						FL_RIGHT_MANAGE, &err) : -1;
	g->irq = g->irqs[0];
	g->config = give(p, d->config, FL_RIGHT_READ, &err);
	b->has_disk = err == 0;
	return err;
}

/* What the fs server starts with (faultline/fs.h), its handles given to it. */
int fs_boot_make(struct proc *p, struct fl_fs_boot *b)
{
	const struct fl_bootinfo *bi = pager.bi;
	const unsigned rw = FL_RIGHT_READ | FL_RIGHT_WRITE;
	int err = 0;

	memset(b, 0, sizeof(*b));
	b->task = give(p, p->task, FL_RIGHT_READ | FL_RIGHT_MANAGE, &err);
	b->pool = give(p, p->pool, FL_RIGHT_READ | FL_RIGHT_MANAGE | FL_RIGHT_PHYS, &err);
	b->thread = give(p, p->thread, rw | FL_RIGHT_MANAGE, &err);
	b->endpoint = give(p, fs.ep, FL_RIGHT_READ, &err);
	b->notification = give(p, fs.ntfn, rw, &err);
	b->events = give(p, fs.ring_frame, rw, &err);
	b->bootfs = give(p, pager.bootfs, FL_RIGHT_READ | FL_RIGHT_GRANT, &err);	/* its pages answered */
	b->console_irq = give(p, bi->console_irq, rw | FL_RIGHT_MANAGE, &err);
	b->console_ioport = give(p, bi->console_ioport, rw, &err);
	b->console_mmio = give(p, bi->console_mmio, rw, &err);
	b->bootfs_size = bi->bootfs_size;
	snprintf(b->arch, sizeof(b->arch), "%s", bi->arch);
	snprintf(b->machine, sizeof(b->machine), "%s", bi->machine);
	snprintf(b->cmdline, sizeof(b->cmdline), "%s",
		 (const char *)bi + bi->cmdline_offset);
	return err ? err : give_disk(p, b);
}

static uint32_t ring_used(void)
{
	return fs.ring->head - __atomic_load_n(&fs.ring->tail, __ATOMIC_ACQUIRE);
}

/*
 * The ring never loses an event that must come: every announced process
 * owes an exit, every mmap or exec sent (and object then held) owes an
 * unref, and the shutdown is owed once. An event that starts a debt (spawn,
 * fork, map, exec) needs room for itself, its debt and the shutdown; a page request
 * for itself and the shutdown; the rest always fit (faultline/fs.h).
 */
static bool room_for(uint32_t need)
{
	return FL_FS_RING_EVENTS - ring_used() >= fs.owed + need;
}

bool fs_room(void)
{
	return !fs.ring || room_for(3);
}

int fs_event(uint32_t kind, int pid, int parent, uint64_t a, uint64_t b, uint64_t c)
{
	bool debt = kind == FL_FS_EV_SPAWN || kind == FL_FS_EV_FORK || kind == FL_FS_EV_MAP ||
		    kind == FL_FS_EV_EXEC;
	struct fl_fs_event *e;

	if (!fs.ring || fs.ep < 0)
		return -ENODEV;
	if ((debt && !room_for(3)) || (kind == FL_FS_EV_PAGE && !room_for(2)))
		return -EAGAIN;
	if (debt)
		fs.owed++;
	else if (kind == FL_FS_EV_EXIT || kind == FL_FS_EV_UNREF)
		fs.owed--;
	e = &fs.ring->ev[fs.ring->head % FL_FS_RING_EVENTS];
	*e = (struct fl_fs_event){ .kind = kind, .pid = pid, .parent = parent, .a = a, .b = b,
				   .c = c };
	__atomic_store_n(&fs.ring->head, fs.ring->head + 1, __ATOMIC_RELEASE);
	fl_signal(fs.ntfn, FL_FS_SIG_EVENTS);
	return 0;
}

/* A map answered without an object for the pager to hold: its unref is not owed. */
void fs_owed_drop(void)
{
	if (fs.owed)
		fs.owed--;
}

bool fs_is_server(const struct proc *p)
{
	return fs.pid && p->pid == fs.pid;
}

/* At the end: the faults the fs server took (pinned: 0; it may have ended by now). */
void fs_report(void)
{
	struct proc *p = fs.reported ? proc_find(fs.reported) : NULL;

	if (p)
		printf("pager: the fs server (pid %d, pinned) took %lu faults\n", p->pid,
		       (unsigned long)p->faults);
}

/* The first process ended: the fs server's last event. */
bool fs_shutdown(void)
{
	if (!fs.ring || !fs.pid)
		return false;
	fs.shutting_down = true;
	fs_event(FL_FS_EV_SHUTDOWN, 0, 0, 0, 0, 0);
	return true;
}

/*
 * The fs server ended: nothing more is written to it. Processes keep
 * their handles to its endpoint; their calls find no receiver.
 */
void fs_gone(struct proc *p)
{
	if (p->pid != fs.pid)
		return;
	fs.ring = NULL;
	fs.pid = 0;
	if (fs.shutting_down) {
		if (p->wstatus)
			printf("pager: the fs server ended with wait status 0x%04x: the disk may not "
			       "be clean\n", p->wstatus);
		pager_power_off(0);	/* with the status saved when the first process ended */
		return;
	}
	printf("pager: the fs server (pid %d) is gone, after %lu faults: files are gone with it\n",
	       p->pid, (unsigned long)p->faults);
}
