/*
 * The ext2 reader (servers/fs/ext2.c) on images mke2fs made from
 * FIXTURES/ext2tree (4 KiB and 1 KiB blocks) and from FIXTURES/tree
 * (revision 0), checked byte for byte against those trees; then on copies
 * damaged byte by byte, each of which must give its error (under ASan and
 * UBSan: never a wild read).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <errno.h>
#include "ext2.h"
#include "fixture.h"

#ifndef FIXTURES
#error "FIXTURES must name the directory of generated images"
#endif

/* len bytes at off of FIXTURES/DIR/name (zeros past its end). */
static void tree_pread(const char *dir, const char *name, uint64_t off, void *buf, size_t len)
{
	char path[512];
	FILE *f;
	size_t got;

	snprintf(path, sizeof(path), "%s/%s/%s", FIXTURES, dir, name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseeko(f, (off_t)off, SEEK_SET), 0);
	got = fread(buf, 1, len, f);
	memset((uint8_t *)buf + got, 0, len - got);
	fclose(f);
}

static uint64_t tree_size(const char *dir, const char *name)
{
	char path[512];
	FILE *f;
	uint64_t n;

	snprintf(path, sizeof(path), "%s/%s/%s", FIXTURES, dir, name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	fseeko(f, 0, SEEK_END);
	n = (uint64_t)ftello(f);
	fclose(f);
	return n;
}

/* A mounted image: the blob, its memory device, the file system. */
struct img {
	struct blob b;
	struct ext2_mem mem;
	struct ext2_fs fs;
};

static int mount_blob(struct img *m)
{
	struct ext2_dev dev = { ext2_mem_read, &m->mem, m->b.len, NULL, NULL };

	m->mem = (struct ext2_mem){ m->b.data, m->b.len };
	return ext2_mount(&m->fs, &dev);
}

static void open_img(struct img *m, const char *name)
{
	int err;

	m->b = fixture_blob(name);
	err = mount_blob(m);
	if (err < 0)
		fail_msg("mount %s: %d (%s)", name, err, m->fs.why);
}

/* The inode path names (which must resolve with 0). */
static struct ext2_inode inode_at(struct img *m, const char *path)
{
	struct ext2_walk w;
	struct ext2_inode in;
	int err = ext2_resolve(&m->fs, path, &w);

	if (err != 0)
		fail_msg("resolve %s: %d (%s)", path, err, m->fs.why);
	assert_int_equal(ext2_read_inode(&m->fs, w.ino, &in), 0);
	return in;
}

/* Read all of path through ext2_read in chunks of chunk bytes; compare with the tree. */
static void check_file(struct img *m, const char *dir, const char *path, size_t chunk)
{
	struct ext2_inode in = inode_at(m, path);
	uint64_t size = tree_size(dir, path);
	uint8_t *want = malloc(size + 1), *got = malloc(size + 1);

	assert_true(ext2_is_reg(&in));
	assert_int_equal(in.size, size);
	tree_pread(dir, path, 0, want, size);
	for (uint64_t off = 0; off < size; off += chunk) {
		size_t n = size - off < chunk ? size - off : chunk;

		assert_int_equal(ext2_read(&m->fs, &in, off, got + off, chunk), n);
	}
	assert_memory_equal(got, want, size);
	assert_int_equal(ext2_read(&m->fs, &in, size, got, 1), 0);		/* at the end */
	assert_int_equal(ext2_read(&m->fs, &in, size + 4096, got, 1), 0);	/* past it */
	free(want);
	free(got);
}

static void close_img(struct img *m)
{
	free(m->b.data);
}

static void put32(uint8_t *p, uint32_t v);

/* ---- good images -------------------------------------------------------------- */

static void mounts(void **state)
{
	struct img m;

	(void)state;
	open_img(&m, "ext2-4k.img");
	assert_int_equal(m.fs.block_size, 4096);
	assert_int_equal(m.fs.rev, 1);
	assert_int_equal(m.fs.inode_size, 256);
	assert_int_equal(m.fs.first_data_block, 0);
	close_img(&m);
	open_img(&m, "ext2-1k.img");
	assert_int_equal(m.fs.block_size, 1024);
	assert_int_equal(m.fs.first_data_block, 1);
	assert_int_equal(m.fs.groups, 2);
	{
		struct ext2_inode in;	/* the first of group 1: unused */

		assert_int_equal(ext2_read_inode(&m.fs, m.fs.inodes_per_group + 1, &in), 0);
		assert_int_equal(in.mode, 0);
		/* group 1's bg_inode_table (descriptors in block 2) pointing outside */
		put32(m.b.data + 2048 + 32 + 8, m.fs.blocks_count);
		assert_int_equal(ext2_read_inode(&m.fs, m.fs.inodes_per_group + 1, &in), -EINVAL);
		assert_int_equal(mount_blob(&m), -EINVAL);
	}
	close_img(&m);
	open_img(&m, "ext2-rev0.img");
	assert_int_equal(m.fs.rev, 0);
	assert_int_equal(m.fs.inode_size, 128);
	assert_int_equal(m.fs.incompat, 0);
	close_img(&m);
}

static const char *const files[] = {
	"hello.txt", "empty", "small.bin", "mid.bin", "big.bin",
	"dir/sub/deeper/file.txt", "many/entry-with-a-longish-name-000",
	"many/entry-with-a-longish-name-199",
};

/* state: the image's name */
static void files_match(void **state)
{
	const char *image = *state;
	struct img m;

	open_img(&m, image);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		check_file(&m, "ext2tree", files[i], 1 << 20);	/* one call */
		check_file(&m, "ext2tree", files[i], 1000);	/* crossing blocks */
	}
	close_img(&m);
}

