/*
 * File mappings, the fs server's side (docs/fs.md "Mappings"): the
 * objects the pager holds (mapobj.c) and the page cache of their pages
 * (pagecache.c). Pure, like file.c: the few things that take system
 * calls (a frame for a page, the answers to the pager) are the
 * mapsys_* functions below, mapsys.c's in the server and stubs in the
 * host tests.
 */
#pragma once

#include "file.h"
#include "pagemap.h"

#define PC_PAGE		4096u		/* bytes of a cached page: one frame */

/* One cached page of a file: at most one per (object, index). */
struct cpage {
	uint64_t index;			/* the page's number in the file */
	uint8_t *data;			/* the frame, mapped in the server */
	int frame;			/* the server's handle to it */
	bool dirty;			/* a mapping wrote it (the pager said): not written back yet */
	struct mapobj *obj;		/* whose page it is */
	struct cpage *older, *newer;	/* every cached page, oldest first (eviction) */
};

/*
 * A file the pager maps: one per node while the pager holds it (from
 * the first FL_FS_EV_MAP answered with it to FL_FS_EV_UNREF), with a
 * reference to the node, so it stays even unlinked.
 */
struct mapobj {
	int64_t id;			/* > 0, never used again for another object */
	struct node *node;		/* a reference */
	bool shared_write;		/* ever mapped MAP_SHARED by a writer (O_RDWR): written back */
	unsigned answered;		/* FL_FS_EV_MAP answers naming it the pager has not let go */
	unsigned npages;
	struct pagemap pages;		/* the page cache of the file: index -> struct cpage */
	struct mapobj *next;
};

/* ---- the pager's events (mapobj.c) ---- */

/* FL_FS_EV_MAP, FL_FS_EV_PAGE, FL_FS_EV_UNREF: each answered (mapsys_*) before it returns. */
void map_event(const struct fl_fs_event *e);

/*
 * FL_FS_EV_MAP's answer: an object id (> 0) with *size the file's,
 * FL_FS_MAP_ZERO (/dev/zero), or -ESRCH, -EBADF, -EACCES, -ENODEV,
 * -ENOMEM.
 */
int64_t map_open(int pid, int64_t fd, unsigned prot, unsigned flags, uint64_t *size,
		 bool *may_write);

/*
 * FL_FS_EV_PAGE's answer: 0 with the page's frame in *frame (the
 * server's handle), or -ENOENT (no such object), -EFAULT (wholly past
 * the end), -EIO, -ENOMEM; *size the file's (0 for -ENOENT).
 */
int64_t map_page(int64_t id, uint64_t index, int *frame, uint64_t *size);

/*
 * The frame answering page index of object id: the page cache's (0 with
 * *frame, *page 0), or, for a page of a bootfs file wholly its own, the
 * bootfs frame itself (*frame MAPSYS_BOOTFS, *page the page in it): no
 * copy. Errors as map_page.
 */
#define MAPSYS_BOOTFS	(-2)
int64_t map_frame(int64_t id, uint64_t index, int *frame, uint64_t *page, uint64_t *size);
/* Pages map_frame answered so far: from the page cache, and of the bootfs without a copy. */
void map_stats(uint64_t *cached, uint64_t *bootfs);

/*
 * FL_FS_EV_EXEC's answer: the object of pid's fd as map_open's for a
 * private read-exec mapping, with page 0's frame (as map_frame), or
 * -ESRCH, -EBADF, -EACCES (not a regular file, or no execute bit),
 * -ENOEXEC (empty), -EIO, -ENOMEM. The fd is closed whatever the answer.
 */
int64_t map_exec(int pid, int64_t fd, int *frame, uint64_t *page, uint64_t *size);

/* FL_FS_EV_UNREF: written back if it may have been written, its pages and node dropped. */
void map_unref(int64_t id, uint64_t answers);

struct mapobj *map_find(int64_t id);
unsigned map_count(void);

/* fsync of n: its pages written back if a mapping may have written them: 0 or -errno. */
int map_fsync(struct node *n);

/* At shutdown: every object's pages written back as map_fsync does: 0 or the first -errno. */
int map_writeback_all(void);

/* ---- the page cache (pagecache.c) ---- */

/*
 * A read, write or truncate of n through its cached pages, if it has
 * any: the backend's operation, then the frames made to agree (a read
 * takes a cached page's bytes from its frame, a write puts its bytes
 * into the frames too, a truncate drops the pages past the new end).
 */
