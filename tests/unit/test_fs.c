/*
 * The fs server's logic (servers/fs) on the host: requests served by
 * fs_serve against the unit fixtures: / is the ext2-4k image through the
 * block cache, /boot the bootfs fixture, /tmp a tmpfs, /dev the devfs.
 * Checks the path walk, tmpfs, descriptions shared by dup and fork, pipes
 * with parked readers and writers, the console's line editor and its
 * parked reads, the errors each request gives, and file mappings: the
 * pager's events answered (the answers and the page cache's frames
 * stubbed below), read and write through cached pages, writeback.
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
#include <faultline/pager.h>

#include "bcache.h"
#include "ext2_write.h"
#include "backend.h"
#include "devfs.h"
#include "file.h"
#include "mapobj.h"
#include "park.h"
#include "pipe.h"
#include "fixture.h"

/* ---- the stubs of main.c ---- */

static struct {
	int reply;
	int64_t result;
	char data[FL_FS_IO_MAX];
	size_t len;
	unsigned count, dropped;
} late;
static char console[8192];
static size_t console_len;

void fs_reply_later(int reply, int64_t result, const void *data, size_t len)
{
	late.reply = reply;
	late.result = result;
	late.len = len;
	if (len)
		memcpy(late.data, data, len);
	late.count++;
}

void fs_reply_drop(int reply)
{
	(void)reply;
	late.dropped++;
}

void console_out(const void *buf, size_t len)
{
	if (len > sizeof(console) - console_len)
		len = sizeof(console) - console_len;
	memcpy(console + console_len, buf, len);
	console_len += len;
}

/* ---- the stubs of mapsys.c: frames are host pages, answers are kept ---- */

static struct {
	uint64_t token;
	int64_t result;
	uint64_t size;
	int frame;
	uint64_t page;
	unsigned count;
	bool may_write;
} mapped, paged, execd;		/* execd: FL_PAGER_FS_EXEC's */
static unsigned frames_live;
static int next_frame = 500;
static bool frames_fail;

int mapsys_frame_new(uint8_t **data, int *frame)
{
	if (frames_fail || !(*data = aligned_alloc(PC_PAGE, PC_PAGE)))
		return -ENOMEM;
	memset(*data, 0xa5, PC_PAGE);	/* the page cache must fill every byte */
	*frame = next_frame++;
	frames_live++;
	return 0;
}

void mapsys_frame_free(uint8_t *data, int frame)
{
	(void)frame;
	free(data);
	frames_live--;
}

void mapsys_mapped(uint64_t token, int64_t result, uint64_t size, bool may_write)
{
	mapped.may_write = may_write;
	mapped.token = token;
	mapped.result = result;
	mapped.size = size;
	mapped.count++;
}

static struct {
	int64_t id;
	uint64_t size;
	unsigned count;
} truncated;

static struct {
	uint64_t token;
	int64_t result;
	unsigned count;
} synced;

void mapsys_synced(uint64_t token, int64_t result)
{
	synced.token = token;
	synced.result = result;
	synced.count++;
}

void mapsys_truncated(int64_t id, uint64_t size)
{
	truncated.id = id;
	truncated.size = size;
	truncated.count++;
}

/*
 * The pager's side of the budget: the dirty bits a mapping's stores set
 * (store() below), read and cleared by FL_PAGER_FS_DIRTY (three pages an
 * answer, to make the server ask again) and FL_PAGER_FS_EVICT, which logs
 * the pages evicted in order.
 */
static struct {
	int64_t id;
	uint64_t page;
} bits[64], evicted[64];
static unsigned nbits, nevicted;
static int64_t evict_refusal;		/* non-zero: FL_PAGER_FS_EVICT's answer */

static bool bit_take(int64_t id, uint64_t page)
{
	for (unsigned i = 0; i < nbits; i++)
		if (bits[i].id == id && bits[i].page == page) {
			bits[i] = bits[--nbits];
			return true;
		}
	return false;
}

int64_t mapsys_evict(int64_t id, uint64_t index)
{
	if (evict_refusal)
		return evict_refusal;
	assert_true(nevicted < 64);
	evicted[nevicted].id = id;
	evicted[nevicted++].page = index;
	return bit_take(id, index);
}

int64_t mapsys_dirty(int64_t id, uint64_t *pages, unsigned max, bool *more)
{
	unsigned n = 0;

	*more = false;
	for (unsigned i = 0; i < nbits;) {
		if (bits[i].id != id) {
			i++;
		} else if (n == max || n == 3) {
			*more = true;
			break;
		} else {
			pages[n++] = bits[i].page;
			bits[i] = bits[--nbits];
		}
	}
	return n;
}

static const void *boot_archive;	/* the bootfs fixture, mounted at /boot */

void mapsys_frame(uint32_t label, uint64_t token, int64_t result, uint64_t size, int frame,
		  uint64_t page)
{
	__typeof__(paged) *a = label == FL_PAGER_FS_EXEC ? &execd : &paged;

	a->token = token;
	a->result = result;
	a->size = size;
	a->frame = result < 0 ? -1 : frame;
	a->page = page;
	a->count++;
}

/* ---- requests ---- */

static struct answer ans;

static int64_t call(int pid, uint32_t label, uint64_t w0, uint64_t w1, uint64_t w2,
		    const void *in, size_t in_len)
{
	struct request rq = { pid, 1000 + (int)late.count, label, { w0, w1, w2, 0 }, in, in_len };

	fs_serve(&rq, &ans);
	return ans.w[0];
}

static int64_t path_call(int pid, uint32_t label, const char *path, uint64_t w0, uint64_t w1)
{
	return call(pid, label, w0, w1, 0, path, strlen(path) + 1);
}

static int64_t op_open(int pid, const char *path, int flags)
{
	return path_call(pid, FL_FS_OPEN, path, (uint64_t)flags, 0644);
}

static int64_t op_write(int pid, int64_t fd, const char *s)
{
	return call(pid, FL_FS_WRITE, (uint64_t)fd, strlen(s), 0, s, strlen(s));
}

static int64_t op_read(int pid, int64_t fd, size_t len)
{
	return call(pid, FL_FS_READ, (uint64_t)fd, len, 0, NULL, 0);
}

static int64_t op_lseek(int pid, int64_t fd, int64_t off, int whence)
{
	return call(pid, FL_FS_LSEEK, (uint64_t)fd, (uint64_t)off, (uint64_t)whence, NULL, 0);
}

static struct fl_stat stat_of(int pid, const char *path)
{
	struct fl_stat st;

	assert_int_equal(path_call(pid, FL_FS_STAT, path, 0, 0), 0);
	assert_int_equal(ans.out_len, sizeof(st));
	memcpy(&st, ans.out, sizeof(st));
	return st;
}

static int64_t walk_err(const char *path)
{
	return path_call(1, FL_FS_STAT, path, 0, 0);
}

/* ---- the mounts, made once ---- */

static struct bcache cache;
static struct blob disk;
static struct ext2_fs fs;

static int mem_fill(void *ctx, uint64_t no, void *buf, size_t len)
{
	(void)ctx;
	memcpy(buf, disk.data + no * BCACHE_BLOCK, len);
	return 0;
}

static int setup(void **state)
{
	static struct blob boot;
	const char *why = NULL;
	struct ext2_dev dev = { bcache_read, &cache, 0, NULL, NULL };
	struct node *b;

	(void)state;
	disk = fixture_blob("ext2-4k.img");
	boot = fixture_blob("bootfs.cpio");
	boot_archive = boot.data;
	bcache_init(&cache, mem_fill, NULL, NULL, disk.len);
	dev.size = disk.len;
	if (ext2_mount(&fs, &dev))
		return -1;
	b = bootfs_mount(boot.data, boot.len, &why);
	if (!b || vfs_mount("/", ext2fs_root(&fs)) || vfs_mount("boot", b) ||
	    vfs_mount("dev", devfs_new()) || vfs_mount("tmp", tmpfs_new()))
		return -1;
	for (int pid = 1; pid <= 3; pid++)
		if (proc_spawn(pid, 0))
			return -1;
	return 0;
}

/* ---- the path walk ---- */

static void walk_paths(void **state)
{
	struct fl_stat st;

	(void)state;
	st = stat_of(1, "/dir/sub/deeper/file.txt");
	assert_int_equal(st.dev, FL_FS_DEV_EXT2);
	assert_int_equal(st.mode & S_IFMT, S_IFREG);
	assert_int_equal(stat_of(1, "//dir/./sub//deeper/../deeper/file.txt").ino, st.ino);
	assert_int_equal(stat_of(1, "dir/sub/deeper/file.txt").ino, st.ino);	/* from the root */
	assert_int_equal(stat_of(1, "/link").ino, st.ino);			/* followed */
	assert_int_equal(stat_of(1, "/..").ino, 2);
	assert_int_equal(stat_of(1, "/boot/a.txt").size, 10);
	assert_int_equal(stat_of(1, "/boot/sub/c.bin").size, 8192);
	assert_int_equal(stat_of(1, "/boot/sub/../sub/b.bin").dev, FL_FS_DEV_BOOTFS);
	assert_int_equal(stat_of(1, "/boot/..").ino, 2);		/* a mount's ".." */
	assert_int_equal(stat_of(1, "/tmp/../boot/a.txt").size, 10);
	assert_int_equal(stat_of(1, "/dev/null").mode & S_IFMT, S_IFCHR);
	assert_int_equal(stat_of(1, "/tmp").dev, FL_FS_DEV_TMPFS);
	assert_int_equal(walk_err("/nothing"), -ENOENT);
	assert_int_equal(walk_err("/boot/a.txt/x"), -ENOTDIR);
	assert_int_equal(walk_err("/boot/a.txt/"), -ENOTDIR);
	assert_int_equal(walk_err(""), -ENOENT);
}

