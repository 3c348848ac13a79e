/*
 * The virtio-blk driver (servers/fs/virtio) on both machines: virtio-pci
 * on q35, virtio-mmio on virt. A root task for now (init=bin/vblktest):
 * the fs server that will own the driver is issue 10's next step.
 *
 * The disk is made by the build (tests/guest/make_vblk_disk.py):
 * DISK_SECTORS sectors, sector i's first 8 bytes are i (little-endian)
 * and byte j >= 8 is (i * 7 + j) & 0xff. The cases check the capacity,
 * single- and multi-sector reads byte for byte, a write read back (and
 * undone, so the image stays as made), the device's IOERR status for
 * sectors past the end as -EIO, and that every request was completed by
 * its interrupt, and that a lost interrupt fails a request (the driver's
 * wait is bounded by ticks of a watchdog thread) instead of hanging.
 */
#include "ktest.h"
#include "virtio_blk.h"

#define DISK_SECTORS	2048	/* tests/guest/CMakeLists.txt makes a 1 MiB disk */
#define VBLK_VA		0x50000000ul
#define IRQ_BIT		1ull
#define TICK_BIT	2ull
#define LOST_BIT	4ull	/* where lost_interrupt sends the irq */
#define TICK_MS		50

static struct vblk blk;
static long ntfn;
static uint8_t buf[40 * VBLK_SECTOR];
static uint8_t want[VBLK_SECTOR];

static void watchdog(void *arg)
{
	(void)arg;
	for (;;) {
		sleep_ms(TICK_MS);
		fl_signal((int)ntfn, TICK_BIT);
	}
}

/* The image's sector i. */
static void pattern(uint64_t i, uint8_t *out)
{
	for (unsigned j = 0; j < VBLK_SECTOR; j++)
		out[j] = j < 8 ? (uint8_t)(i >> (8 * j)) : (uint8_t)(i * 7 + j);
}

/* Does buf hold sectors first.. first + n - 1 of the image? */
static const char *check_pattern(const uint8_t *p, uint64_t first, unsigned n)
{
	for (unsigned s = 0; s < n; s++) {
		pattern(first + s, want);
		for (unsigned j = 0; j < VBLK_SECTOR; j++)
			if (p[s * VBLK_SECTOR + j] != want[j])
				return FAIL("sector %lu byte %u: %#x, want %#x",
					    (unsigned long)(first + s), j,
					    p[s * VBLK_SECTOR + j], want[j]);
	}
	return NULL;
}

static const char *read_check(uint64_t first, unsigned n)
{
	int r = vblk_read(&blk, first, buf, n);

	if (r)
		return FAIL("read %u at %lu: %d", n, (unsigned long)first, r);
	return check_pattern(buf, first, n);
}

static const char *capacity(void)
{
	if (blk.capacity != DISK_SECTORS)
		return FAIL("capacity %lu sectors, the image has %u",
			    (unsigned long)blk.capacity, DISK_SECTORS);
	return NULL;
}

static const char *single_sectors(void)
{
	static const uint64_t which[] = { 0, 1, 2, 255, 1000, DISK_SECTORS - 1 };
	const char *why;

	for (unsigned i = 0; i < sizeof(which) / sizeof(which[0]); i++)
		if ((why = read_check(which[i], 1)))
			return why;
	return NULL;
}

static const char *multi_sectors(void)
{
	const char *why;

	if ((why = read_check(100, 8)) || (why = read_check(DISK_SECTORS - 4, 4)))
		return why;
	/* more than VBLK_MAX_SECTORS: two requests */
	return read_check(500, 40);
}

static const char *write_read_back(void)
{
	const uint64_t s = 1500;
	const char *why;
	int r;

	for (unsigned j = 0; j < VBLK_SECTOR; j++)
		buf[j] = (uint8_t)(0xa5 ^ j);
	if ((r = vblk_write(&blk, s, buf, 1)))
		return FAIL("write: %d", r);
	memset(buf, 0, VBLK_SECTOR);
	if ((r = vblk_read(&blk, s, buf, 1)))
		return FAIL("read back: %d", r);
	for (unsigned j = 0; j < VBLK_SECTOR; j++)
		if (buf[j] != (uint8_t)(0xa5 ^ j))
			return FAIL("read back byte %u: %#x", j, buf[j]);
	if ((why = read_check(s - 1, 1)) || (why = read_check(s + 1, 1)))
		return why;		/* the neighbours are untouched */
	pattern(s, buf);		/* undo: the image stays as the build made it */
	if ((r = vblk_write(&blk, s, buf, 1)))
		return FAIL("write back: %d", r);
	return read_check(s, 1);
}