/* Logical blocks just before and after each boundary of the block map are mapped. */
static void block_map_levels(void **state)
{
	struct img m;
	struct ext2_inode big, sparse;
	uint32_t b;

	(void)state;
	open_img(&m, "ext2-1k.img");
	big = inode_at(&m, "big.bin");		/* 300 blocks: past 12 + 256 */
	for (uint64_t l = 0; l < 300; l++) {
		assert_int_equal(ext2_bmap(&m.fs, &big, l, &b), 0);
		assert_true(b > 0 && b < m.fs.blocks_count);
	}
	assert_int_equal(ext2_bmap(&m.fs, &big, 300, &b), 0);
	assert_int_equal(b, 0);				/* past the data: a hole */
	sparse = inode_at(&m, "sparse.bin");
	assert_int_equal(ext2_bmap(&m.fs, &sparse, (9ull << 29) / 1024, &b), 0);
	assert_true(b != 0);				/* triple indirect */
	assert_int_equal(ext2_bmap(&m.fs, &sparse, 1000000, &b), 0);
	assert_int_equal(b, 0);				/* a hole in it */
	/* 12 + 256 + 256^2 + 256^3 blocks is all a 1 KiB file system maps */
	assert_int_equal(ext2_bmap(&m.fs, &sparse, 12 + 256 + 65536 + 16777216ull, &b), -EFBIG);
	assert_non_null(m.fs.why);
	close_img(&m);
}

/* The sparse file: size with i_size_high; data and holes at the right offsets. */
static void sparse_file(void **state)
{
	const char *image = *state;
	static const uint64_t at[] = { 0, 4000, (5 << 20) - 3000, (5 << 20) + 4000,
				       (9ull << 29) - 70000, (9ull << 29) - 10 };
	struct img m;
	struct ext2_inode in;
	uint8_t got[80000], want[80000];
	uint64_t size = tree_size("ext2tree", "sparse.bin");

	open_img(&m, image);
	in = inode_at(&m, "sparse.bin");
	assert_int_equal(size, (9ull << 29) + 3000);
	assert_int_equal(in.size, size);
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		size_t n = size - at[i] < sizeof(got) ? size - at[i] : sizeof(got);

		assert_int_equal(ext2_read(&m.fs, &in, at[i], got, sizeof(got)), n);
		tree_pread("ext2tree", "sparse.bin", at[i], want, n);
		assert_memory_equal(got, want, n);
	}
	close_img(&m);
}