static void walk_limits(void **state)
{
	char name[300], path[FL_FS_PATH_MAX + 8];

	(void)state;
	memset(name, 'n', sizeof(name));
	name[0] = '/';
	name[FL_FS_NAME_MAX + 2] = 0;		/* a 256-byte name */
	assert_int_equal(walk_err(name), -ENAMETOOLONG);
	name[FL_FS_NAME_MAX + 1] = 0;		/* 255: just a missing name */
	assert_int_equal(walk_err(name), -ENOENT);
	for (size_t i = 0; i < sizeof(path); i += 2)
		memcpy(path + i, "/.", 2);
	path[FL_FS_PATH_MAX] = 0;		/* 1024 bytes and its NUL: too long */
	assert_int_equal(walk_err(path), -ENAMETOOLONG);
	path[FL_FS_PATH_MAX - 2] = 0;
	assert_int_equal(walk_err(path), 0);
	/* no NUL in what came */
	assert_int_equal(call(1, FL_FS_STAT, 0, 0, 0, "abc", 3), -EINVAL);
	assert_int_equal(call(1, FL_FS_OPEN, 0, 0, 0, NULL, 0), -EINVAL);
	/* stat's flags: FL_FS_NOFOLLOW only */
	assert_int_equal(path_call(1, FL_FS_STAT, "/", FL_FS_NOFOLLOW, 0), 0);
	assert_int_equal(path_call(1, FL_FS_STAT, "/", 2, 0), -EINVAL);
}

static void ext2_files(void **state)
{
	int64_t fd = op_open(1, "/link", O_RDONLY);

	(void)state;
	assert_true(fd >= 3);
	assert_true(op_read(1, fd, 100) > 0);
	assert_int_equal(op_write(1, fd, "x"), -EBADF);
	assert_int_equal(path_call(1, FL_FS_CLOSE, "", (uint64_t)fd, 0), 0);
	assert_int_equal(op_open(1, "/link", O_RDWR), -EROFS);
	assert_int_equal(op_open(1, "/newfile", O_RDWR | O_CREAT), -EROFS);
	assert_int_equal(op_open(1, "/dir", O_RDWR), -EISDIR);
	assert_int_equal(path_call(1, FL_FS_MKDIR, "/dir", 0755, 0), -EEXIST);
	assert_int_equal(path_call(1, FL_FS_MKDIR, "/newdir", 0755, 0), -EROFS);
	assert_int_equal(path_call(1, FL_FS_UNLINK, "/link", 0, 0), -EROFS);
	assert_int_equal(path_call(1, FL_FS_UNLINK, "/nothing", 0, 0), -ENOENT);
	assert_int_equal(path_call(1, FL_FS_RMDIR, "/tmp", 0, 0), -EBUSY);
	assert_int_equal(path_call(1, FL_FS_UNLINK, "/boot/a.txt", 0, 0), -EROFS);
	assert_true(cache.hits > 0);
}

/* ---- tmpfs ---- */

static void tmpfs_files(void **state)
{
	int64_t fd, fd2;

	(void)state;
	assert_int_equal(path_call(1, FL_FS_MKDIR, "/tmp/t1", 0755, 0), 0);
	assert_int_equal(path_call(1, FL_FS_MKDIR, "/tmp/t1", 0755, 0), -EEXIST);
	fd = op_open(1, "/tmp/t1/f", O_RDWR | O_CREAT);
	assert_true(fd >= 3);
	assert_int_equal(op_open(1, "/tmp/t1/f", O_RDWR | O_CREAT | O_EXCL), -EEXIST);
	assert_int_equal(op_write(1, fd, "hello world"), 11);
	assert_int_equal(op_lseek(1, fd, 0, SEEK_CUR), 11);
	assert_int_equal(op_lseek(1, fd, 6, SEEK_SET), 6);
	assert_int_equal(op_read(1, fd, 100), 5);
	assert_memory_equal(ans.out, "world", 5);
	assert_int_equal(op_read(1, fd, 100), 0);
	assert_int_equal(op_lseek(1, fd, -1, SEEK_SET), -EINVAL);
	assert_int_equal(op_lseek(1, fd, 0, 7), -EINVAL);
	assert_int_equal(op_lseek(1, fd, -2, SEEK_END), 9);
	/* pwrite past the end: a hole of zeros, the offset untouched */
	assert_int_equal(call(1, FL_FS_PWRITE, (uint64_t)fd, 2, 20, "zz", 2), 2);
	assert_int_equal(stat_of(1, "/tmp/t1/f").size, 22);
	assert_int_equal(call(1, FL_FS_PREAD, (uint64_t)fd, 5, 10, NULL, 0), 5);
	assert_memory_equal(ans.out, "d\0\0\0\0", 5);
	assert_int_equal(call(1, FL_FS_PREAD, (uint64_t)fd, 5, (uint64_t)-1, NULL, 0), -EINVAL);
	assert_int_equal(op_lseek(1, fd, 0, SEEK_CUR), 9);
	assert_int_equal(call(1, FL_FS_FTRUNCATE, (uint64_t)fd, 5, 0, NULL, 0), 0);
	assert_int_equal(stat_of(1, "/tmp/t1/f").size, 5);
	assert_int_equal(call(1, FL_FS_FTRUNCATE, (uint64_t)fd, (uint64_t)-1, 0, NULL, 0), -EINVAL);
	assert_int_equal(call(1, FL_FS_FSYNC, (uint64_t)fd, 0, 0, NULL, 0), 0);
	/* O_APPEND and O_TRUNC */
	fd2 = op_open(1, "/tmp/t1/f", O_WRONLY | O_APPEND);
	assert_int_equal(op_write(1, fd2, "!!"), 2);
	assert_int_equal(stat_of(1, "/tmp/t1/f").size, 7);
	assert_int_equal(op_read(1, fd2, 1), -EBADF);
	assert_int_equal(call(1, FL_FS_CLOSE, (uint64_t)fd2, 0, 0, NULL, 0), 0);
	assert_int_equal(call(1, FL_FS_CLOSE, (uint64_t)fd2, 0, 0, NULL, 0), -EBADF);
	fd2 = op_open(1, "/tmp/t1/f", O_WRONLY | O_TRUNC);
	assert_int_equal(stat_of(1, "/tmp/t1/f").size, 0);
	call(1, FL_FS_CLOSE, (uint64_t)fd2, 0, 0, NULL, 0);
	/* unlinked while open: still readable and writable through fd, gone by name */
	assert_int_equal(op_write(1, fd, "abc"), 3);
	assert_int_equal(path_call(1, FL_FS_UNLINK, "/tmp/t1/f", 0, 0), 0);
	assert_int_equal(walk_err("/tmp/t1/f"), -ENOENT);
	assert_int_equal(call(1, FL_FS_PREAD, (uint64_t)fd, 10, 9, NULL, 0), 3);
	assert_int_equal(call(1, FL_FS_CLOSE, (uint64_t)fd, 0, 0, NULL, 0), 0);
	assert_int_equal(tmpfs_bytes(), 0);		/* freed with its last reference */
	/* directories */
	assert_int_equal(op_open(1, "/tmp/t1", O_RDWR), -EISDIR);
	assert_int_equal(op_open(1, "/tmp/t1/f", O_RDONLY), -ENOENT);
	assert_int_equal(op_open(1, "/boot/a.txt", O_RDONLY | O_DIRECTORY), -ENOTDIR);
	assert_int_equal(op_open(1, "/tmp/none/f", O_RDWR | O_CREAT), -ENOENT);
	assert_int_equal(path_call(1, FL_FS_MKDIR, "/tmp/t1/d", 0755, 0), 0);
	fd = op_open(1, "/tmp/t1/d/g", O_RDWR | O_CREAT);
	assert_int_equal(path_call(1, FL_FS_RMDIR, "/tmp/t1", 0, 0), -ENOTEMPTY);
	assert_int_equal(path_call(1, FL_FS_RMDIR, "/tmp/t1/d/g", 0, 0), -ENOTDIR);
	assert_int_equal(path_call(1, FL_FS_UNLINK, "/tmp/t1/d", 0, 0), -EISDIR);
	assert_int_equal(path_call(1, FL_FS_RMDIR, "/tmp/t1/d/.", 0, 0), -EINVAL);
	assert_int_equal(stat_of(1, "/tmp/t1").nlink, 3);
	call(1, FL_FS_CLOSE, (uint64_t)fd, 0, 0, NULL, 0);
}

