/*
 * The page cache (docs/fs.md "Mappings"): the pages of the files the
 * pager maps, one frame each, shared by handle with the pager, which maps
 * them straight into processes. A page is filled from the file when the
 * pager first asks for it (holes and what lies past the end: zeros) and
 * stays until its object goes (FL_FS_EV_UNREF), a truncate leaves it
 * wholly past the end, or it is evicted to keep the cache within its
 * budget (pagecache= on the command line).
 *
 * The frames are where a cached page's bytes are: read() of a cached page
 * takes its frame's bytes (what a MAP_SHARED writer put there), write()
 * puts its bytes into the frame as well as into the file. The backend's
 * copy of a page a mapping wrote is brought up to date by pc_writeback.
 *
 * Each object finds its pages through a page map (index -> struct cpage);
 * every cached page of every object is also on one list, oldest first,
 * which eviction walks.
 */
#include <stdlib.h>
#include <string.h>
#include <faultline/abi.h>
#include "mapobj.h"

struct pc_stats pc_stats;
static struct cpage *oldest, *newest;

static uint64_t page_off(uint64_t index)
{
	return index * PC_PAGE;
}

void pc_set_budget(uint64_t pages)
{
	pc_stats.cap = pages;
}

uint64_t pc_budget_option(const char *line, size_t max)
{
	static const char key[] = "pagecache=";
	size_t len = strnlen(line, max), k = sizeof(key) - 1;

	for (size_t i = 0; i + k < len; i++) {
		const char *at = line + i + k;
		char *end;
		uint64_t bytes;

		if ((i && line[i - 1] != ' ') || memcmp(line + i, key, k) || *at < '0' || *at > '9')
			continue;
		bytes = strtoull(at, &end, 10);
		if (*end == 'K')
			bytes <<= 10, end++;
		else if (*end == 'M')
			bytes <<= 20, end++;
		else if (*end == 'G')
			bytes <<= 30, end++;
		if (end < line + len && *end != ' ')
			return 0;
		return bytes < PC_PAGE ? 1 : bytes / PC_PAGE;
	}
	return 0;
}

struct cpage *pc_find(struct mapobj *m, uint64_t index)
{
	return pagemap_get(&m->pages, index);
}

/* What frames_copy does to each cached page it meets. */
struct copy {
	uint64_t off, len;
	uint8_t *buf;			/* NULL: zero the frames' bytes */
	bool to_frames;
};

static bool copy_page(uint64_t index, void *entry, void *arg)
{
	struct cpage *p = entry;
	struct copy *c = arg;
	uint64_t from = page_off(index), to = from + PC_PAGE, end = c->off + c->len, a, b;

	a = from > c->off ? from : c->off;
	b = to < end ? to : end;
	if (a >= b)
		return false;
	if (!c->buf)
		memset(p->data + (a - from), 0, (size_t)(b - a));
	else if (c->to_frames)
		memcpy(p->data + (a - from), c->buf + (a - c->off), (size_t)(b - a));
	else
		memcpy(c->buf + (a - c->off), p->data + (a - from), (size_t)(b - a));
	return false;
}

/*
 * Every cached page of m meeting the bytes [off, off + len) of the file:
 * copy from buf into the frames (to_frames), from the frames into buf, or
 * (buf NULL) zero the frames' bytes there.
 */
static void frames_copy(struct mapobj *m, uint64_t off, void *buf, uint64_t len, bool to_frames)
{
	struct copy c = { off, len, buf, to_frames };
	uint64_t first = off / PC_PAGE;

	if (len)
		pagemap_each(&m->pages, first, (off + len - 1) / PC_PAGE - first + 1, copy_page, &c);
}

int64_t pc_read(struct node *n, uint64_t off, void *buf, size_t len)
{
	int64_t r = n->ops->read(n, off, buf, len);

	if (r > 0 && n->mobj)
		frames_copy(n->mobj, off, buf, (uint64_t)r, false);
	return r;
}

int64_t pc_write(struct node *n, uint64_t off, const void *buf, size_t len)
{
	uint64_t old = n->size;
	int64_t r = n->ops->write(n, off, buf, len);

	if (r > 0 && n->mobj) {
		if (off > old)		/* a hole the write made: zeros, whatever lay past the old end */
			frames_copy(n->mobj, old, NULL, off - old, false);
		frames_copy(n->mobj, off, (void *)buf, (uint64_t)r, true);
	}
	return r;
}

int pc_truncate(struct node *n, uint64_t len)
{
	uint64_t old = n->size, z = len < old ? len : old;
	int err = n->ops->truncate(n, len);

	if (err || !n->mobj)
		return err;
	/* past the lower of the two ends, the rest of its page reads as zeros from now on */
	if (z % PC_PAGE)
		frames_copy(n->mobj, z, NULL, PC_PAGE - z % PC_PAGE, false);
	/*
	 * Pages wholly past a new, lower end go, here and in the pager, which
	 * unmaps them from every mapping (their frames live on until then:
	 * the kernel counts them).
	 */
	if (len < old) {
		pc_drop_from(n->mobj, (len + PC_PAGE - 1) / PC_PAGE);
		mapsys_truncated(n->mobj->id, len);
	}
	return 0;
}

/* The list of every cached page, oldest first. */
static void list_add(struct cpage *p)
{
	p->older = newest;
	p->newer = NULL;
	if (newest)
		newest->newer = p;
	else
		oldest = p;
	newest = p;
}

