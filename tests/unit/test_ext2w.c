/*
 * The ext2 writer (servers/fs/ext2_alloc.c, ext2_file.c, ext2_dir.c) over
 * the write-back block cache, on copies of the mke2fs-made fixtures
 * (4 KiB and 1 KiB blocks, and a tiny one of 64 blocks and 16 inodes).
 * After each case the image goes to a temporary file that the host's
 * `e2fsck -fn` must pass (exit 0), and files are read back with
 * `debugfs -R 'cat PATH'` byte for byte. Skipped, saying why, without
 * e2fsck or debugfs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <errno.h>
#include "bcache.h"
#include "ext2_write.h"
#include "fixture.h"

#define TOOLS_PATH	"PATH=\"$PATH:/usr/sbin:/sbin\" "

struct img {
	struct blob b;
	struct ext2_fs fs;
	char file[64];			/* the image written out */
};

static struct bcache cache;
static struct blob *cur;

static int fill(void *ctx, uint64_t no, void *buf, size_t len)
{
	(void)ctx;
	memcpy(buf, cur->data + no * BCACHE_BLOCK, len);
	return 0;
}

static int flush(void *ctx, uint64_t no, const void *buf, size_t len)
{
	(void)ctx;
	memcpy(cur->data + no * BCACHE_BLOCK, buf, len);
	return 0;
}

static bool have_tools(void)
{
	return system(TOOLS_PATH "command -v e2fsck >/dev/null && command -v debugfs >/dev/null") == 0;
}

#define NEED_TOOLS()								\
	do {									\
		if (!have_tools()) {						\
			print_message("skipped: e2fsck or debugfs missing\n");	\
			skip();							\
		}								\
	} while (0)

static int remount(struct img *m)
{
	struct ext2_dev dev = { bcache_read, &cache, m->b.len, bcache_write, bcache_sync };

	cur = &m->b;
	bcache_init(&cache, fill, flush, NULL, m->b.len);
	return ext2_mount(&m->fs, &dev);
}

static void open_img(struct img *m, const char *name)
{
	int err;

	m->b = fixture_blob(name);
	if ((err = remount(m)))
		fail_msg("mount %s: %d (%s)", name, err, m->fs.why);
	assert_true(ext2_writable(&m->fs));
	snprintf(m->file, sizeof(m->file), "/tmp/ext2w-%d-%s", (int)getpid(), name);
}

/* Everything written back (and, with unmount, marked clean), then the image to m->file. */
static void save(struct img *m, bool unmount)
{
	FILE *f;

	assert_int_equal(unmount ? ext2_unmount(&m->fs) : ext2_sync(&m->fs), 0);
	f = fopen(m->file, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(m->b.data, 1, m->b.len, f), m->b.len);
	fclose(f);
}