static int64_t op_rename(const char *from, const char *to)
{
	char buf[256];
	size_t a = strlen(from) + 1, b = strlen(to) + 1;

	memcpy(buf, from, a);
	memcpy(buf + a, to, b);
	return call(1, FL_FS_RENAME, 0, 0, 0, buf, a + b);
}

static void tmpfs_rename(void **state)
{
	(void)state;
	assert_int_equal(path_call(1, FL_FS_MKDIR, "/tmp/r", 0755, 0), 0);
	assert_int_equal(path_call(1, FL_FS_MKDIR, "/tmp/r/d", 0755, 0), 0);
	call(1, FL_FS_CLOSE, (uint64_t)op_open(1, "/tmp/r/a", O_RDWR | O_CREAT), 0, 0, NULL, 0);
	call(1, FL_FS_CLOSE, (uint64_t)op_open(1, "/tmp/r/b", O_RDWR | O_CREAT), 0, 0, NULL, 0);
	assert_int_equal(op_rename("/tmp/r/a", "/tmp/r/b"), 0);	/* replaces b */
	assert_int_equal(walk_err("/tmp/r/a"), -ENOENT);
	assert_int_equal(op_rename("/tmp/r/b", "/tmp/r/d/c"), 0);
	assert_int_equal(walk_err("/tmp/r/d/c"), 0);
	assert_int_equal(op_rename("/tmp/r/d", "/tmp/r/d/e"), -EINVAL);	/* into itself */
	assert_int_equal(op_rename("/tmp/r/d/c", "/tmp/r/d"), -EISDIR);
	assert_int_equal(op_rename("/tmp/r/none", "/tmp/r/x"), -ENOENT);
	assert_int_equal(op_rename("/tmp/r/d/c", "/boot/c"), -EXDEV);
	assert_int_equal(op_rename("/tmp", "/tmp2"), -EBUSY);
	assert_int_equal(op_rename("/boot/a.txt", "/boot/b.txt"), -EROFS);
	assert_int_equal(op_rename("/tmp/r/d", "/tmp/r/e"), 0);
	assert_int_equal(walk_err("/tmp/r/e/c"), 0);
	assert_int_equal(call(1, FL_FS_RENAME, 0, 0, 0, "/tmp/r/e", 9), -EINVAL);	/* one string */
}

static void readdir_records(void **state)
{
	int64_t fd = op_open(1, "/", O_RDONLY | O_DIRECTORY);
	bool seen_tmp = false, seen_dir = false, seen_dot = false;
	int64_t n;

	(void)state;
	assert_int_equal(call(1, FL_FS_READDIR, (uint64_t)fd, 8, 0, NULL, 0), -EINVAL);
	while ((n = call(1, FL_FS_READDIR, (uint64_t)fd, 64, 0, NULL, 0)) > 0) {
		for (size_t at = 0; at < (size_t)n;) {
			struct fl_dirent *e = (struct fl_dirent *)(ans.out + at);

			assert_int_equal(e->reclen % 8, 0);
			assert_int_equal(strlen(e->name), e->namelen);
			seen_tmp |= !strcmp(e->name, "tmp") && e->type == FL_DT_DIR;
			seen_dir |= !strcmp(e->name, "dir");
			seen_dot |= !strcmp(e->name, ".");
			at += e->reclen;
		}
	}
	assert_int_equal(n, 0);
	assert_true(seen_tmp && seen_dir && seen_dot);
	assert_int_equal(op_lseek(1, fd, 0, SEEK_SET), 0);	/* rewinds */
	assert_true(call(1, FL_FS_READDIR, (uint64_t)fd, 4096, 0, NULL, 0) > 0);
	assert_int_equal(op_read(1, fd, 10), -EISDIR);
	assert_int_equal(call(1, FL_FS_READDIR, 0, 4096, 0, NULL, 0), -ENOTDIR);
	call(1, FL_FS_CLOSE, (uint64_t)fd, 0, 0, NULL, 0);
}

/* ---- descriptors ---- */

static void descriptors(void **state)
{
	int64_t fd, d;

	(void)state;
	assert_int_equal(call(99, FL_FS_CLOSE, 0, 0, 0, NULL, 0), -ESRCH);
	assert_int_equal(call(1, 999, 0, 0, 0, NULL, 0), -ENOSYS);
	assert_int_equal(call(1, FL_FS_CLOSE, 64, 0, 0, NULL, 0), -EBADF);
	assert_int_equal(call(1, FL_FS_CLOSE, (uint64_t)-1, 0, 0, NULL, 0), -EBADF);
	fd = op_open(1, "/boot/sub/b.bin", O_RDONLY);
	d = call(1, FL_FS_DUP, (uint64_t)fd, 0, 0, NULL, 0);
	assert_int_equal(d, fd + 1);
	assert_int_equal(op_read(1, fd, 100), 100);
	assert_int_equal(op_lseek(1, d, 0, SEEK_CUR), 100);	/* one description */
	/* fork: the child shares it */
	assert_int_equal(proc_fork(10, 1), 0);
	assert_int_equal(op_read(10, fd, 50), 50);
	assert_int_equal(op_lseek(1, fd, 0, SEEK_CUR), 150);
	assert_int_equal(call(10, FL_FS_CLOSE, (uint64_t)fd, 0, 0, NULL, 0), 0);
	assert_int_equal(op_lseek(1, fd, 0, SEEK_CUR), 150);	/* still open in the parent */
	proc_exit(10);
	assert_int_equal(call(10, FL_FS_CLOSE, 0, 0, 0, NULL, 0), -ESRCH);
	/* dup2 */
	assert_int_equal(call(1, FL_FS_DUP2, (uint64_t)fd, 40, 0, NULL, 0), 40);
	assert_int_equal(call(1, FL_FS_DUP2, (uint64_t)fd, 64, 0, NULL, 0), -EBADF);
	assert_int_equal(call(1, FL_FS_DUP2, 50, 41, 0, NULL, 0), -EBADF);
	assert_int_equal(call(1, FL_FS_DUP2, 40, 40, 0, NULL, 0), 40);
	assert_int_equal(call(1, FL_FS_DUP2, 0, 40, 0, NULL, 0), 40);	/* closes the old 40 */
	assert_int_equal(op_lseek(1, 40, 0, SEEK_CUR), -ESPIPE);	/* the console now */
	/* EMFILE */
	for (int i = 0; i < FL_FS_FDS_MAX; i++)
		call(1, FL_FS_DUP, 0, 0, 0, NULL, 0);
	assert_int_equal(call(1, FL_FS_DUP, 0, 0, 0, NULL, 0), -EMFILE);
	assert_int_equal(op_open(1, "/boot/a.txt", O_RDONLY), -EMFILE);
	for (int i = 3; i < FL_FS_FDS_MAX; i++)
		call(1, FL_FS_CLOSE, (uint64_t)i, 0, 0, NULL, 0);
	assert_int_equal(op_open(1, "/boot/a.txt", O_RDONLY), 3);
	call(1, FL_FS_CLOSE, 3, 0, 0, NULL, 0);
	assert_int_equal(op_open(1, "/boot/a.txt", O_ACCMODE), -EINVAL);
	assert_int_equal(op_open(1, "/boot/a.txt", O_WRONLY), -EROFS);
	/* spawn by the pager: the console on 0, 1, 2 */
	assert_int_equal(proc_spawn(11, 0), 0);
	assert_int_equal(call(11, FL_FS_FSTAT, 2, 0, 0, NULL, 0), 0);
	assert_int_equal(((struct fl_stat *)ans.out)->mode & S_IFMT, S_IFCHR);
	assert_int_equal(call(11, FL_FS_FSTAT, 3, 0, 0, NULL, 0), -EBADF);
	proc_exit(11);
}

/* ---- pipes ---- */

static void pipe_ring(void **state)
{
	static struct pipebuf b;
	static uint8_t in[2 * PIPE_BUF_SIZE], out[2 * PIPE_BUF_SIZE];

	(void)state;
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 7);
	assert_int_equal(pipebuf_put(&b, in, 3000), 3000);
	assert_int_equal(pipebuf_get(&b, out, 1000), 1000);
	assert_memory_equal(out, in, 1000);
	/* wraps around the end */
	assert_int_equal(pipebuf_put(&b, in + 3000, sizeof(in) - 3000), PIPE_BUF_SIZE - 2000);
	assert_int_equal(pipebuf_put(&b, in, 1), 0);
	assert_int_equal(pipebuf_get(&b, out, sizeof(out)), PIPE_BUF_SIZE);
	assert_memory_equal(out, in + 1000, PIPE_BUF_SIZE);
	assert_int_equal(pipebuf_get(&b, out, 10), 0);
}