/* Count the entries of path; check each has a sane type and its name exists. */
static int list(struct img *m, const char *path, const char *dir, const char *tree_dir)
{
	struct ext2_inode d = inode_at(m, path), in;
	struct ext2_dirent de;
	uint64_t pos = 0;
	int n = 0, err;

	while ((err = ext2_readdir(&m->fs, &d, &pos, &de)) > 0) {
		assert_int_equal(strlen(de.name), de.name_len);
		assert_int_equal(ext2_read_inode(&m->fs, de.ino, &in), 0);
		if (m->fs.incompat)	/* filetype */
			assert_int_equal(de.type, ext2_is_dir(&in) ? EXT2_FT_DIR :
						  ext2_is_symlink(&in) ? EXT2_FT_SYMLINK :
						  EXT2_FT_REG_FILE);
		else
			assert_int_equal(de.type, 0);
		if (strcmp(de.name, ".") && strcmp(de.name, "..") &&
		    strcmp(de.name, "lost+found") && !ext2_is_dir(&in) && !ext2_is_symlink(&in)) {
			char name[600];

			snprintf(name, sizeof(name), "%s/%s", dir, de.name);
			assert_int_equal(in.size, tree_size(tree_dir, name));
		}
		n++;
	}
	assert_int_equal(err, 0);
	return n;
}

static void directories(void **state)
{
	const char *image = *state;
	struct img m;
	struct ext2_inode many, hello;
	uint32_t ino;
	char name[300];

	open_img(&m, image);
	/* ., .., lost+found and the 11 names of the tree's top */
	assert_int_equal(list(&m, "/", ".", "ext2tree"), 14);
	many = inode_at(&m, "many");
	assert_true(many.size > m.fs.block_size);
	assert_int_equal(list(&m, "many", "many", "ext2tree"), 202);
	for (int i = 0; i < 200; i += 37) {
		struct ext2_inode in;
		char text[16], want[16];

		snprintf(name, sizeof(name), "entry-with-a-longish-name-%03d", i);
		assert_int_equal(ext2_lookup(&m.fs, &many, name, strlen(name), &ino), 0);
		assert_int_equal(ext2_read_inode(&m.fs, ino, &in), 0);
		snprintf(want, sizeof(want), "%d\n", i);
		assert_int_equal(ext2_read(&m.fs, &in, 0, text, sizeof(text)), strlen(want));
		assert_memory_equal(text, want, strlen(want));
	}
	assert_int_equal(ext2_lookup(&m.fs, &many, "nothing", 7, &ino), -ENOENT);
	memset(name, 'n', 256);
	assert_int_equal(ext2_lookup(&m.fs, &many, name, 256, &ino), -ENAMETOOLONG);
	hello = inode_at(&m, "hello.txt");
	assert_int_equal(ext2_lookup(&m.fs, &hello, "x", 1, &ino), -ENOTDIR);
	close_img(&m);
}

/* Append s to the string in buf (the kernel's string.h, first on the path, has no strcat). */
static void append(char *buf, const char *s)
{
	memcpy(buf + strlen(buf), s, strlen(s) + 1);
}

/* resolve path: its result (and why on an error) */
static int walk(struct img *m, const char *path, struct ext2_walk *w)
{
	int err = ext2_resolve(&m->fs, path, w);

	if (err < 0)
		assert_non_null(m->fs.why);
	return err;
}