/* e2fsck -fn's exit status on the saved image, its output shown if not 0 (or if show). */
static int fsck(struct img *m, bool show)
{
	char cmd[256];
	int st;

	snprintf(cmd, sizeof(cmd), TOOLS_PATH "e2fsck -fn %s > %s.log 2>&1", m->file, m->file);
	st = system(cmd);
	if (st != 0 || show) {
		snprintf(cmd, sizeof(cmd), "cat %s.log", m->file);
		if (system(cmd))
			print_message("(no e2fsck output)\n");
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* debugfs's cat of path on the saved image is exactly want. */
static void cat_is(struct img *m, const char *path, const uint8_t *want, size_t len)
{
	char cmd[512];
	uint8_t *got = malloc(len + 1);
	size_t n;
	FILE *p;

	snprintf(cmd, sizeof(cmd), TOOLS_PATH "debugfs -R 'cat %s' %s 2>/dev/null", path, m->file);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(got, 1, len + 1, p);
	pclose(p);
	if (n != len || memcmp(got, want, len))
		fail_msg("debugfs cat %s: %zu bytes, not the %zu written", path, n, len);
	free(got);
}

static void close_img(struct img *m)
{
	char log[80];

	snprintf(log, sizeof(log), "%s.log", m->file);
	unlink(m->file);
	unlink(log);
	free(m->b.data);
}

static uint32_t sb_field(struct img *m, unsigned off, unsigned bytes)
{
	uint8_t p[4] = { 0 };

	assert_ptr_equal(cur, &m->b);
	assert_int_equal(bcache_read(&cache, 1024 + off, p, bytes), 0);
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t free_blocks(struct img *m)
{
	return sb_field(m, 12, 4);
}

static uint32_t free_inodes(struct img *m)
{
	return sb_field(m, 16, 4);
}

static struct ext2_inode at(struct img *m, const char *path)
{
	struct ext2_walk w;
	struct ext2_inode in;
	int err = ext2_resolve(&m->fs, path, &w);

	if (err)
		fail_msg("resolve %s: %d (%s)", path, err, m->fs.why);
	assert_int_equal(ext2_read_inode(&m->fs, w.ino, &in), 0);
	return in;
}

static int missing(struct img *m, const char *path)
{
	struct ext2_walk w;

	return ext2_resolve(&m->fs, path, &w);
}

/* Make name in the directory at dir (a file, or EXT2_S_IFDIR a directory). */
static int make(struct img *m, const char *dir, const char *name, uint16_t mode,
		struct ext2_inode *out)
{
	struct ext2_inode d = at(m, dir), scratch;

	return ext2_create(&m->fs, &d, name, strlen(name), mode, out ? out : &scratch);
}

static int unlink_at(struct img *m, const char *dir, const char *name, bool rmdir)
{
	struct ext2_inode d = at(m, dir);
	uint32_t gone;
	int err = ext2_unlink(&m->fs, &d, name, strlen(name), rmdir, &gone);

	if (!err && gone)
		assert_int_equal(ext2_evict(&m->fs, gone), 0);
	return err;
}

static int rename_at(struct img *m, const char *fdir, const char *fname, const char *tdir,
		     const char *tname)
{
	uint32_t gone;
	int err = ext2_rename(&m->fs, at(m, fdir).ino, fname, strlen(fname), at(m, tdir).ino,
			      tname, strlen(tname), &gone);

	if (!err && gone)
		assert_int_equal(ext2_evict(&m->fs, gone), 0);
	return err;
}

static void pattern(uint8_t *p, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 7 + i / 4093 + seed);
}

/* Write len bytes of p at off in chunk-byte calls; read them back. */
static void write_all(struct img *m, struct ext2_inode *in, uint64_t off, const uint8_t *p,
		      size_t len, size_t chunk)
{
	uint8_t *got = malloc(len + 1);

	for (size_t done = 0; done < len; done += chunk) {
		size_t n = len - done < chunk ? len - done : chunk;

		assert_int_equal(ext2_write(&m->fs, in, off + done, p + done, n), n);
	}
	assert_int_equal(ext2_read(&m->fs, in, off, got, len), len);
	assert_memory_equal(got, p, len);
	free(got);
}

static void assert_zeros(struct img *m, const struct ext2_inode *in, uint64_t off, size_t len)
{
	uint8_t buf[512];

	for (size_t done = 0, n; done < len; done += n) {
		n = len - done < sizeof(buf) ? len - done : sizeof(buf);
		assert_int_equal(ext2_read(&m->fs, in, off + done, buf, n), n);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(buf[i], 0);
	}
}

/* ---- files ---------------------------------------------------------------------- */

/* state: the image's name */
static void files_written(void **state)
{
	static const char hello[] = "hello, writer\n";
	struct img m;
	struct ext2_inode in;
	uint32_t bs, per;
	size_t big;
	uint8_t *p, x[100];

	NEED_TOOLS();
	open_img(&m, *state);
	bs = m.fs.block_size;
	per = bs / 4;
	assert_int_equal(make(&m, "/", "new.txt", EXT2_S_IFREG | 0644, &in), 0);
	write_all(&m, &in, 0, (const uint8_t *)hello, sizeof(hello) - 1, 100);
	/* past the direct blocks and the single indirect block, in odd chunks */
	big = (size_t)(12 + per + 5) * bs + 123;
	p = malloc(big);
	pattern(p, big, 1);
	assert_int_equal(make(&m, "/dir", "big.dat", EXT2_S_IFREG | 0600, &in), 0);
	write_all(&m, &in, 0, p, big, 5000);
	assert_int_equal(at(&m, "/dir/big.dat").size, big);
	/* i_blocks: data and the single and double indirect blocks, in 512-byte units */
	assert_int_equal(at(&m, "/dir/big.dat").blocks512,
			 ((big + bs - 1) / bs + 1 + 2) * (bs / 512));
	/* holes: data at 5 MiB (double indirect at both sizes) and at 8 GiB (triple) */
	memset(x, 'X', sizeof(x));
	assert_int_equal(make(&m, "/", "holes", EXT2_S_IFREG | 0644, &in), 0);
	write_all(&m, &in, (5 << 20) + 10, x, sizeof(x), 100);
	assert_zeros(&m, &in, 0, 512);
	assert_zeros(&m, &in, (5 << 20) - 502, 512);
	assert_int_equal(make(&m, "/", "far", EXT2_S_IFREG | 0644, &in), 0);
	write_all(&m, &in, 8ull << 30, x, 1, 1);
	write_all(&m, &in, 3, x, 2, 2);
	assert_int_equal(in.size, (8ull << 30) + 1);
	assert_zeros(&m, &in, (8ull << 30) - 512, 512);
	assert_zeros(&m, &in, 5, 512);
	save(&m, true);
	assert_int_equal(fsck(&m, false), 0);
	cat_is(&m, "/new.txt", (const uint8_t *)hello, sizeof(hello) - 1);
	cat_is(&m, "/dir/big.dat", p, big);
	{
		uint8_t *h = calloc(1, (5 << 20) + 110);

		memset(h + (5 << 20) + 10, 'X', 100);
		cat_is(&m, "/holes", h, (5 << 20) + 110);
		free(h);
	}
	free(p);
	close_img(&m);
}

static void truncate_append(void **state)
{
	struct img m;
	struct ext2_inode in;
	uint32_t fb, fi, bs;
	uint8_t p[3 * 4096 + 100], want[3 * 4096 + 100];

	(void)state;
	NEED_TOOLS();
	open_img(&m, "ext2-1k.img");
	bs = m.fs.block_size;
	fb = free_blocks(&m);
	fi = free_inodes(&m);
	assert_int_equal(make(&m, "/", "t", EXT2_S_IFREG | 0644, &in), 0);
	pattern(p, 3 * bs + 100, 3);
	write_all(&m, &in, 0, p, 3 * bs + 100, 700);
	assert_int_equal(ext2_truncate(&m.fs, &in, bs + 10), 0);
	assert_int_equal(in.size, bs + 10);
	assert_int_equal(in.blocks512, 2 * bs / 512);
	assert_int_equal(ext2_truncate(&m.fs, &in, 3 * bs), 0);	/* grown: zeros */
	assert_zeros(&m, &in, bs + 10, bs - 10);
	assert_zeros(&m, &in, 2 * bs, 512);
	/* an append: at the size */
	write_all(&m, &in, in.size, (const uint8_t *)"end", 3, 3);
	memcpy(want, p, bs + 10);
	memset(want + bs + 10, 0, 2 * bs - 10);
	memcpy(want + 3 * bs, "end", 3);
	/* past the 12 direct blocks and back */
	{
		struct ext2_inode t2;
		uint8_t *q = malloc(20 * bs);

		pattern(q, 20 * bs, 9);
		assert_int_equal(make(&m, "/", "t2", EXT2_S_IFREG | 0644, &t2), 0);
		write_all(&m, &t2, 0, q, 20 * bs, 3000);
		assert_int_equal(ext2_truncate(&m.fs, &t2, 11 * bs + 1), 0);
		assert_int_equal(t2.blocks512, 12 * bs / 512);	/* the indirect block freed */
		assert_int_equal(t2.block[12], 0);
		assert_int_equal(ext2_truncate(&m.fs, &t2, 0), 0);
		assert_int_equal(t2.blocks512, 0);
		assert_int_equal(unlink_at(&m, "/", "t2", false), 0);
		free(q);
	}
	save(&m, true);
	assert_int_equal(fsck(&m, false), 0);
	cat_is(&m, "/t", want, 3 * bs + 3);
	/* unlinked: the counts as before */
	assert_int_equal(remount(&m), 0);
	assert_int_equal(unlink_at(&m, "/", "t", false), 0);
	assert_int_equal(free_blocks(&m), fb);
	assert_int_equal(free_inodes(&m), fi);
	save(&m, true);
	assert_int_equal(fsck(&m, false), 0);
	close_img(&m);
}

/* ---- names ---------------------------------------------------------------------- */

static void directories(void **state)
{
	struct img m;
	struct ext2_inode in;
	uint32_t fb, fi, root_links;
	char name[300];

	(void)state;
	NEED_TOOLS();
	open_img(&m, "ext2-4k.img");
	fb = free_blocks(&m);
	fi = free_inodes(&m);
	root_links = at(&m, "/").links;
	assert_int_equal(make(&m, "/", "d", EXT2_S_IFDIR | 0755, NULL), 0);
	assert_int_equal(at(&m, "/").links, root_links + 1);
	assert_int_equal(at(&m, "/d").links, 2);
	assert_int_equal(make(&m, "/d", "e", EXT2_S_IFDIR | 0755, NULL), 0);
	assert_int_equal(at(&m, "/d").links, 3);
	assert_int_equal(make(&m, "/d/e", "f", EXT2_S_IFREG | 0644, &in), 0);
	assert_int_equal(ext2_write(&m.fs, &in, 0, "f data", 6), 6);
	assert_int_equal(at(&m, "/d/e/..").ino, at(&m, "/d").ino);
	assert_int_equal(make(&m, "/d", "e", EXT2_S_IFREG, NULL), -EEXIST);
	memset(name, 'n', sizeof(name));
	name[256] = 0;
	assert_int_equal(make(&m, "/d", name, EXT2_S_IFREG, NULL), -ENAMETOOLONG);
	name[255] = 0;
	assert_int_equal(make(&m, "/d", name, EXT2_S_IFREG, NULL), 0);	/* 255: fine */
	assert_int_equal(unlink_at(&m, "/d", name, false), 0);
	assert_int_equal(unlink_at(&m, "/", "d", true), -ENOTEMPTY);
	assert_int_equal(unlink_at(&m, "/", "d", false), -EISDIR);
	assert_int_equal(unlink_at(&m, "/d/e", "f", true), -ENOTDIR);
	assert_int_equal(unlink_at(&m, "/d/e", "nothing", false), -ENOENT);
	/* rename: into itself, across directories (".." follows), in one, replacing */
	assert_int_equal(rename_at(&m, "/", "d", "/d/e", "x"), -EINVAL);
	assert_int_equal(rename_at(&m, "/", "d", "/d", "x"), -EINVAL);
	assert_int_equal(rename_at(&m, "/d", "e", "/", "e2"), 0);
	assert_int_equal(missing(&m, "/d/e"), -ENOENT);
	assert_int_equal(at(&m, "/e2/..").ino, EXT2_ROOT_INO);
	assert_int_equal(at(&m, "/d").links, 2);
	assert_int_equal(at(&m, "/").links, root_links + 2);
	assert_int_equal(rename_at(&m, "/e2", "f", "/e2", "g"), 0);
	assert_int_equal(make(&m, "/", "x", EXT2_S_IFREG | 0644, &in), 0);
	assert_int_equal(ext2_write(&m.fs, &in, 0, "old x", 5), 5);
	assert_int_equal(rename_at(&m, "/e2", "g", "/", "x"), 0);	/* replaces x */
	assert_int_equal(at(&m, "/x").size, 6);
	assert_int_equal(rename_at(&m, "/", "x", "/", "x"), 0);
	assert_int_equal(rename_at(&m, "/", "x", "/", "d"), -EISDIR);
	assert_int_equal(make(&m, "/d", "y", EXT2_S_IFREG | 0644, NULL), 0);
	assert_int_equal(rename_at(&m, "/", "e2", "/", "d"), -ENOTEMPTY);
	assert_int_equal(rename_at(&m, "/", "e2", "/", "x"), -ENOTDIR);
	assert_int_equal(unlink_at(&m, "/d", "y", false), 0);
	assert_int_equal(rename_at(&m, "/", "e2", "/", "d"), 0);	/* over an empty dir */
	assert_int_equal(at(&m, "/").links, root_links + 1);
	assert_int_equal(rename_at(&m, "/", "x", "/d", "x"), 0);
	save(&m, true);
	assert_int_equal(fsck(&m, false), 0);
	cat_is(&m, "/d/x", (const uint8_t *)"f data", 6);
	/* all gone: the counts as before */
	assert_int_equal(remount(&m), 0);
	assert_int_equal(unlink_at(&m, "/d", "x", false), 0);
	assert_int_equal(unlink_at(&m, "/", "d", true), 0);
	assert_int_equal(at(&m, "/").links, root_links);
	assert_int_equal(free_blocks(&m), fb);
	assert_int_equal(free_inodes(&m), fi);
	save(&m, true);
	assert_int_equal(fsck(&m, false), 0);
	close_img(&m);
}

static void many_names(void **state)
{
	struct img m;
	struct ext2_inode in;
	char name[64], text[16];

	(void)state;
	NEED_TOOLS();
	open_img(&m, "ext2-1k.img");
	assert_int_equal(make(&m, "/", "lots", EXT2_S_IFDIR | 0755, NULL), 0);
	for (int i = 0; i < 400; i++) {
		snprintf(name, sizeof(name), "a-file-with-a-long-enough-name-%03d", i);
		snprintf(text, sizeof(text), "%d\n", i);
		assert_int_equal(make(&m, "/lots", name, EXT2_S_IFREG | 0644, &in), 0);
		assert_int_equal(ext2_write(&m.fs, &in, 0, text, strlen(text)), strlen(text));
	}
	assert_true(at(&m, "/lots").size > 10 * m.fs.block_size);
	for (int i = 0; i < 400; i += 2) {
		snprintf(name, sizeof(name), "a-file-with-a-long-enough-name-%03d", i);
		assert_int_equal(unlink_at(&m, "/lots", name, false), 0);
	}
	for (int i = 0; i < 100; i++) {		/* into the freed room */
		snprintf(name, sizeof(name), "again-%d", i);
		assert_int_equal(make(&m, "/lots", name, EXT2_S_IFREG | 0644, NULL), 0);
	}
	for (int i = 1; i < 400; i += 2) {
		snprintf(name, sizeof(name), "/lots/a-file-with-a-long-enough-name-%03d", i);
		assert_int_equal(at(&m, name).size, strlen(text) - (i < 100 ? 1 : 0) - (i < 10));
	}
	save(&m, true);
	assert_int_equal(fsck(&m, false), 0);
	cat_is(&m, "/lots/a-file-with-a-long-enough-name-399", (const uint8_t *)"399\n", 4);
	close_img(&m);
}

/* ---- limits ------------------------------------------------------------------- */

static void no_space(void **state)
{
	struct img m;
	struct ext2_inode in;
	uint32_t fb, fi;
	uint8_t buf[3000];
	int64_t r;
	uint64_t off = 0;
	char name[16];
	int n = 0, err;

	(void)state;
	NEED_TOOLS();
	open_img(&m, "ext2-tiny.img");
	fb = free_blocks(&m);
	fi = free_inodes(&m);
	assert_int_equal(make(&m, "/", "fill", EXT2_S_IFREG | 0644, &in), 0);
	pattern(buf, sizeof(buf), 5);
	while ((r = ext2_write(&m.fs, &in, off, buf, sizeof(buf))) == (int64_t)sizeof(buf))
		off += (uint64_t)r;
	assert_true(r > 0 || r == -ENOSPC);	/* short, or nothing at all fitted */
	if (r > 0)
		off += (uint64_t)r;
	assert_int_equal(in.size, off);
	assert_int_equal(free_blocks(&m), 0);
	assert_int_equal(ext2_write(&m.fs, &in, off, buf, 1), -ENOSPC);
	assert_int_equal(make(&m, "/", "d", EXT2_S_IFDIR | 0755, NULL), -ENOSPC);
	assert_int_equal(free_inodes(&m), fi - 1);	/* the directory's inode given back */
	save(&m, true);
	assert_int_equal(fsck(&m, false), 0);
	assert_int_equal(remount(&m), 0);
	assert_int_equal(unlink_at(&m, "/", "fill", false), 0);
	assert_int_equal(free_blocks(&m), fb);
	/* inodes run out */
	while ((err = make(&m, "/", (snprintf(name, sizeof(name), "f%d", n), name),
			   EXT2_S_IFREG | 0644, NULL)) == 0)
		n++;
	assert_int_equal(err, -ENOSPC);
	assert_int_equal(n, (int)fi);
	assert_int_equal(free_inodes(&m), 0);
	save(&m, true);
	assert_int_equal(fsck(&m, false), 0);
	assert_int_equal(remount(&m), 0);
	while (n--) {
		snprintf(name, sizeof(name), "f%d", n);
		assert_int_equal(unlink_at(&m, "/", name, false), 0);
	}
	assert_int_equal(free_inodes(&m), fi);
	save(&m, true);
	assert_int_equal(fsck(&m, false), 0);
	close_img(&m);
}

static void too_big(void **state)
{
	struct img m;
	struct ext2_inode in;
	uint64_t max;

	(void)state;
	NEED_TOOLS();
	open_img(&m, "ext2-1k.img");
	max = ext2_max_size(&m.fs);	/* 1 KiB blocks: the triple indirect block's reach */
	assert_int_equal(max, (12ull + 256 + 256 * 256 + 256ull * 256 * 256) * 1024);
	assert_int_equal(make(&m, "/", "huge", EXT2_S_IFREG | 0644, &in), 0);
	assert_int_equal(ext2_write(&m.fs, &in, max, "x", 1), -EFBIG);
	assert_int_equal(ext2_write(&m.fs, &in, max - 1, "xy", 2), 1);	/* up to the limit */
	assert_int_equal(in.size, max);
	assert_int_equal(ext2_truncate(&m.fs, &in, max + 1), -EFBIG);
	assert_int_equal(ext2_truncate(&m.fs, &in, 0), 0);
	save(&m, true);
	assert_int_equal(fsck(&m, false), 0);
	close_img(&m);
}

/* An image with a feature the writer does not keep is mounted read-only, saying why. */
static void read_only_features(void **state)
{
	struct img m;

	(void)state;
	m.b = fixture_blob("ext2-4k.img");
	m.b.data[1024 + 100] |= 0x10;		/* gdt_csum: the reader accepts it */
	assert_int_equal(remount(&m), 0);
	assert_false(ext2_writable(&m.fs));
	assert_non_null(m.fs.ro_why);
	assert_int_equal(make(&m, "/", "x", EXT2_S_IFREG, NULL), -EROFS);
	free(m.b.data);
}

/* ---- the state flag, and a crash ------------------------------------------------ */

static void clean_state(void **state)
{
	struct img m;

	(void)state;
	NEED_TOOLS();
	open_img(&m, "ext2-4k.img");
	assert_int_equal(sb_field(&m, 58, 2) & 1, 0);	/* mounted read-write: not clean */
	assert_int_equal(make(&m, "/", "a", EXT2_S_IFREG | 0644, NULL), 0);
	save(&m, true);
	assert_int_equal(m.b.data[1024 + 58] & 1, 1);	/* clean */
	assert_false(ext2_writable(&m.fs));
	assert_int_equal(fsck(&m, false), 0);
	close_img(&m);
}

/*
 * Operations synced but never unmounted (a crash after a sync): s_state
 * says not clean, which e2fsck -fn reports; the structures themselves are
 * whole, so it finds nothing else and exits 0 (-n: nothing changed).
 */
static void crash_after_sync(void **state)
{
	struct img m;
	struct ext2_inode in;
	uint8_t p[50000];

	(void)state;
	NEED_TOOLS();
	open_img(&m, "ext2-1k.img");
	pattern(p, sizeof(p), 7);
	assert_int_equal(make(&m, "/", "c", EXT2_S_IFDIR | 0755, NULL), 0);
	assert_int_equal(make(&m, "/c", "f", EXT2_S_IFREG | 0644, &in), 0);
	write_all(&m, &in, 0, p, sizeof(p), 4096);
	assert_int_equal(unlink_at(&m, "/", "hello.txt", false), 0);
	save(&m, false);
	assert_int_equal(m.b.data[1024 + 58] & 1, 0);
	print_message("e2fsck -fn after a crash (synced, not unmounted):\n");
	assert_int_equal(fsck(&m, true), 0);
	cat_is(&m, "/c/f", p, sizeof(p));
	close_img(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_prestate(files_written, "ext2-4k.img"),
		cmocka_unit_test_prestate(files_written, "ext2-1k.img"),
		cmocka_unit_test(truncate_append),
		cmocka_unit_test(directories),
		cmocka_unit_test(many_names),
		cmocka_unit_test(no_space),
		cmocka_unit_test(too_big),
		cmocka_unit_test(read_only_features),
		cmocka_unit_test(clean_state),
		cmocka_unit_test(crash_after_sync),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