static void pipes(void **state)
{
	int64_t r, w;
	unsigned before;
	static char big[FL_FS_IO_MAX];

	(void)state;
	assert_int_equal(call(2, FL_FS_PIPE, 0, 0, 0, NULL, 0), 0);
	r = ans.w[1];
	w = ans.w[2];
	assert_int_equal(r, 3);
	assert_int_equal(w, 4);
	assert_int_equal(call(2, FL_FS_FSTAT, (uint64_t)r, 0, 0, NULL, 0), 0);
	assert_int_equal(((struct fl_stat *)ans.out)->mode & S_IFMT, S_IFIFO);
	assert_int_equal(((struct fl_stat *)ans.out)->dev, FL_FS_DEV_PIPE);
	assert_int_equal(op_lseek(2, r, 0, SEEK_SET), -ESPIPE);
	assert_int_equal(call(2, FL_FS_PREAD, (uint64_t)r, 1, 0, NULL, 0), -ESPIPE);
	assert_int_equal(op_write(2, r, "x"), -EBADF);
	assert_int_equal(op_read(2, w, 1), -EBADF);
	assert_int_equal(op_write(2, w, "abc"), 3);
	assert_int_equal(op_read(2, r, 100), 3);
	assert_memory_equal(ans.out, "abc", 3);
	/* an empty pipe parks the reader; a write answers it */
	before = late.count;
	op_read(2, r, 100);
	assert_true(ans.parked);
	assert_int_equal(park_count(), 1);
	assert_int_equal(op_write(2, w, "later"), 5);
	assert_int_equal(late.count, before + 1);
	assert_int_equal(late.result, 5);
	assert_memory_equal(late.data, "later", 5);
	assert_int_equal(park_count(), 0);
	/* full: the writer parks, a read lets it finish */
	memset(big, 'q', sizeof(big));
	while (call(2, FL_FS_WRITE, (uint64_t)w, sizeof(big), 0, big, sizeof(big)) > 0 && !ans.parked)
		;
	assert_true(ans.parked);
	before = late.count;
	assert_int_equal(op_read(2, r, 1000), 1000);
	assert_int_equal(late.count, before + 1);
	assert_true(late.result > 0);
	/* a child inherits the write end; the last writer's exit is the reader's end */
	assert_int_equal(proc_fork(12, 2), 0);
	assert_int_equal(call(2, FL_FS_CLOSE, (uint64_t)w, 0, 0, NULL, 0), 0);
	while (op_read(2, r, FL_FS_IO_MAX) > 0)
		;
	assert_true(ans.parked);		/* empty, and pid 12 still writes */
	before = late.count;
	proc_exit(12);
	park_run();			/* as main.c does after the pager's events */
	assert_int_equal(late.count, before + 1);
	assert_int_equal(late.result, 0);	/* the end */
	assert_int_equal(op_read(2, r, 10), 0);
	/* no reader: EPIPE */
	assert_int_equal(call(2, FL_FS_PIPE, 0, 0, 0, NULL, 0), 0);
	r = ans.w[1];
	w = ans.w[2];
	call(2, FL_FS_CLOSE, (uint64_t)r, 0, 0, NULL, 0);
	assert_int_equal(op_write(2, w, "x"), -EPIPE);
	call(2, FL_FS_CLOSE, (uint64_t)w, 0, 0, NULL, 0);
	call(2, FL_FS_CLOSE, 3, 0, 0, NULL, 0);
	/* a parked reader that exits is dropped, not answered */
	assert_int_equal(proc_spawn(13, 0), 0);
	assert_int_equal(call(13, FL_FS_PIPE, 0, 0, 0, NULL, 0), 0);
	op_read(13, ans.w[1], 10);
	assert_true(ans.parked);
	before = late.dropped;
	proc_exit(13);
	assert_int_equal(late.dropped, before + 1);
	assert_int_equal(park_count(), 0);
}

/* ---- the console ---- */

static void type(const char *s)
{
	while (*s)
		devfs_console_input((uint8_t)*s++);
	park_run();
}

static struct lined editor;

static void edit(const char *s)
{
	while (*s)
		lined_input(&editor, (uint8_t)*s++);
}

static void echo_to_console(const char *s, size_t len)
{
	console_out(s, len);
}

static void line_editor(void **state)
{
	struct lined *l = &editor;
	char buf[64];

	(void)state;
	lined_init(l, echo_to_console);
	console_len = 0;
	edit("ab\bc\x7f" "d\n");
	assert_memory_equal(console, "ab\b \bc\b \bd\n", 12);
	assert_int_equal(lined_read(l, buf, sizeof(buf)), 3);
	assert_memory_equal(buf, "ad\n", 3);
	assert_int_equal(lined_read(l, buf, sizeof(buf)), -EAGAIN);
	edit("xyz\x15" "k\r" "two\n");		/* ^U kills the line */
	assert_int_equal(lined_read(l, buf, 1), 1);	/* a line in pieces */
	assert_int_equal(lined_read(l, buf, sizeof(buf)), 1);
	assert_memory_equal(buf, "\n", 1);
	assert_int_equal(lined_read(l, buf, sizeof(buf)), 4);	/* one line a read */
	assert_memory_equal(buf, "two\n", 4);
	edit("\x04" "par\x04");			/* ^D: the end, then a line without newline */
	assert_int_equal(lined_read(l, buf, sizeof(buf)), 0);
	assert_int_equal(lined_read(l, buf, sizeof(buf)), 3);
	assert_memory_equal(buf, "par", 3);
	assert_int_equal(lined_read(l, buf, sizeof(buf)), -EAGAIN);
	edit("\x01\x1b");			/* other control bytes: nothing */
	assert_int_equal(l->len, 0);
}

static void console_reads(void **state)
{
	unsigned before = late.count;

	(void)state;
	op_read(3, 0, 100);
	assert_true(ans.parked);
	type("hi");
	assert_int_equal(late.count, before);
	type("\n");
	assert_int_equal(late.count, before + 1);
	assert_int_equal(late.result, 3);
	assert_memory_equal(late.data, "hi\n", 3);
	console_len = 0;
	assert_int_equal(op_write(3, 1, "out"), 3);
	assert_memory_equal(console, "out", 3);
	assert_int_equal(op_open(3, "/dev/zero", O_RDONLY), 3);
	assert_int_equal(op_read(3, 3, 16), 16);
	assert_int_equal(op_open(3, "/dev/null", O_RDWR), 4);
	assert_int_equal(op_read(3, 4, 16), 0);
	assert_int_equal(op_write(3, 4, "gone"), 4);
	assert_int_equal(call(3, FL_FS_FSYNC, 0, 0, 0, NULL, 0), -EINVAL);
}

/* Bytes typed with no reader wait unechoed; the next read edits and echoes them. */
static void console_typeahead(void **state)
{
	(void)state;
	console_len = 0;
	type("ls\x7fs -l\nsecond\n");
	assert_int_equal(console_len, 0);
	assert_int_equal(op_read(3, 0, 100), 6);
	assert_memory_equal(ans.out, "ls -l\n", 6);
	assert_int_equal(console_len, 10);
	assert_memory_equal(console, "ls\b \bs -l\n", 10);
	assert_int_equal(op_read(3, 0, 100), 7);
	assert_memory_equal(ans.out, "second\n", 7);
	op_read(3, 0, 100);
	assert_true(ans.parked);
	type("x\n");
	assert_int_equal(late.result, 2);
}

static void block_cache(void **state)
{
	static uint8_t buf[3 * BCACHE_BLOCK];
	unsigned misses;

	(void)state;
	bcache_init(&cache, mem_fill, NULL, NULL, disk.len);
	assert_int_equal(bcache_read(&cache, 100, buf, sizeof(buf)), 0);
	assert_memory_equal(buf, disk.data + 100, sizeof(buf));
	misses = cache.misses;
	assert_int_equal(misses, 4);
	assert_int_equal(bcache_read(&cache, 200, buf, 10), 0);
	assert_int_equal(cache.misses, misses);
	assert_int_equal(bcache_read(&cache, disk.len - 1, buf, 2), -EIO);
	for (unsigned i = 0; i < 2 * BCACHE_SLOTS; i++)	/* evicts the least recently used */
		assert_int_equal(bcache_read(&cache, (uint64_t)i * BCACHE_BLOCK, buf, 1), 0);
	assert_int_equal(bcache_read(&cache, 0, buf, 1), 0);
	assert_int_equal(cache.misses, misses + 2 * BCACHE_SLOTS - 4 + 1);	/* 0..3 were there */
}


/* ---- file mappings: the pager's events ---- */

/* The answers naming id the "pager" holds, after adding d. */
static unsigned answers_of(int64_t id, int d)
{
	static struct { int64_t id; unsigned n; } held[64];
	unsigned i, free_slot = 64;

	for (i = 0; i < 64; i++) {
		if (held[i].n && held[i].id == id)
			break;
		if (!held[i].n && free_slot == 64)
			free_slot = i;
	}
	if (i == 64) {
		if (d <= 0)
			return 0;
		assert_true(free_slot < 64);
		i = free_slot;
		held[i].id = id;
	}
	held[i].n = (unsigned)((int)held[i].n + d);
	return held[i].n;
}

static int64_t ev_map(int pid, int64_t fd, unsigned prot, unsigned flags)
{
	struct fl_fs_event e = { .kind = FL_FS_EV_MAP, .pid = pid, .a = (uint64_t)fd,
				 .b = prot | flags << 8, .c = 7000 + mapped.count };
	unsigned before = mapped.count;

	map_event(&e);
	assert_int_equal(mapped.count, before + 1);
	assert_int_equal(mapped.token, e.c);
	if (mapped.result <= 0)
		assert_int_equal(mapped.size, 0);
	if (mapped.result > 0)
		answers_of(mapped.result, 1);
	return mapped.result;
}