static void paths(void **state)
{
	struct img m;
	struct ext2_walk w;
	struct ext2_inode file, link;
	char buf[EXT2_PATH_MAX + 200], target[128];

	(void)state;
	open_img(&m, "ext2-4k.img");
	file = inode_at(&m, "dir/sub/deeper/file.txt");
	assert_int_equal(walk(&m, "", &w), 0);
	assert_int_equal(w.ino, EXT2_ROOT_INO);
	assert_int_equal(walk(&m, "/", &w), 0);
	assert_int_equal(w.ino, EXT2_ROOT_INO);
	assert_int_equal(walk(&m, "/..", &w), 0);
	assert_int_equal(w.ino, EXT2_ROOT_INO);
	assert_int_equal(walk(&m, "//dir//sub/./deeper/../deeper/file.txt", &w), 0);
	assert_int_equal(w.ino, file.ino);
	assert_int_equal(walk(&m, "dir/sub/../../dir/./sub/deeper/", &w), 0);
	assert_int_equal(w.ino, inode_at(&m, "dir/sub/deeper").ino);
	assert_int_equal(w.parent, inode_at(&m, "dir/sub").ino);

	/* symlinks are reported, not followed */
	assert_int_equal(walk(&m, "link", &w), 0);
	assert_int_equal(ext2_read_inode(&m.fs, w.ino, &link), 0);
	assert_true(ext2_is_symlink(&link));
	assert_int_equal(ext2_readlink(&m.fs, &link, target, sizeof(target)), 23);
	assert_string_equal(target, "dir/sub/deeper/file.txt");	/* fast: in i_block */
	assert_int_equal(ext2_readlink(&m.fs, &link, target, 10), -ENAMETOOLONG);
	assert_int_equal(walk(&m, "/link//more/x", &w), EXT2_WALK_SYMLINK);
	assert_int_equal(w.ino, link.ino);
	assert_string_equal(w.rest, "/more/x");
	assert_int_equal(walk(&m, "link/", &w), EXT2_WALK_SYMLINK);
	assert_string_equal(w.rest, "/");
	link = inode_at(&m, "longlink");
	assert_int_equal(ext2_readlink(&m.fs, &link, target, sizeof(target)), 95);
	assert_memory_equal(target, "dir/sub/deeper/xxxx", 19);	/* slow: a data block */
	assert_int_equal(ext2_readlink(&m.fs, &file, target, sizeof(target)), -EINVAL);

	assert_int_equal(walk(&m, "nope", &w), -ENOENT);
	assert_int_equal(walk(&m, "dir/nope/file.txt", &w), -ENOENT);
	assert_int_equal(walk(&m, "hello.txt/x", &w), -ENOTDIR);
	assert_int_equal(walk(&m, "hello.txt/", &w), -ENOTDIR);
	memset(buf, 'a', 256);
	buf[256] = '\0';
	assert_int_equal(walk(&m, buf, &w), -ENAMETOOLONG);
	memset(buf, '/', EXT2_PATH_MAX);
	buf[EXT2_PATH_MAX] = '\0';
	assert_int_equal(walk(&m, buf, &w), -ENAMETOOLONG);
	buf[EXT2_PATH_MAX - 1] = '\0';
	assert_int_equal(walk(&m, buf, &w), 0);			/* 4095 bytes is fine */

	/* a bound on the components: 256 "." are fine, 257 a loop */
	buf[0] = '\0';
	for (int i = 0; i < EXT2_STEPS_MAX; i++)
		append(buf, "./");
	assert_int_equal(walk(&m, buf, &w), 0);
	append(buf, ".");
	assert_int_equal(walk(&m, buf, &w), -ELOOP);
	close_img(&m);
}

/* Revision 0: 128-byte inodes, no filetype (16-bit name_len), no large_file. */
static void revision0(void **state)
{
	static const char *const names[] = { "a.txt", "empty", "sub/b.bin", "sub/c.bin" };
	struct img m;

	(void)state;
	open_img(&m, "ext2-rev0.img");
	for (size_t i = 0; i < 4; i++)
		check_file(&m, "tree", names[i], 777);
	assert_int_equal(list(&m, "/", ".", "tree"), 6);	/* ., .., lost+found, 3 */
	assert_int_equal(list(&m, "sub", "sub", "tree"), 4);
	close_img(&m);
}

/* ---- damaged images ------------------------------------------------------------ */

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

#define SB(m, off)	((m)->b.data + 1024 + (off))

