/*
 * The disk (docs/fs.md, docs/virtio.md): the virtio-blk driver waits for
 * its interrupts on a notification of its own (not the one bound to the
 * server's thread, whose signals end the server's recv), ticked by a
 * watchdog thread so a lost interrupt fails a request instead of hanging
 * the server. Requests are synchronous: the server waits for the disk.
 */
#include <string.h>
#include <faultline/sys.h>
#include "backend.h"
#include "bcache.h"
#include "disk.h"
#include "virtio_blk.h"

#define IRQ_BIT			1ull
#define TICK_BIT		2ull
#define TICK_NS			50000000ull	/* 50 ms: a request fails after 40 (2 s) */
#define WATCHDOG_PRIORITY	25		/* above the server's thread (24) */

static struct vblk blk;
static struct bcache cache;
static struct ext2_fs fs;
static int ntfn = -1;
static uint8_t watchdog_stack[4096] __attribute__((aligned(16)));
static struct fl_thread_start watchdog_start;

static void watchdog(void *arg)
{
	(void)arg;
	for (;;) {
		fl_sleep(TICK_NS);
		fl_signal(ntfn, TICK_BIT);
	}
}

/* The cache's fill: len bytes of block no, whole sectors (the device's size is). */
static int fill(void *ctx, uint64_t no, void *buf, size_t len)
{
	(void)ctx;
	return vblk_read(&blk, no * (BCACHE_BLOCK / VBLK_SECTOR), buf,
			 (unsigned)((len + VBLK_SECTOR - 1) / VBLK_SECTOR));
}

/* The cache's flush: whole sectors back to the disk. */
static int flush(void *ctx, uint64_t no, const void *buf, size_t len)
{
	(void)ctx;
	return vblk_write(&blk, no * (BCACHE_BLOCK / VBLK_SECTOR), buf,
			  (unsigned)((len + VBLK_SECTOR - 1) / VBLK_SECTOR));
}

static const char *start_driver(const struct fl_fs_boot *boot, uintptr_t va)
{
	struct vblk_env env;
	long t, n = fl_notification_create();

	if (n < 0)
		return "no notification";
	ntfn = (int)n;
	watchdog_start = (struct fl_thread_start){ watchdog, NULL };
	if ((t = fl_thread_create(boot->task, WATCHDOG_PRIORITY)) < 0 ||
	    fl_thread_start((int)t, (uintptr_t)fl_thread_entry,
			    (uintptr_t)(watchdog_stack + sizeof(watchdog_stack)),
			    (uintptr_t)&watchdog_start) < 0)
		return "no watchdog thread";
	env = (struct vblk_env){ boot->task, boot->pool, va, ntfn, IRQ_BIT, TICK_BIT };
	if (vblk_open(&blk, &boot->disk, &env))
		return "the virtio-blk driver cannot open the device";
	return NULL;
}

/* Is word (a whole one, space-separated) on the command line? */
static bool has_word(const char *line, size_t max, const char *word)
{
	size_t n = strlen(word), len = strnlen(line, max);

	for (size_t i = 0; i + n <= len; i++)
		if ((i == 0 || line[i - 1] == ' ') && !memcmp(line + i, word, n) &&
		    (i + n == len || line[i + n] == ' '))
			return true;
	return false;
}

struct node *disk_mount(const struct fl_fs_boot *boot, uintptr_t va, const char **why)
{
	struct ext2_dev dev;
	struct node *root;
	bool rw;

	if (!boot->has_disk) {
		*why = "no disk";
		return NULL;
	}
	if ((*why = start_driver(boot, va)))
		return NULL;
	bcache_init(&cache, fill, flush, NULL, blk.capacity * VBLK_SECTOR);
	dev = (struct ext2_dev){ bcache_read, &cache, blk.capacity * VBLK_SECTOR, bcache_write,
				 bcache_sync };
	/* read-write unless "ro" is on the kernel command line */
	rw = !has_word(boot->cmdline, sizeof(boot->cmdline), "ro");
	if (!rw)
		dev.write = NULL;
	if (ext2_mount(&fs, &dev)) {
		*why = fs.why;
		return NULL;
	}
	if (!rw)
		fs.ro_why = "\"ro\" on the command line";
	if (!(root = ext2fs_root(&fs)))
		*why = fs.why ? fs.why : "no memory";
	return root;
}

uint32_t disk_blocks(void)
{
	return fs.blocks_count;
}

const char *disk_ro_why(void)
{
	return fs.ro_why;
}