static int64_t ev_page(int64_t id, uint64_t index)
{
	struct fl_fs_event e = { .kind = FL_FS_EV_PAGE, .a = (uint64_t)id, .b = index,
				 .c = 9000 + paged.count };
	unsigned before = paged.count;

	map_event(&e);
	assert_int_equal(paged.count, before + 1);
	assert_int_equal(paged.token, e.c);
	if (paged.result == 0 && paged.frame == MAPSYS_BOOTFS)
		assert_null(pc_find(map_find(id), index));	/* the bootfs's own: no copy */
	else if (paged.result == 0)
		assert_int_equal(paged.frame, pc_find(map_find(id), index)->frame);
	return paged.result;
}

/* Let go of n of the answers naming id (all: the object ends). */
static void ev_unref_n(int64_t id, unsigned n)
{
	struct fl_fs_event e = { .kind = FL_FS_EV_UNREF, .a = (uint64_t)id, .b = n };

	answers_of(id, -(int)n);
	map_event(&e);
}

static void ev_unref(int64_t id)
{
	ev_unref_n(id, answers_of(id, 0));
	assert_null(map_find(id));
}

/* The frame of a cached page: the server's mapping of it. */
static uint8_t *frame_of(int64_t id, uint64_t index)
{
	struct cpage *p = pc_find(map_find(id), index);

	assert_non_null(p);
	return p->data;
}

/* A mapping's store into a cached page: the bytes, and the page's dirty bit. */
static void store(int64_t id, uint64_t index, size_t off, const void *bytes, size_t len)
{
	memcpy(frame_of(id, index) + off, bytes, len);
	if (!bit_take(id, index))
		assert_true(nbits < 64);
	bits[nbits].id = id;
	bits[nbits++].page = index;
}

static int64_t op_close(int pid, int64_t fd)
{
	return call(pid, FL_FS_CLOSE, (uint64_t)fd, 0, 0, NULL, 0);
}

static int64_t op_pwrite(int pid, int64_t fd, uint64_t off, const void *s, size_t len)
{
	return call(pid, FL_FS_PWRITE, (uint64_t)fd, len, off, s, len);
}

static int64_t op_pread(int pid, int64_t fd, uint64_t off, size_t len)
{
	return call(pid, FL_FS_PREAD, (uint64_t)fd, len, off, NULL, 0);
}

static int64_t op_ftruncate(int pid, int64_t fd, uint64_t len)
{
	return call(pid, FL_FS_FTRUNCATE, (uint64_t)fd, len, 0, NULL, 0);
}

/* A regular file whose every read fails. */
static int64_t failing_read(struct node *n, uint64_t off, void *buf, size_t len)
{
	(void)n, (void)off, (void)buf, (void)len;
	return -EIO;
}

static const struct node_ops failing_ops = { .read = failing_read };
static struct node failing = { .ops = &failing_ops, .refs = 1, .mode = S_IFREG | 0444,
			       .dev = FL_FS_DEV_TMPFS, .ino = 99, .size = 100 };

static void map_answers(void **state)
{
	int64_t ro = op_open(1, "/boot/a.txt", O_RDONLY), id, id2, fdw, fdrw, dir, zero, null;
	int64_t ext, rfd, wfd;
	struct node *n;
	unsigned refs;

	(void)state;
	assert_true(ro >= 3);
	n = proc_find(1)->fd[ro]->node;
	refs = n->refs;
	/* a file: an object, the file's size; the same id while the pager holds it */
	id = ev_map(1, ro, PROT_READ, MAP_PRIVATE);
	assert_true(id > 0);
	assert_int_equal(mapped.size, 10);
	assert_int_equal(n->refs, refs + 1);		/* the pager's */
	assert_int_equal(ev_map(1, ro, PROT_READ | PROT_WRITE, MAP_PRIVATE), id);	/* POSIX allows */
	assert_int_equal(n->refs, refs + 1);
	assert_false(map_find(id)->shared_write);
	assert_int_equal(ev_map(1, ro, PROT_READ | PROT_WRITE, MAP_SHARED), -EACCES);
	assert_int_equal(ev_map(1, ro, PROT_READ, MAP_SHARED), id);
	assert_false(mapped.may_write);			/* O_RDONLY: mprotect may not add write */
	/* the disk's file and a /tmp file */
	ext = op_open(1, "/dir/sub/deeper/file.txt", O_RDONLY);
	id2 = ev_map(1, ext, PROT_READ, MAP_SHARED);
	assert_true(id2 > 0 && id2 != id);
	assert_int_equal(mapped.size, stat_of(1, "/dir/sub/deeper/file.txt").size);
	fdrw = op_open(1, "/tmp/mapped", O_RDWR | O_CREAT);
	fdw = op_open(1, "/tmp/mapped", O_WRONLY);
	assert_int_equal(ev_map(1, fdw, PROT_READ, MAP_PRIVATE), -EACCES);	/* O_WRONLY */
	assert_int_equal(ev_map(1, fdw, PROT_WRITE, MAP_SHARED), -EACCES);
	assert_true(ev_map(1, fdrw, PROT_READ | PROT_WRITE, MAP_SHARED) > 0);
	assert_true(mapped.may_write);
	assert_true(map_find(mapped.result)->shared_write);
	assert_int_equal(mapped.size, 0);			/* empty: an object all the same */
	ev_unref(mapped.result);
	/* devices, pipes, directories */
	zero = op_open(1, "/dev/zero", O_RDWR);
	null = op_open(1, "/dev/null", O_RDWR);
	dir = op_open(1, "/dir", O_RDONLY);
	assert_int_equal(ev_map(1, zero, PROT_READ | PROT_WRITE, MAP_SHARED), FL_FS_MAP_ZERO);
	assert_int_equal(ev_map(1, zero, PROT_READ, MAP_PRIVATE), FL_FS_MAP_ZERO);
	assert_int_equal(ev_map(1, null, PROT_READ, MAP_PRIVATE), -ENODEV);
	assert_int_equal(ev_map(1, 0, PROT_READ, MAP_PRIVATE), -ENODEV);	/* the console */
	assert_int_equal(ev_map(1, dir, PROT_READ, MAP_PRIVATE), -ENODEV);
	assert_int_equal(call(1, FL_FS_PIPE, 0, 0, 0, NULL, 0), 0);
	rfd = ans.w[1];
	wfd = ans.w[2];
	assert_int_equal(ev_map(1, rfd, PROT_READ, MAP_PRIVATE), -ENODEV);
	assert_int_equal(ev_map(1, wfd, PROT_READ, MAP_PRIVATE), -EACCES);	/* O_WRONLY first */
	/* bad descriptors, an unknown pid */
	assert_int_equal(ev_map(1, 63, PROT_READ, MAP_PRIVATE), -EBADF);
	assert_int_equal(ev_map(1, -1, PROT_READ, MAP_PRIVATE), -EBADF);
	assert_int_equal(ev_map(1, (int64_t)1 << 40, PROT_READ, MAP_PRIVATE), -EBADF);
	assert_int_equal(ev_map(99, 0, PROT_READ, MAP_PRIVATE), -ESRCH);
	assert_int_equal(map_count(), 2);
	/* the object outlives the descriptor; UNREF drops the node's reference */
	assert_int_equal(op_close(1, ro), 0);
	assert_int_equal(n->refs, refs);
	ev_unref(id);
	assert_int_equal(n->refs, refs - 1);
	ev_unref(id);					/* again: nothing */
	assert_int_equal(ev_map(1, ext, PROT_READ, MAP_PRIVATE), id2);
	/* an unref written while a map of the same file was on its way: the object stays */
	ev_unref_n(id2, 1);
	assert_non_null(map_find(id2));
	ev_unref(id2);
	assert_int_equal(map_count(), 0);
	assert_int_equal(frames_live, 0);
	int64_t fds[] = { ext, fdrw, fdw, zero, null, dir, rfd, wfd };
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		assert_int_equal(op_close(1, fds[i]), 0);
	assert_int_equal(path_call(1, FL_FS_UNLINK, "/tmp/mapped", 0, 0), 0);
}

