/*
 * /dev (docs/fs.md): null (reads the end, swallows writes), zero (reads
 * zeros), console (writes to the kernel's console; reads lines the UART's
 * typist finished, line-edited: lined.c), pagecache (reads the page
 * cache's figures, one line). A console read with no line
 * would wait: it parks (park.c) until devfs_console_input finishes one.
 *
 * Typed bytes wait raw (typeahead) until a reader wants a line; only then
 * are they edited and echoed. What a typist sends ahead is so echoed when
 * the next reader (often the shell) takes it, never in the middle of the
 * output of the program running meanwhile.
 */
#include <stdio.h>
#include <string.h>
#include "devfs.h"
#include "file.h"
#include "mapobj.h"
#include "park.h"
#include "tree.h"

static struct tnode root, null_dev, zero_dev, console_dev, pagecache_dev;
static struct lined lined;
static bool made;

#define TYPEAHEAD_MAX	4096		/* raw bytes waiting for a reader; more are dropped */
static uint8_t typeahead[TYPEAHEAD_MAX];
static size_t ta_first, ta_len;
static unsigned ta_dropped;

/* Typeahead into the line editor until it has a finished line (or runs out). */
static void cook(void)
{
	while (ta_len && !lined.clen) {
		lined_input(&lined, typeahead[ta_first]);
		ta_first = (ta_first + 1) % TYPEAHEAD_MAX;
		ta_len--;
	}
}

static int64_t null_read(struct node *n, uint64_t off, void *buf, size_t len)
{
	(void)n, (void)off, (void)buf, (void)len;
	return 0;
}

static int64_t null_write(struct node *n, uint64_t off, const void *buf, size_t len)
{
	(void)n, (void)off, (void)buf;
	return (int64_t)len;
}

static int64_t zero_read(struct node *n, uint64_t off, void *buf, size_t len)
{
	(void)n, (void)off;
	memset(buf, 0, len);
	return (int64_t)len;
}

/* "cap C pages P high H evicted E written W\n": pc_stats, in pages. */
static int64_t pagecache_read(struct node *n, uint64_t off, void *buf, size_t len)
{
	char text[160];
	int l = snprintf(text, sizeof(text), "cap %llu pages %llu high %llu evicted %llu written %llu\n",
			 (unsigned long long)pc_stats.cap, (unsigned long long)pc_stats.pages,
			 (unsigned long long)pc_stats.high, (unsigned long long)pc_stats.evicted,
			 (unsigned long long)pc_stats.written);

	(void)n;
	if (l < 0 || off >= (uint64_t)l)
		return 0;
	if (len > (uint64_t)l - off)
		len = (size_t)((uint64_t)l - off);
	memcpy(buf, text + off, len);
	return (int64_t)len;
}

static int64_t console_read(struct node *n, uint64_t off, void *buf, size_t len)
{
	(void)n, (void)off;
	if (!len)
		return 0;
	cook();
	return lined_read(&lined, buf, len);
}

static int64_t console_write(struct node *n, uint64_t off, const void *buf, size_t len)
{
	(void)n, (void)off;
	console_out(buf, len);
	return (int64_t)len;
}

static const struct node_ops dir_ops = {
	.readdir = tree_readdir,
	.lookup = tree_lookup,
	.parent = tree_parent,
};
static const struct node_ops null_ops = { .read = null_read, .write = null_write };
static const struct node_ops zero_ops = { .read = zero_read, .write = null_write };
static const struct node_ops console_ops = { .read = console_read, .write = console_write };
static const struct node_ops pagecache_ops = { .read = pagecache_read };

static void echo(const char *s, size_t len)
{
	console_out(s, len);
}

static void dev(struct tnode *t, const char *name, const struct node_ops *ops, uint32_t rdev)
{
	t->node = (struct node){ .ops = ops, .refs = 1, .mode = S_IFCHR | 0666, .nlink = 1,
				 .dev = FL_FS_DEV_DEVFS, .rdev = rdev, .ino = rdev + 1,
				 .stream = rdev == FL_FS_RDEV_CONSOLE };
	tree_add(&root, t, name, strlen(name));
}

struct node *devfs_new(void)
{
	if (made)
		return &root.node;
	made = true;
	root.node = (struct node){ .ops = &dir_ops, .refs = 1, .mode = S_IFDIR | 0755,
				   .nlink = 2, .dev = FL_FS_DEV_DEVFS, .ino = 1 };
	tree_init_root(&root);
	dev(&null_dev, "null", &null_ops, FL_FS_RDEV_NULL);
	dev(&zero_dev, "zero", &zero_ops, FL_FS_RDEV_ZERO);
	dev(&console_dev, "console", &console_ops, FL_FS_RDEV_CONSOLE);
	dev(&pagecache_dev, "pagecache", &pagecache_ops, FL_FS_RDEV_PAGECACHE);
	lined_init(&lined, echo);
	return &root.node;
}

struct node *devfs_console(void)
{
	return made ? &console_dev.node : NULL;
}

struct lined *devfs_lined(void)
{
	return &lined;
}

void devfs_console_input(uint8_t c)
{
	if (ta_len == TYPEAHEAD_MAX) {
		ta_dropped++;
		return;
	}
	typeahead[(ta_first + ta_len++) % TYPEAHEAD_MAX] = c;
	node_wake(&console_dev.node);	/* a parked reader takes it */
}