int64_t pc_read(struct node *n, uint64_t off, void *buf, size_t len);
int64_t pc_write(struct node *n, uint64_t off, const void *buf, size_t len);
int pc_truncate(struct node *n, uint64_t len);

/*
 * Page index of m, filled from the file if not cached: 0, -EFAULT, -EIO,
 * -ENOMEM. At the budget a page is evicted first (pc_evict_one); if none
 * can be, -ENOMEM, or the error that kept a dirty page.
 */
int pc_get(struct mapobj *m, uint64_t index, struct cpage **out);
struct cpage *pc_find(struct mapobj *m, uint64_t index);

/*
 * The budget: at most pages cached pages (0: no limit). The counts a test
 * checks: cached now, the most ever cached at once, evicted, and pages
 * written back (evicted dirty, msync, fsync, unref, shutdown).
 */
struct pc_stats {
	uint64_t cap, pages, high, evicted, written;
};
extern struct pc_stats pc_stats;
void pc_set_budget(uint64_t pages);

#define PC_BUDGET_DEFAULT	((32u << 20) / PC_PAGE)	/* 32 MiB */
/*
 * The largest: the fs server and the pager each hold a handle per cached
 * page (FL_HANDLES_LIMIT slots a table at most, room left for the rest).
 */
#define PC_BUDGET_MAX		((48u << 20) / PC_PAGE)	/* 48 MiB */

/*
 * The budget "pagecache=N" on the command line asks for (bytes, or KiB,
 * MiB, GiB with a K, M or G after them): in pages, at least 1; 0 if the
 * option is absent or malformed.
 */
uint64_t pc_budget_option(const char *line, size_t max);

/*
 * Evict one page: the oldest cached page not known dirty, else the oldest
 * dirty one, unmapped everywhere by the pager (FL_PAGER_FS_EVICT), written
 * back if dirty, then its frame freed. A page whose writeback fails stays,
 * dirty, and the next is tried. 0, or -ENOMEM (nothing cached), or the
 * error of the last page kept.
 */
int pc_evict_one(void);

/* Drop m's pages from index on: their frames unmapped from the server, its handles closed. */
void pc_drop_from(struct mapobj *m, uint64_t index);

/*
 * m's dirty pages (the pager asked for the dirty bits first,
 * FL_PAGER_FS_DIRTY) into the file, their bytes up to the file's size
 * where they differ from it: each written one clean again, one that failed
 * still dirty. 0 or the first -errno.
 */
int pc_writeback(struct mapobj *m);

/* ---- the system's side (mapsys.c; the host tests' stubs) ---- */

/* A zeroed frame of PC_PAGE bytes, mapped read-write in the server: 0, or -ENOMEM. */
int mapsys_frame_new(uint8_t **data, int *frame);
void mapsys_frame_free(uint8_t *data, int frame);

/*
 * The answers: FL_PAGER_FS_MAPPED; FL_PAGER_FS_PAGE and FL_PAGER_FS_EXEC
 * (label) carrying frame at page (MAPSYS_BOOTFS: the bootfs's) unless
 * result < 0.
 */
void mapsys_mapped(uint64_t token, int64_t result, uint64_t size, bool may_write);
void mapsys_frame(uint32_t label, uint64_t token, int64_t result, uint64_t size, int frame,
		  uint64_t page);
/* The server's handle to the bootfs frame: what MAPSYS_BOOTFS pages are answered with. */
void mapsys_set_bootfs(int frame);
/* FL_FS_EV_SYNC's answer: the writeback's result. */
void mapsys_synced(uint64_t token, int64_t result);
/* The object's file shrank to size: the pager unmaps its pages past it everywhere. */
void mapsys_truncated(int64_t id, uint64_t size);
/*
 * FL_PAGER_FS_EVICT: the pager unmaps page index of object id everywhere
 * and lets go of its frame: 1 if a mapping had written it, 0 if not,
 * -ENOENT (the pager holds no such page), or another -errno (it stays).
 */
int64_t mapsys_evict(int64_t id, uint64_t index);
/*
 * FL_PAGER_FS_DIRTY: the pages of object id written since last asked (the
 * bits cleared as they are read), at most max of them into pages: how
 * many, *more set if some are left for the next call; or -errno.
 */
int64_t mapsys_dirty(int64_t id, uint64_t *pages, unsigned max, bool *more);