static void map_pages(void **state)
{
	static char want[PC_PAGE];
	int64_t big = op_open(1, "/boot/sub/c.bin", O_RDONLY), small = op_open(1, "/boot/a.txt", O_RDONLY);
	int64_t holes = op_open(1, "/tmp/holes", O_RDWR | O_CREAT), bad, id, ids, idh;
	int frame;

	(void)state;
	/* a whole page of a bootfs file: the bootfs frame's own page, not copied */
	id = ev_map(1, big, PROT_READ, MAP_PRIVATE);
	assert_int_equal(ev_page(id, 1), 0);
	assert_int_equal(paged.size, 8192);
	assert_int_equal(paged.frame, MAPSYS_BOOTFS);
	assert_int_equal(op_pread(1, big, PC_PAGE, FL_FS_IO_MAX), FL_FS_IO_MAX);
	assert_memory_equal((const uint8_t *)boot_archive + paged.page * PC_PAGE, ans.out,
			    FL_FS_IO_MAX);
	assert_int_equal(ev_page(id, 0), 0);
	assert_int_equal(paged.frame, MAPSYS_BOOTFS);
	assert_int_equal(map_find(id)->npages, 0);
	/* wholly past the end: EFAULT with the size */
	assert_int_equal(ev_page(id, 2), -EFAULT);
	assert_int_equal(paged.size, 8192);
	assert_int_equal(paged.frame, -1);
	assert_int_equal(ev_page(id, UINT64_MAX), -EFAULT);
	assert_int_equal(map_find(id)->npages, 0);
	/* the partial last page of a bootfs file: copied, zeros after the end */
	ids = ev_map(1, small, PROT_READ, MAP_PRIVATE);
	assert_int_equal(ev_page(ids, 0), 0);
	assert_int_equal(paged.size, 10);
	assert_int_equal(op_pread(1, small, 0, 10), 10);
	memcpy(want, ans.out, 10);
	assert_memory_equal(frame_of(ids, 0), want, PC_PAGE);
	/* a hole: zeros */
	assert_int_equal(op_pwrite(1, holes, 2 * PC_PAGE + 5, "end", 3), 3);
	idh = ev_map(1, holes, PROT_READ, MAP_SHARED);
	assert_int_equal(ev_page(idh, 1), 0);
	memset(want, 0, sizeof(want));
	assert_memory_equal(frame_of(idh, 1), want, PC_PAGE);
	/* a cached page: the same frame every time */
	frame = paged.frame;
	assert_int_equal(ev_page(idh, 1), 0);
	assert_int_equal(paged.frame, frame);
	assert_int_equal(ev_page(idh, 2), 0);
	memcpy(want + 5, "end", 3);
	assert_memory_equal(frame_of(idh, 2), want, PC_PAGE);
	assert_int_equal(ev_page(idh, 3), -EFAULT);
	/* no such object; a read that fails; no frame to be had */
	assert_int_equal(ev_page(12345, 0), -ENOENT);
	assert_int_equal(paged.size, 0);
	bad = fd_install(proc_find(1), file_new(&failing, O_RDONLY));
	assert_true(bad >= 3);
	assert_true(ev_map(1, bad, PROT_READ, MAP_PRIVATE) > 0);
	assert_int_equal(ev_page(mapped.result, 0), -EIO);
	assert_int_equal(paged.size, 100);
	ev_unref(mapped.result);
	frames_fail = true;
	assert_int_equal(ev_page(ids, 0), 0);		/* cached: no frame needed */
	assert_int_equal(ev_page(idh, 0), -ENOMEM);
	frames_fail = false;
	/* UNREF: the frames go */
	assert_int_equal(frames_live, 3);
	ev_unref(id);
	ev_unref(ids);
	ev_unref(idh);
	assert_int_equal(frames_live, 0);
	int64_t fds[] = { big, small, holes, bad };
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		assert_int_equal(op_close(1, fds[i]), 0);
	assert_int_equal(path_call(1, FL_FS_UNLINK, "/tmp/holes", 0, 0), 0);
}

static int64_t ev_exec(int pid, int64_t fd)
{
	struct fl_fs_event e = { .kind = FL_FS_EV_EXEC, .pid = pid, .a = (uint64_t)fd,
				 .c = 11000 + execd.count };
	unsigned before = execd.count;

	map_event(&e);
	assert_int_equal(execd.count, before + 1);
	assert_int_equal(execd.token, e.c);
	if (execd.result > 0)
		answers_of(execd.result, 1);
	else
		assert_int_equal(execd.frame, -1);
	return execd.result;
}

/* FL_FS_EV_EXEC: what may run, its object and page 0; the fd closed whatever the answer. */
static void map_exec_answers(void **state)
{
	const char *eacces[] = { "/boot/sub", "/boot/a.txt", "/dev/null", "/tmp/noexec" };
	unsigned objs = map_count();
	int64_t fd, id;

	(void)state;
	fd = path_call(1, FL_FS_OPEN, "/tmp/noexec", O_RDWR | O_CREAT, 0644);
	assert_int_equal(op_write(1, fd, "not runnable"), 12);
	assert_int_equal(op_close(1, fd), 0);
	for (size_t i = 0; i < sizeof(eacces) / sizeof(eacces[0]); i++) {
		fd = op_open(1, eacces[i], O_RDONLY);
		assert_true(fd >= 0);
		assert_int_equal(ev_exec(1, fd), -EACCES);
		assert_int_equal(op_close(1, fd), -EBADF);	/* consumed */
	}
	/* an empty executable file: ENOEXEC, and no object left behind */
	fd = path_call(1, FL_FS_OPEN, "/tmp/prog", O_RDWR | O_CREAT, 0755);
	assert_int_equal(ev_exec(1, op_open(1, "/tmp/prog", O_RDONLY)), -ENOEXEC);
	assert_int_equal(map_count(), objs);
	/* one with bytes: its object, the size, page 0's frame from the page cache */
	assert_int_equal(op_write(1, fd, "\177ELF and the rest"), 17);
	id = ev_exec(1, op_open(1, "/tmp/prog", O_RDONLY));
	assert_true(id > 0);
	assert_int_equal(execd.size, 17);
	assert_int_equal(execd.page, 0);
	assert_int_equal(execd.frame, pc_find(map_find(id), 0)->frame);
	assert_memory_equal(frame_of(id, 0), "\177ELF and the rest", 17);
	/* the same file mapped: the same object */
	assert_int_equal(ev_map(1, fd, PROT_READ, MAP_PRIVATE), id);
	ev_unref(id);
	/* no such fd, no such process */
	assert_int_equal(ev_exec(1, 63), -EBADF);
	assert_int_equal(ev_exec(4242, 0), -ESRCH);
	assert_int_equal(map_count(), objs);
	assert_int_equal(op_close(1, fd), 0);
	assert_int_equal(path_call(1, FL_FS_UNLINK, "/tmp/prog", 0, 0), 0);
	assert_int_equal(path_call(1, FL_FS_UNLINK, "/tmp/noexec", 0, 0), 0);
}

/* read and write through cached pages; a truncate drops what lies past the end. */
static void map_coherence(void **state)
{
	static char buf[2 * PC_PAGE];
	int64_t fd = op_open(1, "/tmp/co", O_RDWR | O_CREAT), id;
	struct node *n;
	uint8_t *p0, *p1;

	(void)state;
	memset(buf, 'a', sizeof(buf));
	for (size_t off = 0; off < 5000; off += FL_FS_IO_MAX)
		assert_true(op_pwrite(1, fd, off, buf, 5000 - off < FL_FS_IO_MAX ? 5000 - off :
				      FL_FS_IO_MAX) > 0);
	id = ev_map(1, fd, PROT_READ | PROT_WRITE, MAP_SHARED);
	n = map_find(id)->node;
	assert_int_equal(ev_page(id, 0), 0);
	assert_int_equal(ev_page(id, 1), 0);
	p0 = frame_of(id, 0);
	p1 = frame_of(id, 1);
	assert_int_equal(p1[5000 - PC_PAGE - 1], 'a');
	assert_int_equal(p1[5000 - PC_PAGE], 0);
	/* write(): the frame has it at once, and the file too */
	assert_int_equal(op_lseek(1, fd, 10, SEEK_SET), 10);
	assert_int_equal(op_write(1, fd, "HELLO"), 5);
	assert_memory_equal(p0 + 10, "HELLO", 5);
	assert_int_equal(n->ops->read(n, 10, buf, 5), 5);
	assert_memory_equal(buf, "HELLO", 5);
	assert_int_equal(op_pwrite(1, fd, PC_PAGE - 2, "WXYZ", 4), 4);	/* across two pages */
	assert_memory_equal(p0 + PC_PAGE - 2, "WX", 2);
	assert_memory_equal(p1, "YZ", 2);
	/* a mapping's store: read() sees it without msync */
	memcpy(p0 + 100, "MAPPED", 6);
	memcpy(p1 + 200, "TOO", 3);
	assert_int_equal(op_pread(1, fd, 98, 10), 10);
	assert_memory_equal(ans.out, "aaMAPPEDaa", 10);
	assert_int_equal(op_pread(1, fd, PC_PAGE + 199, 5), 5);
	assert_memory_equal(ans.out, "aTOOa", 5);
	assert_int_equal(op_pread(1, fd, 4998, 100), 2);		/* not past the end */
	/* a shrink drops the pages past the new end and zeros the rest of the last */
	truncated.count = 0;
	assert_int_equal(op_ftruncate(1, fd, 4000), 0);
	assert_int_equal(truncated.count, 1);		/* the pager is told */
	assert_int_equal(truncated.id, id);
	assert_int_equal(truncated.size, 4000);
	assert_int_equal(map_find(id)->npages, 1);
	assert_int_equal(frames_live, 1);
	assert_int_equal(p0[3999], 'a');
	assert_int_equal(p0[4000], 0);
	assert_int_equal(ev_page(id, 1), -EFAULT);
	assert_int_equal(paged.size, 4000);
	/* a growth reads zeros where the mapping wrote past the end */
	p0[4050] = 'q';
	assert_int_equal(op_ftruncate(1, fd, 4060), 0);
	assert_int_equal(truncated.count, 1);		/* a growth: nothing to unmap */
	assert_int_equal(op_pread(1, fd, 4040, 20), 20);
	assert_int_equal(ans.out[10], 0);
	assert_int_equal(p0[4050], 0);
	p0[4070] = 'q';
	assert_int_equal(op_pwrite(1, fd, 4080, "r", 1), 1);		/* a hole before it */
	assert_int_equal(p0[4070], 0);
	assert_int_equal(p0[4080], 'r');
	ev_unref(id);
	assert_int_equal(frames_live, 0);
	assert_int_equal(op_close(1, fd), 0);
	assert_int_equal(path_call(1, FL_FS_UNLINK, "/tmp/co", 0, 0), 0);
}

