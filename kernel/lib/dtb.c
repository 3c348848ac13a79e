/* Flattened device tree parsing (Devicetree Specification v0.4, chapter 5). */
#include <errno.h>
#include <lib/dtb.h>
#include <string.h>
#include <types.h>

enum {
	FDT_BEGIN_NODE = 1,
	FDT_END_NODE = 2,
	FDT_PROP = 3,
	FDT_NOP = 4,
	FDT_END = 9,
};

static uint32_t be32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

uint64_t dtb_read_cells(const void *p, int ncells)
{
	const uint8_t *b = p;
	uint64_t v = 0;

	for (int i = 0; i < ncells; i++)
		v = v << 32 | be32(b + 4 * i);
	return v;
}

uint32_t dtb_header_size(const void *p)
{
	if (be32(p) != DTB_MAGIC)
		return 0;
	return be32((const uint8_t *)p + 4);
}

int dtb_open(struct dtb *f, const void *p, size_t max)
{
	const uint8_t *h = p;

	if (max < 40 || be32(h) != DTB_MAGIC)
		return -EINVAL;
	f->blob = h;
	f->size = be32(h + 4);
	f->off_struct = be32(h + 8);
	f->off_strings = be32(h + 12);
	f->off_rsvmap = be32(h + 16);
	f->size_strings = be32(h + 32);
	f->size_struct = be32(h + 36);
	/* version 17, compatible back to 16 (which added size_dt_struct) */
	if (be32(h + 20) < 17 || be32(h + 24) > 17)
		return -EINVAL;
	if (f->size < 40 || f->size > max)
		return -EINVAL;
	if (f->off_struct > f->size || f->size_struct > f->size - f->off_struct ||
	    f->off_strings > f->size || f->size_strings > f->size - f->off_strings ||
	    f->off_rsvmap > f->size - 16 || f->off_struct % 4 || f->off_rsvmap % 8)
		return -EINVAL;
	if (f->size_struct < 8 || be32(h + f->off_struct) != FDT_BEGIN_NODE)
		return -EINVAL;
	return 0;
}

/* The token at struct offset off, or -EINVAL past the end of the block. */
static int token(const struct dtb *f, uint32_t off)
{
	if (off % 4 || off > f->size_struct - 4)
		return -EINVAL;
	return (int)be32(f->blob + f->off_struct + off);
}

/* Length of the NUL-terminated string at struct offset off, or -1. */
static int struct_strlen(const struct dtb *f, uint32_t off)
{
	const char *s = (const char *)f->blob + f->off_struct;

	for (uint32_t i = off; i < f->size_struct; i++)
		if (s[i] == '\0')
			return (int)(i - off);
	return -1;
}

static uint32_t align4(uint32_t x)
{
	return (x + 3) & ~3u;
}

/*
 * Offset just past the token at off; *tok receives it. Negative on a
 * malformed token.
 */
static int skip_token(const struct dtb *f, uint32_t off, int *tok)
{
	int t = token(f, off), n;
	uint32_t len;

	*tok = t;
	switch (t) {
	case FDT_BEGIN_NODE:
		n = struct_strlen(f, off + 4);
		if (n < 0)
			return -EINVAL;
		return (int)(off + 4 + align4((uint32_t)n + 1));
	case FDT_PROP:
		if (off > f->size_struct - 12)
			return -EINVAL;
		len = be32(f->blob + f->off_struct + off + 4);
		if (len > f->size_struct - off - 12)
			return -EINVAL;
		return (int)(off + 12 + align4(len));
	case FDT_END_NODE:
	case FDT_NOP:
	case FDT_END:
		return (int)(off + 4);
	default:
		return -EINVAL;
	}
}

int dtb_root(const struct dtb *f)
{
	(void)f;
	return 0;
}

int dtb_next_node(const struct dtb *f, int node, int *depth)
{
	int off, tok;

	off = skip_token(f, (uint32_t)node, &tok);
	if (off < 0 || tok != FDT_BEGIN_NODE)
		return -EINVAL;
	(*depth)++;
	for (;;) {
		int next = skip_token(f, (uint32_t)off, &tok);

		if (next < 0)
			return -EINVAL;
		switch (tok) {
		case FDT_BEGIN_NODE:
			return off;
		case FDT_END_NODE:
			(*depth)--;
			break;
		case FDT_END:
			return -ENOENT;
		}
		off = next;
	}
}

const char *dtb_node_name(const struct dtb *f, int node)
{
	if (node < 0 || token(f, (uint32_t)node) != FDT_BEGIN_NODE ||
	    struct_strlen(f, (uint32_t)node + 4) < 0)
		return NULL;
	return (const char *)f->blob + f->off_struct + node + 4;
}

static const char *string_at(const struct dtb *f, uint32_t off)
{
	const char *s = (const char *)f->blob + f->off_strings;

	for (uint32_t i = off; i < f->size_strings; i++)
		if (s[i] == '\0')
			return s + off;
	return NULL;
}

const void *dtb_getprop(const struct dtb *f, int node, const char *name, int *len)
{
	int off, tok;

	off = skip_token(f, (uint32_t)node, &tok);
	if (off < 0 || tok != FDT_BEGIN_NODE)
		return NULL;
	/* properties come before the first child */
	for (;;) {
		int next = skip_token(f, (uint32_t)off, &tok);
		const uint8_t *p = f->blob + f->off_struct + off;
		const char *pname;

		if (next < 0)
			return NULL;
		if (tok == FDT_NOP) {
			off = next;
			continue;
		}
		if (tok != FDT_PROP)
			return NULL;
		pname = string_at(f, be32(p + 8));
		if (pname && strcmp(pname, name) == 0) {
			if (len)
				*len = (int)be32(p + 4);
			return p + 12;
		}
		off = next;
	}
}