static void list_remove(struct cpage *p)
{
	if (p->older)
		p->older->newer = p->newer;
	else
		oldest = p->newer;
	if (p->newer)
		p->newer->older = p->older;
	else
		newest = p->older;
}

/* p gone from the list and the counts, its frame and record freed (not from its page map). */
static void page_free(struct cpage *p)
{
	list_remove(p);
	p->obj->npages--;
	pc_stats.pages--;
	mapsys_frame_free(p->data, p->frame);
	free(p);
}

/*
 * p's bytes (up to the file's size) into the file, where they differ from
 * it (a page of a hole left as it was stays a hole): 0, p clean now, or
 * -errno, p still dirty.
 */
static int page_write(struct cpage *p)
{
	static uint8_t now[PC_PAGE];
	struct node *n = p->obj->node;
	uint64_t off = page_off(p->index);
	size_t len;
	int64_t r;

	if (off < n->size) {
		if (!n->ops->write)
			return -EROFS;
		len = n->size - off < PC_PAGE ? (size_t)(n->size - off) : PC_PAGE;
		r = n->ops->read(n, off, now, len);
		if (r != (int64_t)len || memcmp(now, p->data, len)) {
			r = n->ops->write(n, off, p->data, len);
			if (r != (int64_t)len)
				return r < 0 ? (int)r : -EIO;
			pc_stats.written++;
		}
	}
	p->dirty = false;
	return 0;
}

/* Evict p (pc_evict_one): 0, or -errno with p still cached. */
static int evict(struct cpage *p)
{
	int64_t r = mapsys_evict(p->obj->id, p->index);
	int err;

	if (r < 0 && r != -ENOENT)
		return (int)r;		/* the pager still maps it */
	if (r == 1)
		p->dirty = true;
	if (p->dirty && (err = page_write(p)))
		return err;		/* kept, dirty: the pager asks for it again */
	pagemap_clear(&p->obj->pages, p->index);
	page_free(p);
	pc_stats.evicted++;
	return 0;
}

int pc_evict_one(void)
{
	int err = -ENOMEM;

	/* the clean pages first, then the dirty ones: oldest first each time */
	for (int dirty = 0; dirty < 2; dirty++) {
		for (struct cpage *p = oldest, *next; p; p = next) {
			next = p->newer;
			if (p->dirty == dirty && !(err = evict(p)))
				return 0;
		}
	}
	return err;
}

/* Below the budget (if any) by one page at least: 0 or -errno (pc_evict_one's). */
static int make_room(void)
{
	int err;

	while (pc_stats.cap && pc_stats.pages >= pc_stats.cap)
		if ((err = pc_evict_one()))
			return err;
	return 0;
}

int pc_get(struct mapobj *m, uint64_t index, struct cpage **out)
{
	struct node *n = m->node;
	struct cpage *p = pc_find(m, index);
	int64_t r;
	int err;

	if (p) {
		*out = p;
		return 0;
	}
	if (index >= n->size / PC_PAGE + (n->size % PC_PAGE != 0))
		return -EFAULT;		/* wholly past the end */
	if ((err = make_room()))
		return err;
	if (!(p = calloc(1, sizeof(*p))))
		return -ENOMEM;
	if (mapsys_frame_new(&p->data, &p->frame)) {
		free(p);
		return -ENOMEM;
	}
	r = n->ops->read(n, page_off(index), p->data, PC_PAGE);
	if (r < 0 || pagemap_set(&m->pages, index, p)) {
		mapsys_frame_free(p->data, p->frame);
		free(p);
		return r < 0 ? -EIO : -ENOMEM;
	}
	memset(p->data + r, 0, PC_PAGE - (size_t)r);	/* past the end */
	p->index = index;
	p->obj = m;
	list_add(p);
	m->npages++;
	if (++pc_stats.pages > pc_stats.high)
		pc_stats.high = pc_stats.pages;
	*out = p;
	return 0;
}

static bool drop_page(uint64_t index, void *entry, void *arg)
{
	(void)index, (void)arg;
	page_free(entry);
	return true;
}

void pc_drop_from(struct mapobj *m, uint64_t index)
{
	pagemap_each(&m->pages, index, UINT64_MAX - index, drop_page, NULL);
}

/* The dirty bits of m's pages from the pager, into their cpages: 0 or -errno. */
static int ask_dirty(struct mapobj *m)
{
	static uint64_t idx[FL_MSG_BUF_WORDS];
	struct cpage *p;
	bool more;
	int64_t n;

	do {
		if ((n = mapsys_dirty(m->id, idx, FL_MSG_BUF_WORDS, &more)) < 0)
			return (int)n;
		for (int64_t i = 0; i < n; i++)
			if ((p = pc_find(m, idx[i])))
				p->dirty = true;
	} while (more);
	return 0;
}

static bool write_dirty(uint64_t index, void *entry, void *arg)
{
	struct cpage *p = entry;
	int *err = arg, e;

	(void)index;
	if (p->dirty && (e = page_write(p)) && !*err)
		*err = e;
	return false;
}

int pc_writeback(struct mapobj *m)
{
	int err;

	if (!m->node->ops->write)
		return -EROFS;
	err = ask_dirty(m);
	pagemap_each(&m->pages, 0, UINT64_MAX, write_dirty, &err);
	return err;
}