static const char *out_of_range(void)
{
	int r = vblk_read(&blk, DISK_SECTORS, buf, 1);

	if (r != -EIO || blk.last_status != VIRTIO_BLK_S_IOERR)
		return FAIL("read past the end: %d, status %u", r, blk.last_status);
	r = vblk_read(&blk, DISK_SECTORS - 1, buf, 2);
	if (r != -EIO || blk.last_status != VIRTIO_BLK_S_IOERR)
		return FAIL("read across the end: %d, status %u", r, blk.last_status);
	r = vblk_write(&blk, DISK_SECTORS + 10, buf, 1);
	if (r != -EIO || blk.last_status != VIRTIO_BLK_S_IOERR)
		return FAIL("write past the end: %d, status %u", r, blk.last_status);
	r = vblk_read(&blk, ~0ull, buf, 2);
	if (r != -EINVAL)
		return FAIL("a wrapping range: %d", r);
	return read_check(DISK_SECTORS - 1, 1);	/* and the driver goes on */
}

static const char *by_interrupt(void)
{
	fl_printf("# %u requests, %u interrupts\n", blk.requests, blk.irqs);
	if (blk.requests < 10 || blk.irqs != blk.requests)
		return FAIL("%u requests, %u interrupts", blk.requests, blk.irqs);
	return NULL;
}

/*
 * The interrupt is sent elsewhere (bound to another bit): the request
 * must fail after the driver's bounded wait, and the driver stays down,
 * since the device may still hold the request's buffers.
 */
static const char *lost_interrupt(void)
{
	long r = fl_irq_bind(blk.dev.irq, (int)ntfn, LOST_BIT);

	if (r)
		return FAIL("irq_bind elsewhere: %ld", r);
	r = vblk_read(&blk, 0, buf, 1);
	if (r != -ENODEV)
		return FAIL("a read without its interrupt: %ld", r);
	r = vblk_read(&blk, 0, buf, 1);
	return r == -ENODEV ? NULL : FAIL("a read after that: %ld", r);
}

static const struct kt_case cases[] = {
	{ "vblk: capacity from device config matches the image", capacity },
	{ "vblk: single-sector reads return the pattern", single_sectors },
	{ "vblk: multi-sector reads (and one split in two requests)", multi_sectors },
	{ "vblk: a write reads back, neighbours untouched", write_read_back },
	{ "vblk: past the end the device says IOERR, the driver -EIO", out_of_range },
	{ "vblk: one interrupt per request completed them", by_interrupt },
	{ "vblk: a lost interrupt fails the request in bounded time", lost_interrupt },
};

int main(const struct fl_bootinfo *bi)
{
	int n = (int)(sizeof(cases) / sizeof(cases[0]));
	const struct fl_bootinfo_device *d;
	struct vblk_env env;
	const char *why = NULL;
	int r;

	boot = bi;
	kt_plan(1, n);
	d = vblk_find(boot);
	ntfn = fl_notification_create();
	if (!d)
		why = "no virtio-blk device in the boot info";
	else if (ntfn < 0)
		why = "notification_create failed";
	else if (spawn(MAIN_PRIORITY + 1, watchdog, NULL) < 0)
		why = "no watchdog thread";
	if (!why) {
		env = (struct vblk_env){ boot->self_task, boot->pool, VBLK_VA, (int)ntfn,
					 IRQ_BIT, TICK_BIT };
		r = vblk_open(&blk, d, &env);
		if (r)
			why = FAIL("vblk_open on %s: %d", d->name, r);
	}
	report("vblk: device found, features negotiated, queue set up", why);
	if (why) {
		kt_finish();
		return 2;
	}
	fl_printf("# %s, %s transport, %lu sectors\n", d->name,
		d->config >= 0 ? "pci" : "mmio", (unsigned long)blk.capacity);
	kt_run(cases, n);
	vblk_close(&blk);
	return kt_finish();
}