/* Where inode ino lies in the image (computed here independently of the reader). */
static uint8_t *inode_bytes(struct img *m, uint32_t ino)
{
	uint32_t bs = m->fs.block_size, ipg = get32(SB(m, 40));
	uint8_t *gd = m->b.data + (size_t)(get32(SB(m, 20)) + 1) * bs + (ino - 1) / ipg * 32;

	return m->b.data + (size_t)get32(gd + 8) * bs + (ino - 1) % ipg * m->fs.inode_size;
}

/* The directory entry of name in the first block of directory path. */
static uint8_t *dirent_bytes(struct img *m, const char *path, const char *name)
{
	struct ext2_inode d = inode_at(m, path);
	uint32_t b;
	uint8_t *p, *end;

	assert_int_equal(ext2_bmap(&m->fs, &d, 0, &b), 0);
	p = m->b.data + (size_t)b * m->fs.block_size;
	end = p + m->fs.block_size;
	for (; p < end; p += p[4] | p[5] << 8)
		if ((size_t)p[6] == strlen(name) && memcmp(p + 8, name, p[6]) == 0)
			return p;
	fail_msg("no entry %s in %s", name, path);
	return NULL;
}

/* A fresh copy of a good image, mounted, to damage. */
static void fresh(struct img *m, const struct blob *good)
{
	m->b.len = good->len;
	m->b.data = malloc(good->len);
	assert_non_null(m->b.data);
	memcpy(m->b.data, good->data, good->len);
	assert_int_equal(mount_blob(m), 0);
}

/* Mount must now refuse with err and say why. */
static void refused(struct img *m, int err)
{
	m->fs.why = NULL;
	assert_int_equal(mount_blob(m), err);
	assert_non_null(m->fs.why);
	free(m->b.data);
}

static void bad_superblocks(void **state)
{
	struct blob good = fixture_blob("ext2-4k.img");
	struct img m;

	(void)state;
	fresh(&m, &good);
	SB(&m, 56)[0] ^= 0xff;			/* s_magic */
	refused(&m, -EINVAL);
	fresh(&m, &good);
	put32(SB(&m, 24), 20);			/* s_log_block_size: 1 GiB blocks */
	refused(&m, -EINVAL);
	fresh(&m, &good);
	put32(SB(&m, 24), 0);			/* 1 KiB blocks with s_first_data_block 0 */
	refused(&m, -EINVAL);
	fresh(&m, &good);
	put32(SB(&m, 76), 2);			/* s_rev_level */
	refused(&m, -EINVAL);
	fresh(&m, &good);
	put16(SB(&m, 88), 100);			/* s_inode_size */
	refused(&m, -EINVAL);
	fresh(&m, &good);
	put32(SB(&m, 32), 0);			/* s_blocks_per_group */
	refused(&m, -EINVAL);
	fresh(&m, &good);
	put32(SB(&m, 40), 1u << 20);		/* s_inodes_per_group */
	refused(&m, -EINVAL);
	fresh(&m, &good);
	put32(SB(&m, 0), 0xfffffff0);		/* s_inodes_count beyond the groups */
	refused(&m, -EINVAL);
	fresh(&m, &good);
	put32(SB(&m, 4), 0xfffffff0);		/* s_blocks_count beyond the image */
	refused(&m, -EINVAL);
	fresh(&m, &good);
	put32(SB(&m, 96), get32(SB(&m, 96)) | 0x40);	/* incompat: extents */
	refused(&m, -EINVAL);
	fresh(&m, &good);
	put32(SB(&m, 100), get32(SB(&m, 100)) | 0x400);	/* ro_compat: metadata_csum */
	refused(&m, -EINVAL);
	fresh(&m, &good);
	put32(m.b.data + 4096 + 8, 0xffffff00);	/* group 0's bg_inode_table */
	refused(&m, -EINVAL);
	fresh(&m, &good);
	put32(m.b.data + 4096 + 8, get32(SB(&m, 4)) - 1);	/* the table would run past the end */
	refused(&m, -EINVAL);
	fresh(&m, &good);
	put16(inode_bytes(&m, EXT2_ROOT_INO), 0x81a4);	/* the root a regular file */
	refused(&m, -EINVAL);
	free(good.data);
}

