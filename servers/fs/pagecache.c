/*
 * The page cache (docs/fs.md "Mappings"): the pages of the files the
 * pager maps, one frame each, shared by handle with the pager, which maps
 * them straight into processes. A page is filled from the file when the
 * pager first asks for it (holes and what lies past the end: zeros) and
 * stays until its object goes (FL_FS_EV_UNREF) or a truncate leaves it
 * wholly past the end.
 *
 * The frames are where a cached page's bytes are: read() of a cached page
 * takes its frame's bytes (what a MAP_SHARED writer put there), write()
 * puts its bytes into the frame as well as into the file. The backend's
 * copy of a page a mapping wrote is brought up to date by pc_writeback.
 */
#include <stdlib.h>
#include <string.h>
#include "mapobj.h"

static uint64_t page_off(uint64_t index)
{
	return index * PC_PAGE;
}

struct cpage *pc_find(struct mapobj *m, uint64_t index)
{
	for (struct cpage *p = m->pages; p; p = p->next)
		if (p->index == index)
			return p;
	return NULL;
}

/*
 * Every cached page of m meeting the bytes [off, off + len) of the file:
 * copy from buf into the frames (to_frames), from the frames into buf, or
 * (buf NULL) zero the frames' bytes there.
 */
static void frames_copy(struct mapobj *m, uint64_t off, void *buf, uint64_t len, bool to_frames)
{
	uint64_t end = off + len;

	for (struct cpage *p = m->pages; p; p = p->next) {
		uint64_t from = page_off(p->index), to = from + PC_PAGE, a, b;

		a = from > off ? from : off;
		b = to < end ? to : end;
		if (a >= b)
			continue;
		if (!buf)
			memset(p->data + (a - from), 0, (size_t)(b - a));
		else if (to_frames)
			memcpy(p->data + (a - from), (uint8_t *)buf + (a - off), (size_t)(b - a));
		else
			memcpy((uint8_t *)buf + (a - off), p->data + (a - from), (size_t)(b - a));
	}
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

int pc_get(struct mapobj *m, uint64_t index, struct cpage **out)
{
	struct node *n = m->node;
	struct cpage *p = pc_find(m, index);
	int64_t r;

	if (p) {
		*out = p;
		return 0;
	}
	if (index >= n->size / PC_PAGE + (n->size % PC_PAGE != 0))
		return -EFAULT;		/* wholly past the end */
	if (!(p = calloc(1, sizeof(*p))))
		return -ENOMEM;
	if (mapsys_frame_new(&p->data, &p->frame)) {
		free(p);
		return -ENOMEM;
	}
	r = n->ops->read(n, page_off(index), p->data, PC_PAGE);
	if (r < 0) {
		mapsys_frame_free(p->data, p->frame);
		free(p);
		return -EIO;
	}
	memset(p->data + r, 0, PC_PAGE - (size_t)r);	/* past the end */
	p->index = index;
	p->next = m->pages;
	m->pages = p;
	m->npages++;
	*out = p;
	return 0;
}

void pc_drop_from(struct mapobj *m, uint64_t index)
{
	struct cpage **at = &m->pages, *p;

	while ((p = *at)) {
		if (p->index < index) {
			at = &p->next;
			continue;
		}
		*at = p->next;
		m->npages--;
		mapsys_frame_free(p->data, p->frame);
		free(p);
	}
}

int pc_writeback(struct mapobj *m)
{
	static uint8_t now[PC_PAGE];
	struct node *n = m->node;
	int err = 0;

	if (!n->ops->write)
		return -EROFS;
	for (struct cpage *p = m->pages; p; p = p->next) {
		uint64_t off = page_off(p->index);
		size_t len;
		int64_t r;

		if (off >= n->size)
			continue;
		len = n->size - off < PC_PAGE ? (size_t)(n->size - off) : PC_PAGE;
		/* only what differs: a page of a hole left alone stays a hole */
		r = n->ops->read(n, off, now, len);
		if (r == (int64_t)len && !memcmp(now, p->data, len))
			continue;
		r = n->ops->write(n, off, p->data, len);
		if (r != (int64_t)len && !err)
			err = r < 0 ? (int)r : -EIO;
	}
	return err;
}
