/* Sparse page sets (pageset.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "pageset.h"

#define LEAF_BITS	(4096 * 8)

struct pageset_leaf {
	uint64_t index;				/* covers pages index * LEAF_BITS.. */
	uint64_t bits[LEAF_BITS / 64];
};

/* The slot of the leaf for index, or where it would go. */
static unsigned find(const struct pageset *s, uint64_t index)
{
	unsigned lo = 0, hi = s->count;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;

		if (s->leaves[mid]->index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct pageset_leaf *leaf_of(const struct pageset *s, uint64_t page)
{
	unsigned i = find(s, page / LEAF_BITS);

	return i < s->count && s->leaves[i]->index == page / LEAF_BITS ? s->leaves[i] : NULL;
}

bool pageset_has(const struct pageset *s, uint64_t page)
{
	const struct pageset_leaf *l = leaf_of(s, page);
	uint64_t bit = page % LEAF_BITS;

	return l && (l->bits[bit / 64] >> (bit % 64) & 1);
}

int pageset_add(struct pageset *s, uint64_t page)
{
	struct pageset_leaf *l = leaf_of(s, page);
	uint64_t bit = page % LEAF_BITS;

	if (!l) {
		unsigned i = find(s, page / LEAF_BITS);

		if (s->count == s->cap) {
			unsigned cap = s->cap ? 2 * s->cap : 4;
			void *p = realloc(s->leaves, cap * sizeof(*s->leaves));

			if (!p)
				return -ENOMEM;
			s->leaves = p;
			s->cap = cap;
		}
		if (!(l = calloc(1, sizeof(*l))))
			return -ENOMEM;
		l->index = page / LEAF_BITS;
		memmove(&s->leaves[i + 1], &s->leaves[i], (s->count - i) * sizeof(*s->leaves));
		s->leaves[i] = l;
		s->count++;
	}
	l->bits[bit / 64] |= 1ull << (bit % 64);
	return 0;
}

void pageset_remove(struct pageset *s, uint64_t first, uint64_t n)
{
	for (unsigned i = find(s, first / LEAF_BITS); i < s->count;) {
		struct pageset_leaf *l = s->leaves[i];
		uint64_t base = l->index * LEAF_BITS, lo, hi;
		bool empty = true;

		if (base >= first + n)
			break;
		lo = first > base ? first - base : 0;
		hi = first + n - base < LEAF_BITS ? first + n - base : LEAF_BITS;
		for (uint64_t b = lo; b < hi; b++)
			l->bits[b / 64] &= ~(1ull << (b % 64));
		for (unsigned w = 0; w < LEAF_BITS / 64 && empty; w++)
			empty = !l->bits[w];
		if (!empty) {
			i++;
			continue;
		}
		free(l);
		memmove(&s->leaves[i], &s->leaves[i + 1], (s->count - i - 1) * sizeof(*s->leaves));
		s->count--;
	}
}

void pageset_free(struct pageset *s)
{
	for (unsigned i = 0; i < s->count; i++)
		free(s->leaves[i]);
	free(s->leaves);
	*s = (struct pageset){ 0 };
}