/* Does node name nm match the len bytes at name: exactly, or as name@unit? */
static bool name_matches(const char *nm, const char *name, size_t len)
{
	bool has_unit = false;

	for (size_t i = 0; i < len; i++)
		if (name[i] == '@')
			has_unit = true;
	if (strncmp(nm, name, len) != 0)
		return false;
	return nm[len] == '\0' || (nm[len] == '@' && !has_unit);
}

static int subnode_n(const struct dtb *f, int parent, const char *name, size_t len)
{
	int depth = 0, node = parent;

	for (;;) {
		node = dtb_next_node(f, node, &depth);
		if (node < 0 || depth < 1)
			return node < 0 ? node : -ENOENT;
		if (depth == 1 && name_matches(dtb_node_name(f, node), name, len))
			return node;
	}
}

int dtb_subnode(const struct dtb *f, int parent, const char *name)
{
	return subnode_n(f, parent, name, strlen(name));
}

int dtb_path(const struct dtb *f, const char *path)
{
	int node = dtb_root(f);

	if (*path != '/')
		return -EINVAL;
	while (*path) {
		const char *end;

		while (*path == '/')
			path++;
		if (!*path)
			break;
		end = strchr(path, '/');
		if (!end)
			end = path + strlen(path);
		node = subnode_n(f, node, path, (size_t)(end - path));
		if (node < 0)
			return node;
		path = end;
	}
	return node;
}

/* Does the string list (len bytes of NUL-terminated strings) contain s? */
static bool stringlist_has(const char *list, int len, const char *s)
{
	size_t n = strlen(s);

	for (int i = 0; i < len;) {
		size_t l = strnlen(list + i, (size_t)(len - i));

		if (l == n && memcmp(list + i, s, n) == 0)
			return true;
		i += (int)l + 1;
	}
	return false;
}

bool dtb_compatible(const struct dtb *f, int node, const char *compat)
{
	int len;
	const char *p = dtb_getprop(f, node, "compatible", &len);

	return p && stringlist_has(p, len, compat);
}

static int find_prop_string(const struct dtb *f, int after, const char *prop,
			    const char *value)
{
	int depth = 0, node = after < 0 ? dtb_root(f) : after;

	if (after < 0) {
		const char *p;
		int len;

		p = dtb_getprop(f, node, prop, &len);
		if (p && stringlist_has(p, len, value))
			return node;
	}
	for (;;) {
		const char *p;
		int len;

		node = dtb_next_node(f, node, &depth);
		if (node < 0)
			return node;
		p = dtb_getprop(f, node, prop, &len);
		if (p && stringlist_has(p, len, value))
			return node;
	}
}

int dtb_find_compatible(const struct dtb *f, int after, const char *compat)
{
	return find_prop_string(f, after, "compatible", compat);
}

int dtb_find_device_type(const struct dtb *f, int after, const char *type)
{
	return find_prop_string(f, after, "device_type", type);
}

/* The parent of node: the last node at depth-1 before it. */
static int parent_of(const struct dtb *f, int node)
{
	int depth = 0, cur = dtb_root(f);
	int stack[16];

	stack[0] = cur;
	while (cur != node) {
		cur = dtb_next_node(f, cur, &depth);
		if (cur < 0 || depth <= 0 || depth >= (int)ARRAY_SIZE(stack))
			return -EINVAL;
		stack[depth] = cur;
	}
	return depth > 0 ? stack[depth - 1] : -ENOENT;
}

static int cells(const struct dtb *f, int node, const char *name, int dflt)
{
	int len;
	const void *p = dtb_getprop(f, node, name, &len);

	if (!p)
		return dflt;
	if (len != 4)
		return -EINVAL;
	return (int)be32(p);
}

int dtb_reg(const struct dtb *f, int node, int index, uint64_t *addr, uint64_t *size)
{
	int parent = parent_of(f, node), ac, sc, len;
	const uint8_t *p;

	if (parent < 0)
		return -EINVAL;
	ac = cells(f, parent, "#address-cells", 2);
	sc = cells(f, parent, "#size-cells", 1);
	if (ac < 1 || ac > 2 || sc < 0 || sc > 2)
		return -EINVAL;
	p = dtb_getprop(f, node, "reg", &len);
	if (!p)
		return -ENOENT;
	if (len % (4 * (ac + sc)))
		return -EINVAL;
	if (index < 0 || index >= len / (4 * (ac + sc)))
		return -ENOENT;
	p += index * 4 * (ac + sc);
	*addr = dtb_read_cells(p, ac);
	*size = sc ? dtb_read_cells(p + 4 * ac, sc) : 0;
	return 0;
}

int dtb_mem_rsv(const struct dtb *f, int index, uint64_t *addr, uint64_t *size)
{
	for (int i = 0;; i++) {
		uint32_t off = f->off_rsvmap + 16u * (uint32_t)i;
		uint64_t a, s;

		if (off > f->size - 16)
			return -EINVAL;
		a = dtb_read_cells(f->blob + off, 2);
		s = dtb_read_cells(f->blob + off + 8, 2);
		if (a == 0 && s == 0)
			return -ENOENT;
		if (i == index) {
			*addr = a;
			*size = s;
			return 0;
		}
	}
}
