/*
 * Named trees of nodes in memory: the directories of the bootfs, the
 * tmpfs and the devfs (tree.c). A tnode embeds its node first, so a
 * node of these file systems is a tnode; its name is its one link (no
 * hard links here).
 */
#pragma once

#include "vfs.h"

struct tnode {
	struct node node;
	struct tnode *parent;		/* the root: itself */
	struct tnode *child;		/* a directory's first entry */
	struct tnode *next;		/* the next entry of the parent */
	char name[FL_FS_NAME_MAX + 1];
};

static inline struct tnode *tnode_of(struct node *n)
{
	return (struct tnode *)n;
}

/* Set up t as a directory root / an entry, with n's fields given. */
void tree_init_root(struct tnode *t);
void tree_add(struct tnode *dir, struct tnode *t, const char *name, size_t len);
void tree_unlink(struct tnode *t);
struct tnode *tree_find(struct tnode *dir, const char *name, size_t len);
bool tree_empty(const struct tnode *dir);
/* Is t dir itself or below it? */
bool tree_within(const struct tnode *t, const struct tnode *dir);

/* Directory operations for node_ops: "." and "..", then the entries in order. */
int tree_readdir(struct node *n, uint64_t index, struct dent *d);
int tree_lookup(struct node *n, const char *name, size_t len, struct node **out);
struct node *tree_parent(struct node *n);
