/* Sparse page maps (pagemap.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "pagemap.h"

#define LEAF_PAGES	64	/* 512 bytes of entries: small objects stay small */

struct pagemap_leaf {
	uint64_t index;				/* covers pages index * LEAF_PAGES.. */
	unsigned used;				/* entries set */
	void *entry[LEAF_PAGES];
};

/* The slot of the leaf for index, or where it would go. */
static unsigned find(const struct pagemap *m, uint64_t index)
{
	unsigned lo = 0, hi = m->count;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;

		if (m->leaves[mid]->index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct pagemap_leaf *leaf_of(const struct pagemap *m, uint64_t page)
{
	unsigned i = find(m, page / LEAF_PAGES);

	return i < m->count && m->leaves[i]->index == page / LEAF_PAGES ? m->leaves[i] : NULL;
}

void *pagemap_get(const struct pagemap *m, uint64_t page)
{
	const struct pagemap_leaf *l = leaf_of(m, page);

	return l ? l->entry[page % LEAF_PAGES] : NULL;
}

static struct pagemap_leaf *leaf_new(struct pagemap *m, uint64_t page)
{
	unsigned i = find(m, page / LEAF_PAGES);
	struct pagemap_leaf *l;

	if (m->count == m->cap) {
		unsigned cap = m->cap ? 2 * m->cap : 4;
		void *p = realloc(m->leaves, cap * sizeof(*m->leaves));

		if (!p)
			return NULL;
		m->leaves = p;
		m->cap = cap;
	}
	if (!(l = calloc(1, sizeof(*l))))
		return NULL;
	l->index = page / LEAF_PAGES;
	memmove(&m->leaves[i + 1], &m->leaves[i], (m->count - i) * sizeof(*m->leaves));
	m->leaves[i] = l;
	m->count++;
	return l;
}

int pagemap_set(struct pagemap *m, uint64_t page, void *v)
{
	struct pagemap_leaf *l = leaf_of(m, page);

	if (!l && !(l = leaf_new(m, page)))
		return -ENOMEM;
	if (!l->entry[page % LEAF_PAGES])
		l->used++;
	l->entry[page % LEAF_PAGES] = v;
	return 0;
}

/* Take the leaf in slot i out if it holds nothing. */
static void drop_if_empty(struct pagemap *m, unsigned i)
{
	if (m->leaves[i]->used)
		return;
	free(m->leaves[i]);
	memmove(&m->leaves[i], &m->leaves[i + 1], (m->count - i - 1) * sizeof(*m->leaves));
	m->count--;
}

void pagemap_clear(struct pagemap *m, uint64_t page)
{
	unsigned i = find(m, page / LEAF_PAGES);
	struct pagemap_leaf *l;

	if (i == m->count || (l = m->leaves[i])->index != page / LEAF_PAGES ||
	    !l->entry[page % LEAF_PAGES])
		return;
	l->entry[page % LEAF_PAGES] = NULL;
	l->used--;
	drop_if_empty(m, i);
}

void pagemap_each(struct pagemap *m, uint64_t first, uint64_t n,
		  bool (*fn)(uint64_t page, void *entry, void *arg), void *arg)
{
	uint64_t end = n > UINT64_MAX - first ? UINT64_MAX : first + n;
	unsigned i, kept;

	if (!m->count)
		return;
	i = kept = find(m, first / LEAF_PAGES);
	/* the leaves emptied go, the others move down into place */
	for (; i < m->count; i++) {
		struct pagemap_leaf *l = m->leaves[i];
		uint64_t base = l->index * LEAF_PAGES;
		unsigned k = first > base ? (unsigned)(first - base) : 0;
		unsigned to = end - base < LEAF_PAGES ? (unsigned)(end - base) : LEAF_PAGES;

		if (base >= end)
			break;
		for (; k < to && l->used; k++) {
			if (l->entry[k] && fn(base + k, l->entry[k], arg)) {
				l->entry[k] = NULL;
				l->used--;
			}
		}
		if (l->used)
			m->leaves[kept++] = l;
		else
			free(l);
	}
	if (kept < i)
		memmove(&m->leaves[kept], &m->leaves[i], (m->count - i) * sizeof(*m->leaves));
	m->count -= i - kept;
}

int pagemap_copy(struct pagemap *dst, const struct pagemap *src,
		 int (*fn)(uint64_t page, void *entry, void *arg), void *arg)
{
	int err = 0;

	if (dst->count)
		return -EINVAL;
	if (dst->cap < src->count) {
		void *p = realloc(dst->leaves, src->cap * sizeof(*dst->leaves));

		if (!p)
			return -ENOMEM;
		dst->leaves = p;
		dst->cap = src->cap;
	}
	for (unsigned i = 0; i < src->count && !err; i++) {
		const struct pagemap_leaf *s = src->leaves[i];
		struct pagemap_leaf *l = malloc(sizeof(*l));

		if (!l)
			return -ENOMEM;
		l->index = s->index;
		l->used = 0;
		for (unsigned k = 0; k < LEAF_PAGES; k++) {
			void *e = s->entry[k];

			l->entry[k] = NULL;
			if (e && !err && !(err = fn(l->index * LEAF_PAGES + k, e, arg))) {
				l->entry[k] = e;
				l->used++;
			}
		}
		if (l->used)
			dst->leaves[dst->count++] = l;
		else
			free(l);
	}
	return err;
}

void pagemap_free(struct pagemap *m)
{
	for (unsigned i = 0; i < m->count; i++)
		free(m->leaves[i]);
	free(m->leaves);
	*m = (struct pagemap){ 0 };
}
