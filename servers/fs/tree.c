/* Named trees of nodes in memory (tree.h). */
#include <string.h>
#include "tree.h"

void tree_init_root(struct tnode *t)
{
	t->parent = t;
	t->child = t->next = NULL;
	t->name[0] = 0;
}

/* New entries go last, so readdir lists them in the order they came. */
void tree_add(struct tnode *dir, struct tnode *t, const char *name, size_t len)
{
	struct tnode **at = &dir->child;

	while (*at)
		at = &(*at)->next;
	memcpy(t->name, name, len);
	t->name[len] = 0;
	t->parent = dir;
	t->next = NULL;			/* its own entries, if any, stay (rename) */
	*at = t;
}

void tree_unlink(struct tnode *t)
{
	struct tnode **at = &t->parent->child;

	while (*at && *at != t)
		at = &(*at)->next;
	if (*at)
		*at = t->next;
	t->next = NULL;
}

struct tnode *tree_find(struct tnode *dir, const char *name, size_t len)
{
	for (struct tnode *t = dir->child; t; t = t->next)
		if (strlen(t->name) == len && !memcmp(t->name, name, len))
			return t;
	return NULL;
}

bool tree_empty(const struct tnode *dir)
{
	return !dir->child;
}

bool tree_within(const struct tnode *t, const struct tnode *dir)
{
	for (;; t = t->parent) {
		if (t == dir)
			return true;
		if (t->parent == t)
			return false;
	}
}

int tree_readdir(struct node *n, uint64_t index, struct dent *d)
{
	struct tnode *dir = tnode_of(n), *t;

	if (index == 0) {
		dent_set(d, n->ino, FL_DT_DIR, ".", 1);
		return 1;
	}
	if (index == 1) {
		dent_set(d, dir->parent->node.ino, FL_DT_DIR, "..", 2);
		return 1;
	}
	for (t = dir->child, index -= 2; t && index; t = t->next)
		index--;
	if (!t)
		return 0;
	dent_set(d, t->node.ino, node_dt(&t->node), t->name, strlen(t->name));
	return 1;
}

int tree_lookup(struct node *n, const char *name, size_t len, struct node **out)
{
	struct tnode *t = tree_find(tnode_of(n), name, len);

	if (!t)
		return -ENOENT;
	*out = node_get(&t->node);
	return 0;
}

struct node *tree_parent(struct node *n)
{
	return &tnode_of(n)->parent->node;
}
