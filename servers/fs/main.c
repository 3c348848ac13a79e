/*
 * The fs server (docs/fs.md): its start from struct fl_fs_boot, and its
 * loop. Requests arrive on one endpoint, badged with the sender's pid;
 * the pager's events and the console's interrupt arrive on the
 * notification bound to the thread, so recv returns either. The event
 * ring is drained before every request, so the sender is always known.
 * A request answered at once is replied to with the next recv
 * (reply_recv); a parked one keeps its reply handle for later.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <faultline/ipc.h>
#include <faultline/msg.h>
#include <faultline/pager.h>
#include <faultline/process.h>
#include <faultline/syscalls.gen.h>
#include "backend.h"
#include "devfs.h"
#include "disk.h"
#include "file.h"
#include "mapobj.h"
#include "mapsys.h"
#include "park.h"
#include "uart.h"

/* The driver window (faultline/fs.h): where the server maps what it was given. */
#define EVENTS_VA	FL_FS_DRIVER_VA
#define UART_VA		(FL_FS_DRIVER_VA + 0x10000ul)
#define DISK_VA		(FL_FS_DRIVER_VA + 0x1000000ul)
#define BOOTFS_VA	(FL_FS_DRIVER_VA + 0x100000000ul)
/* + 0x8000000000: the page cache's frames (mapsys.c) */

#define SIG_CONSOLE	2ull		/* the notification bit of the UART's interrupt */

static const struct fl_fs_boot *boot;
static struct fl_fs_ring *ring;
static struct fl_ipc_buffer *ipc;
static bool console_input;
static bool disk_root;			/* / is the disk's ext2 */
static bool shutdown_asked;		/* the pager's FL_FS_EV_SHUTDOWN came */
static struct answer ans;

/* The kernel's console: the server's own output never goes through a file. */
void console_out(const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		size_t n = len < FL_CONSOLE_WRITE_MAX ? len : FL_CONSOLE_WRITE_MAX;

		fl_console_write(p, n);
		p += n;
		len -= n;
	}
}