static void truncated(void **state)
{
	struct blob good = fixture_blob("ext2-1k.img");
	struct img m;
	struct ext2_inode in;
	uint8_t buf[4096];

	(void)state;
	for (size_t len = 0; len < 4096; len += 511) {	/* not even a superblock */
		fresh(&m, &good);
		m.b.len = len;
		refused(&m, -EINVAL);
	}
	fresh(&m, &good);
	m.b.len = good.len / 2;			/* cut in half */
	refused(&m, -EINVAL);

	/* a disk that shrinks under a mounted file system: reads fail, no overrun */
	fresh(&m, &good);
	in = inode_at(&m, "big.bin");
	m.mem.len = 2048;			/* the superblock, no more */
	assert_int_equal(ext2_read(&m.fs, &in, 0, buf, sizeof(buf)), -EIO);
	assert_non_null(m.fs.why);
	assert_int_equal(ext2_read_inode(&m.fs, in.ino, &in), -EIO);
	free(m.b.data);
	free(good.data);
}

static void bad_block_numbers(void **state)
{
	struct blob good = fixture_blob("ext2-1k.img");
	struct img m;
	struct ext2_inode in;
	uint8_t buf[1024];
	uint32_t b;

	(void)state;
	fresh(&m, &good);
	in = inode_at(&m, "small.bin");
	put32(inode_bytes(&m, in.ino) + 40, 0xfffffff0);	/* i_block[0] */
	in = inode_at(&m, "small.bin");
	assert_int_equal(ext2_read(&m.fs, &in, 0, buf, sizeof(buf)), -EIO);
	assert_string_equal(m.fs.why, "block out of range");
	free(m.b.data);

	fresh(&m, &good);
	in = inode_at(&m, "big.bin");
	put32(inode_bytes(&m, in.ino) + 40 + 12 * 4, m.fs.blocks_count);	/* i_block[12] */
	in = inode_at(&m, "big.bin");
	assert_int_equal(ext2_read(&m.fs, &in, 0, buf, sizeof(buf)), sizeof(buf));
	assert_int_equal(ext2_read(&m.fs, &in, 12 * 1024, buf, sizeof(buf)), -EIO);
	free(m.b.data);

	/* an entry inside the double indirect block (i_block[13]) */
	fresh(&m, &good);
	in = inode_at(&m, "big.bin");
	assert_int_equal(ext2_bmap(&m.fs, &in, 12 + 256, &b), 0);
	put32(m.b.data + (size_t)in.block[13] * 1024, 1);	/* the superblock's block */
	assert_int_equal(ext2_read(&m.fs, &in, (12 + 256) * 1024, buf, sizeof(buf)), -EIO);
	assert_int_equal(ext2_read(&m.fs, &in, (12 + 255) * 1024, buf, sizeof(buf)), sizeof(buf));
	free(m.b.data);

	fresh(&m, &good);
	assert_int_equal(ext2_read_inode(&m.fs, 0, &in), -EINVAL);
	assert_int_equal(ext2_read_inode(&m.fs, m.fs.inodes_count + 1, &in), -EINVAL);
	free(m.b.data);
	free(good.data);
}

/* Damage the entry of name in dir (at +off, 16 or 32 bits), then expect err resolving path. */
static void bad_entry(const struct blob *good, const char *name, int off, int bits, uint32_t v,
		      const char *path, int err)
{
	struct img m;
	struct ext2_walk w;
	uint8_t *e;

	fresh(&m, good);
	e = dirent_bytes(&m, "dir", name);
	if (bits == 16)
		put16(e + off, (uint16_t)v);
	else if (bits == 8)
		e[off] = (uint8_t)v;
	else
		put32(e + off, v);
	m.fs.why = NULL;
	assert_int_equal(ext2_resolve(&m.fs, path, &w), err);
	assert_non_null(m.fs.why);
	free(m.b.data);
}

