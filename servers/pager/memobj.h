/*
 * Memory objects: what backs a region. Each kind lives in its own file and
 * fills in one operations table; the rest of the pager calls only through
 * it, so adding a kind touches no switch elsewhere (MINIX 3's mem_type,
 * HelenOS's mem_backend).
 *
 * A region maps [start, end) to the object's bytes [offset, offset + end -
 * start). Objects are reference-counted: regions split off one another
 * share their object, each at its own offset.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct memobj;
struct proc;
struct region;
struct sync_wait;

/* What a fault op decided: the fault reply that resolves it. */
struct fault_answer {
	uint32_t label;		/* FL_FAULT_MAP, FL_FAULT_ALLOW */
	uint64_t w[3];
};

/* One fault, as the pager sees it. */
struct fault {
	struct proc *proc;
	struct region *region;
	uintptr_t va;		/* page-aligned */
	uint64_t offset;	/* of the page in the object */
	unsigned access;	/* FL_ACCESS_* (with FL_ACCESS_PRESENT: a page is mapped there) */
	unsigned prot;		/* FL_MAP_* the region allows */
	int reply;		/* the faulter's reply handle */
	const uint64_t *msg;	/* the fault message's words */
};

/* A fault op's result when it kept f->reply to answer later (custom pagers). */
#define FAULT_PARKED	1

/* One mapping of a frame, for the reverse map: the process and the address. */
typedef void (*mapping_fn)(struct proc *p, uintptr_t va, void *arg);

struct memobj_ops {
	const char *kind;	/* "anonymous", "bootfs file" */
	bool shared;		/* fork maps its pages shared, not copy-on-write */
	/*
	 * Resolve a legal access: 0 with *a filled, FAULT_PARKED (the reply
	 * handle is the kind's now), or -errno (the process is then killed).
	 */
	int (*fault)(struct memobj *o, const struct fault *f, struct fault_answer *a);
	/*
	 * A region on o is cut in two: the object for the tail (o shared, each
	 * part at its own offset, or a new one), or NULL for want of memory.
	 */
	struct memobj *(*split)(struct memobj *o);
	/*
	 * fork: the object the child's copy of a region uses (its private
	 * frames shared copy-on-write, after map_copy write-protected them),
	 * or NULL for want of memory.
	 */
	struct memobj *(*fork)(struct memobj *o);
	/*
	 * The reverse map: fn for every (process, address) that maps the
	 * object's own frame at offset (none for the zero page or a page not
	 * the object's); how many.
	 */
	unsigned (*mappings)(struct memobj *o, uint64_t offset, mapping_fn fn, void *arg);
	/*
	 * The frame holding the object's page at offset, for a copy from it
	 * (custom pagers' staging pages): 0 with the pager's frame handle and
	 * the page in it, or -EFAULT for kinds whose frames the pager does not
	 * hold. NULL: -EFAULT.
	 */
	int (*frame)(struct memobj *o, uint64_t offset, int *frame, uint64_t *page);
	/*
	 * The pages [offset, offset + len) got private frames of the object's
	 * by other means (the pager mapped them itself: a process's first
	 * stack pages): 0 or -ENOMEM. NULL: the kind has no private frames.
	 */
	int (*adopt)(struct memobj *o, uint64_t offset, uint64_t len);
	/*
	 * Region r's pages are about to be unmapped (munmap), or were with its
	 * task (gone: exit): what the object needs of them is kept (a shared
	 * file's dirty bits). NULL: nothing.
	 */
	void (*unmapping)(struct memobj *o, struct region *r, bool gone);
	/* The pages [offset, offset + len) are gone from a region (munmap): forget them. */
	void (*discard)(struct memobj *o, uint64_t offset, uint64_t len);
	/* The last region let go: free the object. */
	void (*release)(struct memobj *o);
	/*
	 * msync: have what o holds for a file written back, adding what the
	 * msync waits for to w: 0 or -errno. NULL: nothing to write back.
	 */
	int (*sync)(struct memobj *o, struct sync_wait *w);
};

struct memobj {
	const struct memobj_ops *ops;
	unsigned refs;		/* regions using it */
	uint64_t size;		/* bytes */
	struct region *mappers;	/* those regions, through region.obj_next */
};

static inline struct memobj *memobj_get(struct memobj *o)
{
	o->refs++;
	return o;
}

/* The split of kinds whose parts simply share the object. */
static inline struct memobj *memobj_share(struct memobj *o)
{
	return memobj_get(o);
}

static inline void memobj_put(struct memobj *o)
{
	if (--o->refs == 0)
		o->ops->release(o);
}

/*
 * Private anonymous memory of process p: demand-zero from the system
 * pager, or, for a process spawned to be paged by another, delegated to
 * that process (vm.c).
 */
struct proc;
struct memobj *private_memory(struct proc *p, uint64_t size);

/* The regions mapping o: linked in and out by vm.c (region.obj_next). */
void memobj_link(struct memobj *o, struct region *r);
void memobj_unlink(struct memobj *o, struct region *r);
/* fn for each region of o covering page (the object's page number); how many. */
unsigned memobj_mappers(struct memobj *o, uint64_t page, mapping_fn fn, void *arg);

/* Answers the kinds share (vm.c). */
unsigned fault_map_prot(unsigned prot);		/* FL_MAP_* for a region's PROT_* */
void fault_allow(const struct fault *f, struct fault_answer *a);
int fault_new_frame(const struct fault *f, struct fault_answer *a, long *frame);
/* Answer with a fresh zeroed page the kernel makes from the process's pool (FL_FAULT_ZERO). */
void fault_zero_frame(const struct fault *f, struct fault_answer *a);

/* The kinds (anon.c, shared.c, bootfile.c, delegated.c). */
struct memobj *anon_create(uint64_t size);
struct memobj *shared_create(uint64_t size);
struct memobj *delegated_create(uint64_t size, int pager_pid);
struct memobj *bootfile_create(uint64_t file_page, uint64_t size, uint64_t head, uint64_t valid);