static void say(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	console_out(line, n < 0 ? 0 : (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

/* len bytes into the IPC buffer's words: how many words. */
static unsigned put_words(const void *data, size_t len)
{
	if (len)
		memcpy(ipc->words, data, len);
	memset((char *)ipc->words + len, 0, (8 - len % 8) % 8);
	return (unsigned)((len + 7) / 8);
}

void fs_reply_later(int reply, int64_t result, const void *data, size_t len)
{
	unsigned words = put_words(data, len);

	if (fl_reply(reply, FL_TAG(0, words, 0), (uint64_t)result, 0, 0, 0) < 0)
		fl_handle_close(reply);		/* the caller is gone */
}

void fs_reply_drop(int reply)
{
	fl_handle_close(reply);
}

/* The pager's events, oldest first (faultline/fs.h), then what they woke. */
static void drain_events(void)
{
	uint32_t head = __atomic_load_n(&ring->head, __ATOMIC_ACQUIRE), tail = ring->tail;

	for (; tail != head; tail++) {
		const struct fl_fs_event *e = &ring->ev[tail % FL_FS_RING_EVENTS];
		int err = 0;

		if (e->kind == FL_FS_EV_SPAWN)
			err = proc_spawn(e->pid, e->parent);
		else if (e->kind == FL_FS_EV_FORK)
			err = proc_fork(e->pid, e->parent);
		else if (e->kind == FL_FS_EV_EXIT)
			proc_exit(e->pid);
		else if (e->kind == FL_FS_EV_SHUTDOWN)
			shutdown_asked = true;
		else if (e->kind >= FL_FS_EV_MAP && e->kind <= FL_FS_EV_EXEC)
			map_event(e);	/* answered at once: a call to the pager */
		else	/* a pager built against another protocol: whatever waits on it, waits */
			say("fs: event kind %u from the pager unknown: ignored\n", e->kind);
		if (err)
			say("fs: pid %d: no descriptor table (%d)\n", e->pid, err);
		__atomic_store_n(&ring->tail, tail + 1, __ATOMIC_RELEASE);
	}
	park_run();
}

/* Typed bytes: read, acknowledge, read again (an edge-triggered line drops an edge while masked). */
static void console_irq(void)
{
	int c;

	while ((c = uart_getc()) >= 0)
		devfs_console_input((uint8_t)c);
	fl_irq_ack(boot->console_irq);
	while ((c = uart_getc()) >= 0)
		devfs_console_input((uint8_t)c);
	park_run();
}

static void setup_console(void)
{
	long err = -ENODEV;

	if (boot->console_irq >= 0 &&
	    !(err = fl_irq_bind(boot->console_irq, boot->notification, SIG_CONSOLE)))
		err = uart_init(boot->task, UART_VA, boot->console_ioport, boot->console_mmio);
	if (err) {
		say("fs: /dev/console: no input (%ld)\n", err);
		return;
	}
	console_input = true;
	console_irq();			/* what came before the line was bound */
}

/* /, /boot, /dev, /tmp: 0, or -1 if not even the bootfs mounts. */
static int mount_all(void)
{
	uint64_t pages = (boot->bootfs_size + 4095) / 4096;
	const char *why = "cannot map it";
	struct node *b = NULL, *root;

	if (!fl_map(boot->task, BOOTFS_VA, boot->bootfs, 0, pages, FL_MAP_READ))
		b = bootfs_mount((const void *)BOOTFS_VA, boot->bootfs_size, &why);
	mapsys_set_bootfs(boot->bootfs);	/* its whole file pages are answered with it */
	if (!b) {
		say("fs: the bootfs: %s\n", why);
		return -1;
	}
	root = boot->has_disk ? disk_mount(boot, DISK_VA, &why) : NULL;
	disk_root = root != NULL;
	if (root) {
		say("fs: / is ext2 on %s, %u blocks\n", boot->disk.name, disk_blocks());
		if (disk_ro_why())
			say("fs: / is read-only: %s\n", disk_ro_why());
	} else {
		if (boot->has_disk)
			say("fs: /dev/disk: %s (mounting the bootfs at /)\n", why);
		say("fs: / is the bootfs\n");
	}
	vfs_mount("/", root ? root : b);
	vfs_mount("boot", b);
	vfs_mount("dev", devfs_new());
	vfs_mount("tmp", tmpfs_new());
	return 0;
}

static int setup(void)
{
	uint64_t budget;

	boot = (const struct fl_fs_boot *)(uintptr_t)fl_getauxval(AT_FL_FSBOOT);
	ipc = (struct fl_ipc_buffer *)(uintptr_t)fl_getauxval(AT_FL_IPCBUF);
	if (!boot || !ipc) {
		say("fs: started without struct fl_fs_boot: not the fs server\n");
		return -1;
	}
	if (fl_map(boot->task, EVENTS_VA, boot->events, 0, FL_FS_RING_PAGES,
		   FL_MAP_READ | FL_MAP_WRITE) ||
	    fl_thread_bind_notification(boot->thread, boot->notification)) {
		say("fs: cannot map the event ring or bind the notification\n");
		return -1;
	}
	ring = (struct fl_fs_ring *)EVENTS_VA;
	budget = pc_budget_option(boot->cmdline, sizeof(boot->cmdline));
	pc_set_budget(mapsys_init(boot->task, boot->pool, budget ? budget : PC_BUDGET_DEFAULT));
	if (mount_all())
		return -1;
	setup_console();
	drain_events();
	return 0;
}

/* One message: handles it carried are not the server's to keep. */
static bool take(const struct fl_msg *m, struct request *rq)
{
	unsigned words = FL_TAG_WORDS(m->tag);

	for (unsigned i = 0; i < FL_TAG_HANDLES(m->tag); i++)
		fl_handle_close(ipc->handles[i]);
	if (FL_TAG_REPLY(m->tag) < 0)
		return false;		/* a send: every request is a call */
	if (words > FL_MSG_BUF_WORDS)
		words = FL_MSG_BUF_WORDS;
	*rq = (struct request){ .pid = (int)m->badge, .reply = FL_TAG_REPLY(m->tag),
				.label = FL_TAG_LABEL(m->tag), .in = ipc->words,
				.in_len = words * 8u };
	memcpy(rq->w, m->w, sizeof(rq->w));
	return true;
}

/*
 * The pager's last event: the answer being made goes out, the disk is
 * written back and marked clean, and the server ends; the pager then
 * powers off. Parked requests are never answered: their callers end with
 * the machine.
 */
static void shutdown(int reply)
{
	int err = map_writeback_all();		/* what mappings may have written */
	uint64_t cached, lent;

	if (disk_root) {
		int e = ext2fs_unmount();

		err = err ? err : e;
	}

	if (reply >= 0)
		fl_reply(reply, FL_TAG(0, put_words(ans.out, ans.out_len), 0), (uint64_t)ans.w[0],
			 (uint64_t)ans.w[1], (uint64_t)ans.w[2], 0);
	map_stats(&cached, &lent);
	say("fs: pages mapped: %lu from the page cache, %lu of the bootfs without a copy\n",
	    (unsigned long)cached, (unsigned long)lent);
	if (err)
		say("fs: shutdown: / not written back: %d\n", err);
	else
		say("fs: shutdown: %s\n", disk_root ? "/ written back and unmounted clean" :
			"nothing to write back");
	exit(err ? 1 : 0);
}

int main(void)
{
	struct request rq;
	struct fl_msg m;
	int reply = -1;
	long r;

	if (setup())
		return 1;
	for (;;) {
		if (shutdown_asked)
			shutdown(reply);
		if (reply >= 0) {
			const uint64_t w[4] = { (uint64_t)ans.w[0], (uint64_t)ans.w[1],
						(uint64_t)ans.w[2], 0 };
			unsigned words = put_words(ans.out, ans.out_len);

			r = fl_reply_recv_msg(boot->endpoint,
					      FL_TAG_WITH_REPLY(FL_TAG(0, words, 0), reply), w, &m);
			if (r < 0)
				fl_handle_close(reply);	/* the caller is gone: nothing received */
			reply = -1;
			if (r < 0)
				continue;
		} else if ((r = fl_recv_msg(boot->endpoint, &m)) < 0) {
			continue;
		}
		if (r == FL_RECV_NOTIFICATION) {
			if (m.badge & FL_FS_SIG_EVENTS)
				drain_events();
			if ((m.badge & SIG_CONSOLE) && console_input)
				console_irq();
			continue;
		}
		drain_events();
		if (!take(&m, &rq))
			continue;
		fs_serve(&rq, &ans);
		if (!ans.parked)
			reply = rq.reply;
	}
}