static void bad_directories(void **state)
{
	struct blob good = fixture_blob("ext2-4k.img");

	(void)state;
	bad_entry(&good, ".", 4, 16, 0, "dir/sub", -EIO);		/* rec_len 0 */
	bad_entry(&good, ".", 4, 16, 4, "dir/sub", -EIO);		/* rec_len below 8 */
	bad_entry(&good, ".", 4, 16, 14, "dir/sub", -EIO);		/* not 4-aligned */
	bad_entry(&good, ".", 4, 16, 4096 + 12, "dir/sub", -EIO);	/* overruns the block */
	bad_entry(&good, "sub", 4, 16, 4096 - 12, "dir/sub", -EIO);	/* overruns from inside */
	bad_entry(&good, ".", 6, 8, 9, "dir/sub", -EIO);		/* name_len 9 in 12 bytes */
	bad_entry(&good, "sub", 0, 32, 0x7fffffff, "dir/sub", -EIO);	/* inode out of range */
	bad_entry(&good, "sub", 6, 8, 0, "dir/sub", -EIO);		/* an empty name */
	free(good.data);
}

/* A directory's i_size: whole blocks, no bigger than the disk; a hole is corrupt. */
static void bad_directory_sizes(void **state)
{
	struct blob good = fixture_blob("ext2-4k.img");
	struct img m;
	struct ext2_walk w;
	uint8_t *size;

	(void)state;
	fresh(&m, &good);
	size = inode_bytes(&m, inode_at(&m, "dir").ino) + 4;		/* i_size */
	put32(size, 100);
	assert_int_equal(ext2_resolve(&m.fs, "dir/sub", &w), -EIO);	/* not whole blocks */
	put32(size, 0xfffff000);
	assert_int_equal(ext2_resolve(&m.fs, "dir/sub", &w), -EIO);	/* bigger than the disk */
	put32(size, 8192);
	assert_int_equal(ext2_resolve(&m.fs, "dir/sub", &w), 0);	/* a hole after: found first */
	assert_int_equal(ext2_resolve(&m.fs, "dir/nothing", &w), -EIO);	/* the hole: rec_len 0 */
	free(m.b.data);
	free(good.data);
}

/* loop/d/x made to name loop itself: any depth resolves, up to the step bound. */
static void directory_loop(void **state)
{
	struct blob good = fixture_blob("ext2-4k.img");
	struct img m;
	struct ext2_walk w;
	uint32_t loop_ino, d_ino;
	char path[2048] = "loop";

	(void)state;
	fresh(&m, &good);
	loop_ino = inode_at(&m, "loop").ino;
	d_ino = inode_at(&m, "loop/d").ino;
	put32(dirent_bytes(&m, "loop/d", "x"), loop_ino);
	assert_int_equal(walk(&m, "loop/d/x/d/x/d", &w), 0);
	assert_int_equal(w.ino, d_ino);
	for (int i = 1; i < EXT2_STEPS_MAX; i += 2)
		append(path, "/d/x");
	assert_int_equal(walk(&m, path, &w), -ELOOP);
	free(m.b.data);
	free(good.data);
}

/* ---- random damage ---------------------------------------------------------------- */

#define WALK_DEPTH	6

/* An error must come with a reason. */
static void check_err(struct img *m, int64_t err)
{
	if (err < 0)
		assert_non_null(m->fs.why);
}

/* Read everything under inode ino (bounded); only crashes and silent errors fail. */
static void walk_all(struct img *m, uint32_t ino, int depth)
{
	static uint8_t buf[65536];
	struct ext2_inode in;
	struct ext2_dirent de;
	uint64_t pos = 0;
	int err, n = 0;

	m->fs.why = NULL;
	if ((err = ext2_read_inode(&m->fs, ino, &in)) < 0) {
		check_err(m, err);
		return;
	}
	if (!ext2_is_dir(&in)) {
		check_err(m, ext2_read(&m->fs, &in, 0, buf, sizeof(buf)));
		if (in.size > sizeof(buf))
			check_err(m, ext2_read(&m->fs, &in, in.size - 4096, buf, 4096));
		return;
	}
	while (depth < WALK_DEPTH && n++ < 1000 && (err = ext2_readdir(&m->fs, &in, &pos, &de)) > 0)
		if (strcmp(de.name, ".") && strcmp(de.name, ".."))
			walk_all(m, de.ino, depth + 1);
	check_err(m, err);
}