/* What a MAP_SHARED writer put in the frames reaches the file: fsync, UNREF; not if private. */
static void map_writeback(void **state)
{
	char got[8];
	int64_t fd = op_open(1, "/tmp/wb", O_RDWR | O_CREAT), ro, id;
	struct node *n;

	(void)state;
	assert_int_equal(op_write(1, fd, "0123456789"), 10);
	ro = op_open(1, "/tmp/wb", O_RDONLY);
	id = ev_map(1, ro, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	n = map_find(id)->node;
	assert_int_equal(ev_page(id, 0), 0);
	memcpy(frame_of(id, 0), "private", 7);	/* (the pager copies on a private write) */
	assert_int_equal(call(1, FL_FS_FSYNC, (uint64_t)ro, 0, 0, NULL, 0), 0);
	assert_int_equal(n->ops->read(n, 0, got, 7), 7);
	assert_memory_equal(got, "0123456", 7);
	memcpy(frame_of(id, 0), "0123456", 7);
	/* shared and writable from now on */
	assert_int_equal(ev_map(1, fd, PROT_READ | PROT_WRITE, MAP_SHARED), id);
	store(id, 0, 2, "ab", 2);
	store(id, 0, 12, "x", 1);			/* past the end: not the file's */
	assert_int_equal(call(1, FL_FS_FSYNC, (uint64_t)ro, 0, 0, NULL, 0), 0);
	assert_int_equal(n->ops->read(n, 0, got, 8), 8);
	assert_memory_equal(got, "01ab4567", 8);
	assert_int_equal(stat_of(1, "/tmp/wb").size, 10);
	/* msync: FL_FS_EV_SYNC writes back and answers with the result */
	store(id, 0, 4, "cd", 2);
	{
		struct fl_fs_event e = { .kind = FL_FS_EV_SYNC, .a = (uint64_t)id, .c = 4242 };
		unsigned before = synced.count;

		map_event(&e);
		assert_int_equal(synced.count, before + 1);
		assert_int_equal(synced.token, 4242);
		assert_int_equal(synced.result, 0);
		assert_int_equal(n->ops->read(n, 0, got, 8), 8);
		assert_memory_equal(got, "01abcd67", 8);
		e.a = 999999;				/* no such object */
		map_event(&e);
		assert_int_equal(synced.result, -ENOENT);
	}
	store(id, 0, 8, "YZ", 2);
	ev_unref(id);
	assert_int_equal(n->ops->read(n, 6, got, 4), 4);
	assert_memory_equal(got, "67YZ", 4);
	assert_int_equal(nbits, 0);
	assert_int_equal(frames_live, 0);
	assert_int_equal(op_close(1, fd), 0);
	assert_int_equal(op_close(1, ro), 0);
	assert_int_equal(path_call(1, FL_FS_UNLINK, "/tmp/wb", 0, 0), 0);
}

/* ---- the page cache's budget ---- */

/* A regular file in memory whose writes fail with ENOSPC while full is set. */
static uint8_t memfile[8 * PC_PAGE];
static bool memfile_full;

static int64_t mem_read(struct node *n, uint64_t off, void *buf, size_t len)
{
	if (off >= n->size)
		return 0;
	len = len < n->size - off ? len : (size_t)(n->size - off);
	memcpy(buf, memfile + off, len);
	return (int64_t)len;
}

static int64_t mem_write(struct node *n, uint64_t off, const void *buf, size_t len)
{
	if (memfile_full)
		return -ENOSPC;
	assert_true(off + len <= n->size);
	memcpy(memfile + off, buf, len);
	return (int64_t)len;
}

static const struct node_ops mem_ops = { .read = mem_read, .write = mem_write };
static struct node memnode = { .ops = &mem_ops, .refs = 1, .mode = S_IFREG | 0644,
			       .dev = FL_FS_DEV_TMPFS, .ino = 98, .size = sizeof(memfile) };

/* The page asked for, with the cache never past its budget. */
static int64_t ev_page_capped(int64_t id, uint64_t index)
{
	int64_t r = ev_page(id, index);

	assert_true(pc_stats.pages <= pc_stats.cap);
	assert_true(pc_stats.high <= pc_stats.cap);
	assert_int_equal(frames_live, pc_stats.pages);
	return r;
}

static void assert_evicted(unsigned at, int64_t id, uint64_t page)
{
	assert_true(at < nevicted);
	assert_int_equal(evicted[at].id, id);
	assert_int_equal(evicted[at].page, page);
}

static void map_budget(void **state)
{
	char line[] = "rw pagecache=12K x";
	int64_t fd, id, ro, id2, dev;
	struct mapobj *m;

	(void)state;
	/* the option */
	assert_int_equal(pc_budget_option(line, sizeof(line)), 3);
	assert_int_equal(pc_budget_option("pagecache=8M", 13), 2048);
	assert_int_equal(pc_budget_option("pagecache=1G", 13), 262144);
	assert_int_equal(pc_budget_option("pagecache=100", 14), 1);
	assert_int_equal(pc_budget_option("pagecache=8Q", 13), 0);
	assert_int_equal(pc_budget_option("pagecache=", 11), 0);
	assert_int_equal(pc_budget_option("xpagecache=8M", 14), 0);
	assert_int_equal(pc_budget_option("pagecache=8M", 9), 0);	/* cut off */
	for (unsigned i = 0; i < 8; i++)
		memset(memfile + i * PC_PAGE, 'A' + (int)i, PC_PAGE);
	pc_stats = (struct pc_stats){ 0 };
	pc_set_budget(pc_budget_option(line, sizeof(line)));
	nevicted = nbits = 0;
	fd = fd_install(proc_find(1), file_new(&memnode, O_RDWR));
	id = ev_map(1, fd, PROT_READ | PROT_WRITE, MAP_SHARED);
	m = map_find(id);
	/* at the budget the oldest page goes first, across objects */
	assert_int_equal(ev_page_capped(id, 0), 0);
	/* (a tmpfs file: whole bootfs pages are never cached, the bootfs frame is mapped) */
	ro = op_open(1, "/tmp/budget2", O_RDWR | O_CREAT);
	assert_int_equal(call(1, FL_FS_FTRUNCATE, (uint64_t)ro, 2 * PC_PAGE, 0, NULL, 0), 0);
	id2 = ev_map(1, ro, PROT_READ, MAP_PRIVATE);
	assert_int_equal(ev_page_capped(id2, 1), 0);
	assert_int_equal(ev_page_capped(id, 1), 0);
	assert_int_equal(nevicted, 0);
	assert_int_equal(ev_page_capped(id, 2), 0);
	assert_evicted(0, id, 0);
	assert_null(pc_find(m, 0));
	assert_int_equal(ev_page_capped(id, 3), 0);
	assert_evicted(1, id2, 1);
	assert_int_equal(map_find(id2)->npages, 0);
	/* a page a mapping wrote is written back before its frame goes */
	store(id, 1, 10, "one", 3);
	assert_int_equal(ev_page_capped(id, 4), 0);
	assert_evicted(2, id, 1);
	assert_memory_equal(memfile + PC_PAGE + 10, "one", 3);
	assert_int_equal(memfile[PC_PAGE + 13], 'B');
	assert_int_equal(pc_stats.written, 1);
	/* one whose writeback fails stays, dirty, and the next one goes */
	memfile_full = true;
	store(id, 2, 0, "two", 3);
	assert_int_equal(ev_page_capped(id, 5), 0);
	assert_evicted(3, id, 2);
	assert_evicted(4, id, 3);
	assert_true(pc_find(m, 2)->dirty);
	assert_memory_equal(frame_of(id, 2), "two", 3);
	/* fsync: the dirty bits asked for (in several answers), none lost on failure */
	store(id, 4, 0, "four", 4);
	store(id, 5, 0, "five", 4);
	assert_int_equal(call(1, FL_FS_FSYNC, (uint64_t)fd, 0, 0, NULL, 0), -ENOSPC);
	assert_int_equal(nbits, 0);
	assert_true(pc_find(m, 4)->dirty && pc_find(m, 5)->dirty && pc_find(m, 2)->dirty);
	/* clean pages first: none left, every dirty one failing: ENOSPC, nothing lost */
	nevicted = 0;
	assert_int_equal(ev_page_capped(id, 6), -ENOSPC);
	assert_int_equal(nevicted, 3);
	assert_evicted(0, id, 2);
	assert_int_equal(m->npages, 3);
	assert_memory_equal(frame_of(id, 5), "five", 4);
	/* room again: the oldest dirty page written back and evicted */
	memfile_full = false;
	nevicted = 0;
	assert_int_equal(ev_page_capped(id, 6), 0);
	assert_evicted(0, id, 2);
	assert_memory_equal(memfile + 2 * PC_PAGE, "two", 3);
	assert_int_equal(call(1, FL_FS_FSYNC, (uint64_t)fd, 0, 0, NULL, 0), 0);
	assert_memory_equal(memfile + 4 * PC_PAGE, "four", 4);
	assert_memory_equal(memfile + 5 * PC_PAGE, "five", 4);
	assert_false(pc_find(m, 4)->dirty || pc_find(m, 5)->dirty);
	/* a page the pager still maps stays; one it does not hold goes */
	evict_refusal = -ENOMEM;
	assert_int_equal(ev_page_capped(id, 7), -ENOMEM);
	evict_refusal = -ENOENT;
	assert_int_equal(ev_page_capped(id, 7), 0);
	evict_refusal = 0;
	assert_int_equal(pc_stats.high, 3);
	assert_int_equal(pc_stats.evicted, 6);
	/* the figures a guest reads */
	dev = op_open(1, "/dev/pagecache", O_RDONLY);
	assert_int_equal(op_pread(1, dev, 0, 100), 41);
	assert_memory_equal(ans.out, "cap 3 pages 3 high 3 evicted 6 written 4\n", 41);
	assert_int_equal(op_pread(1, dev, 38, 100), 3);
	assert_memory_equal(ans.out, " 4\n", 3);
	assert_int_equal(op_pread(1, dev, 41, 100), 0);
	assert_int_equal(op_close(1, dev), 0);
	ev_unref(id);
	ev_unref(id2);
	assert_int_equal(frames_live, 0);
	assert_int_equal(pc_stats.pages, 0);
	pc_set_budget(0);
	assert_int_equal(op_close(1, fd), 0);
	assert_int_equal(op_close(1, ro), 0);
	assert_int_equal(path_call(1, FL_FS_UNLINK, "/tmp/budget2", 0, 0), 0);
}

/* ---- ext2 written through the server (last: it replaces the read-only /) ---- */

static struct blob wdisk;
static struct ext2_fs wfs;

static int wfill(void *ctx, uint64_t no, void *buf, size_t len)
{
	(void)ctx;
	memcpy(buf, wdisk.data + no * BCACHE_BLOCK, len);
	return 0;
}

static int wflush(void *ctx, uint64_t no, const void *buf, size_t len)
{
	(void)ctx;
	memcpy(wdisk.data + no * BCACHE_BLOCK, buf, len);
	return 0;
}

static uint32_t wfree_inodes(void)
{
	uint32_t n;

	assert_int_equal(bcache_read(&cache, 1024 + 16, &n, 4), 0);	/* (a little-endian host) */
	return n;
}

static void ext2_writes(void **state)
{
	struct ext2_dev dev = { bcache_read, &cache, 0, bcache_write, bcache_sync };
	char img[64], cmd[512];
	int64_t fd, fd2, fd3, fdm, idm;
	uint32_t inodes;
	struct node *m;
	char got[11];
	struct node *old = node_get(vfs_root());
	FILE *f;

	(void)state;
	wdisk = fixture_blob("ext2-1k.img");
	bcache_init(&cache, wfill, wflush, NULL, wdisk.len);
	dev.size = wdisk.len;
	assert_int_equal(ext2_mount(&wfs, &dev), 0);
	assert_int_equal(vfs_mount("/", ext2fs_root(&wfs)), 0);
	inodes = wfree_inodes();
	fd = op_open(1, "/w.txt", O_RDWR | O_CREAT | O_EXCL);
	assert_true(fd >= 3);
	assert_int_equal(op_open(1, "/w.txt", O_RDWR | O_CREAT | O_EXCL), -EEXIST);
	assert_int_equal(op_write(1, fd, "hello "), 6);
	fd2 = op_open(1, "/w.txt", O_WRONLY | O_APPEND);
	assert_int_equal(op_write(1, fd2, "world\n"), 6);
	assert_int_equal(stat_of(1, "/w.txt").size, 12);		/* one node: one size */
	assert_int_equal(op_write(1, fd, "HELLO"), 5);
	assert_int_equal(call(1, FL_FS_FTRUNCATE, (uint64_t)fd, 11, 0, NULL, 0), 0);
	assert_int_equal(call(1, FL_FS_FSTAT, (uint64_t)fd2, 0, 0, NULL, 0), 0);
	assert_int_equal(((struct fl_stat *)ans.out)->size, 11);
	assert_int_equal(call(1, FL_FS_FSYNC, (uint64_t)fd, 0, 0, NULL, 0), 0);
	assert_true(cache.writes > 0);
	assert_int_equal(path_call(1, FL_FS_MKDIR, "/wd", 0755, 0), 0);
	assert_int_equal(op_rename("/w.txt", "/wd/w.txt"), 0);
	assert_int_equal(stat_of(1, "/wd").nlink, 2);
	/* a name removed while open: the data stays until the last close */
	fd3 = op_open(1, "/wd/gone", O_RDWR | O_CREAT | O_TRUNC);
	assert_int_equal(op_write(1, fd3, "keep"), 4);
	assert_int_equal(path_call(1, FL_FS_UNLINK, "/wd/gone", 0, 0), 0);
	assert_int_equal(walk_err("/wd/gone"), -ENOENT);
	assert_int_equal(call(1, FL_FS_PREAD, (uint64_t)fd3, 4, 0, NULL, 0), 4);
	assert_memory_equal(ans.out, "keep", 4);
	assert_int_equal(wfree_inodes(), inodes - 3);
	assert_int_equal(call(1, FL_FS_CLOSE, (uint64_t)fd3, 0, 0, NULL, 0), 0);
	assert_int_equal(wfree_inodes(), inodes - 2);		/* freed at the close */
	assert_int_equal(path_call(1, FL_FS_RMDIR, "/wd", 0, 0), -ENOTEMPTY);
	assert_int_equal(path_call(1, FL_FS_UNLINK, "/wd", 0, 0), -EISDIR);
	assert_int_equal(call(1, FL_FS_CLOSE, (uint64_t)fd, 0, 0, NULL, 0), 0);
	assert_int_equal(call(1, FL_FS_CLOSE, (uint64_t)fd2, 0, 0, NULL, 0), 0);
	/* a page a shared mapping wrote, written back at shutdown (before the unmount) */
	fdm = op_open(1, "/m.txt", O_RDWR | O_CREAT);
	assert_int_equal(op_write(1, fdm, "mapped file"), 11);
	idm = ev_map(1, fdm, PROT_READ | PROT_WRITE, MAP_SHARED);
	assert_int_equal(op_close(1, fdm), 0);
	assert_int_equal(ev_page(idm, 0), 0);
	store(idm, 0, 0, "M", 1);
	assert_int_equal(map_writeback_all(), 0);
	m = map_find(idm)->node;
	assert_int_equal(m->ops->read(m, 0, got, 11), 11);
	assert_memory_equal(got, "Mapped file", 11);
	ev_unref(idm);
	assert_int_equal(ext2fs_unmount(), 0);
	assert_int_equal(wdisk.data[1024 + 58] & 1, 1);		/* clean */
	snprintf(img, sizeof(img), "/tmp/test_fs-%d.img", (int)getpid());
	f = fopen(img, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(wdisk.data, 1, wdisk.len, f), wdisk.len);
	fclose(f);
	if (system("PATH=\"$PATH:/usr/sbin:/sbin\" command -v e2fsck debugfs >/dev/null")) {
		print_message("e2fsck and debugfs checks skipped: not installed\n");
	} else {
		snprintf(cmd, sizeof(cmd), "PATH=\"$PATH:/usr/sbin:/sbin\"; e2fsck -fn %s && "
			 "test \"$(debugfs -R 'cat /wd/w.txt' %s 2>/dev/null)\" = 'hello HELLO' && "
			 "test \"$(debugfs -R 'cat /m.txt' %s 2>/dev/null)\" = 'Mapped file'",
			 img, img, img);
		assert_int_equal(system(cmd), 0);
	}
	unlink(img);
	vfs_mount("/", old);			/* (the read-only root, held: no leak) */
	node_put(old);
	free(wdisk.data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(walk_paths),
		cmocka_unit_test(walk_limits),
		cmocka_unit_test(ext2_files),
		cmocka_unit_test(tmpfs_files),
		cmocka_unit_test(tmpfs_rename),
		cmocka_unit_test(readdir_records),
		cmocka_unit_test(descriptors),
		cmocka_unit_test(pipe_ring),
		cmocka_unit_test(pipes),
		cmocka_unit_test(line_editor),
		cmocka_unit_test(console_reads),
		cmocka_unit_test(console_typeahead),
		cmocka_unit_test(block_cache),
		cmocka_unit_test(map_answers),
		cmocka_unit_test(map_pages),
		cmocka_unit_test(map_exec_answers),
		cmocka_unit_test(map_coherence),
		cmocka_unit_test(map_writeback),
		cmocka_unit_test(map_budget),
		cmocka_unit_test(ext2_writes),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
