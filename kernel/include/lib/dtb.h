/*
 * A read-only flattened device tree (DTB) parser. Every access is bounds
 * checked: a malformed blob yields errors, never a wild read.
 * Nodes are named by the offset of their BEGIN_NODE token in the blob.
 */
#pragma once

#include <types.h>

#define DTB_MAGIC	0xd00dfeedu

struct dtb {
	const uint8_t *blob;
	uint32_t size;		/* totalsize from the header */
	uint32_t off_struct, size_struct;
	uint32_t off_strings, size_strings;
	uint32_t off_rsvmap;
};

/* Check the header of the blob at p (at most max bytes readable). 0 or -EINVAL. */
int dtb_open(struct dtb *f, const void *p, size_t max);

/* The size a header claims, or 0 if p holds no DTB header; for reserving it. */
uint32_t dtb_header_size(const void *p);

/* The root node. */
int dtb_root(const struct dtb *f);

/*
 * The node after node in depth-first order; *depth is adjusted (+1 for a
 * child, 0 for a sibling, negative for going up). -ENOENT at the end,
 * -EINVAL if the structure is malformed.
 */
int dtb_next_node(const struct dtb *f, int node, int *depth);

/* The node's name ("" for the root), or NULL if node is not a node. */
const char *dtb_node_name(const struct dtb *f, int node);

/* A property's value and length, or NULL if absent. */
const void *dtb_getprop(const struct dtb *f, int node, const char *name, int *len);

/* A direct child named name (exactly, or name@unit when name has no '@'). */
int dtb_subnode(const struct dtb *f, int parent, const char *name);

/* The node at an absolute path like "/chosen"; -ENOENT if absent. */
int dtb_path(const struct dtb *f, const char *path);

/* Does the node's "compatible" list contain compat? */
bool dtb_compatible(const struct dtb *f, int node, const char *compat);

/* The next node after 'after' (-1: from the start) compatible with compat, or -ENOENT. */
int dtb_find_compatible(const struct dtb *f, int after, const char *compat);

/* The next node after 'after' (-1: from the start) whose device_type is type, or -ENOENT. */
int dtb_find_device_type(const struct dtb *f, int after, const char *type);

/* A big-endian value of ncells 32-bit cells (1 or 2). */
uint64_t dtb_read_cells(const void *p, int ncells);

/*
 * Entry index of a node's "reg", decoded with the #address-cells and
 * #size-cells of its parent (the root's, for children of the root).
 * 0, -ENOENT if there is no such entry, -EINVAL if malformed.
 */
int dtb_reg(const struct dtb *f, int node, int index, uint64_t *addr, uint64_t *size);

/* Memory reservation block entry index: 0, or -ENOENT past the last. */
int dtb_mem_rsv(const struct dtb *f, int index, uint64_t *addr, uint64_t *size);
