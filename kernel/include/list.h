/* Intrusive doubly linked lists with a sentinel head. */
#pragma once

#include <types.h>

struct list {
	struct list *next, *prev;
};

#define LIST_INIT(name) { &(name), &(name) }

static inline void list_init(struct list *l)
{
	l->next = l->prev = l;
}

static inline bool list_empty(const struct list *l)
{
	return l->next == l;
}

/* Insert n before pos (at the tail when pos is the head). */
static inline void list_insert_before(struct list *pos, struct list *n)
{
	n->prev = pos->prev;
	n->next = pos;
	pos->prev->next = n;
	pos->prev = n;
}

static inline void list_push_back(struct list *head, struct list *n)
{
	list_insert_before(head, n);
}

static inline void list_remove(struct list *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n->prev = n;
}

#define container_of(p, type, member) \
	((type *)((char *)(p) - offsetof(type, member)))
#define list_first(head, type, member) container_of((head)->next, type, member)