/* The blocks of every directory under ino (on the good image), appended to list. */
static void dir_blocks(struct img *m, uint32_t ino, uint32_t *list, int *n, int max)
{
	struct ext2_inode in;
	struct ext2_dirent de;
	uint64_t pos = 0;

	assert_int_equal(ext2_read_inode(&m->fs, ino, &in), 0);
	if (!ext2_is_dir(&in))
		return;
	for (uint64_t l = 0; l < in.size / m->fs.block_size && *n < max; l++)
		assert_int_equal(ext2_bmap(&m->fs, &in, l, &list[(*n)++]), 0);
	while (ext2_readdir(&m->fs, &in, &pos, &de) > 0)
		if (strcmp(de.name, ".") && strcmp(de.name, ".."))
			dir_blocks(m, de.ino, list, n, max);
}

/*
 * Random bytes of the 1 KiB image's metadata overwritten, 300 times: the
 * superblock and group table, the used inodes, the directory blocks. Then
 * mount and read everything: errors are expected, crashes are not.
 */
static void random_damage(void **state)
{
	struct blob good = fixture_blob("ext2-1k.img");
	uint32_t dirs[64];
	uint64_t itable, at[6];
	uint8_t was[6];
	int ndirs = 0, mounted = 0;
	struct img m;

	(void)state;
	fresh(&m, &good);
	dir_blocks(&m, EXT2_ROOT_INO, dirs, &ndirs, 64);
	itable = (uint64_t)get32(m.b.data + 2048 + 8) * 1024;	/* group 0's inode table */
	srand(10);
	for (int round = 0; round < 300; round++) {
		for (int k = 0; k < 6; k++) {
			switch (rand() % 3) {
			case 0:
				at[k] = 1024 + (uint64_t)(rand() % 2048);	/* superblock, group table */
				break;
			case 1:
				at[k] = itable + (uint64_t)(rand() % (240 * 256));	/* the used inodes */
				break;
			default:
				at[k] = (uint64_t)dirs[rand() % ndirs] * 1024 + (uint64_t)(rand() % 1024);
			}
			was[k] = m.b.data[at[k]];
			m.b.data[at[k]] = (uint8_t)rand();
		}
		m.fs.why = NULL;
		if (mount_blob(&m) < 0) {
			assert_non_null(m.fs.why);
		} else {
			mounted++;
			walk_all(&m, EXT2_ROOT_INO, 0);
		}
		for (int k = 5; k >= 0; k--)	/* undo, last first (a byte may repeat) */
			m.b.data[at[k]] = was[k];
	}
	assert_true(mounted > 100);	/* most damage is past the superblock */
	free(m.b.data);
	free(good.data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mounts),
		cmocka_unit_test_prestate(files_match, "ext2-4k.img"),
		cmocka_unit_test_prestate(files_match, "ext2-1k.img"),
		cmocka_unit_test(block_map_levels),
		cmocka_unit_test_prestate(sparse_file, "ext2-4k.img"),
		cmocka_unit_test_prestate(sparse_file, "ext2-1k.img"),
		cmocka_unit_test_prestate(directories, "ext2-4k.img"),
		cmocka_unit_test_prestate(directories, "ext2-1k.img"),
		cmocka_unit_test(paths),
		cmocka_unit_test(revision0),
		cmocka_unit_test(bad_superblocks),
		cmocka_unit_test(truncated),
		cmocka_unit_test(bad_block_numbers),
		cmocka_unit_test(bad_directories),
		cmocka_unit_test(bad_directory_sizes),
		cmocka_unit_test(directory_loop),
		cmocka_unit_test(random_damage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
