/*
 * The system calls of file mappings (mapobj.h): the page cache's frames,
 * each mapped at a slot of the server's window for them, and the answers
 * to the pager, calls on the server's own pager endpoint (FL_PAGER_FS_MAPPED,
 * FL_PAGER_FS_PAGE, FL_PAGER_FS_EVICT, FL_PAGER_FS_DIRTY, ...), which the
 * pager serves at once: it never waits for the fs server.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <faultline/ipc.h>
#include <faultline/msg.h>
#include <faultline/pager.h>
#include <faultline/process.h>
#include <faultline/syscalls.gen.h>
#include "devfs.h"
#include "mapobj.h"
#include "mapsys.h"

/* The page cache's window (faultline/fs.h: the driver window), past the bootfs's. */
#define CACHE_VA	(FL_FS_DRIVER_VA + 0x8000000000ul)
#define CACHE_SLOTS	(0x8000000000ul / PC_PAGE)

static int task = -1, pool = -1, bootfs = -1;
static struct fl_ipc_buffer *ipc;
static uint64_t next_slot;
static uint64_t *free_slots;		/* slots given back, used again first */
static size_t nfree, free_cap;

static void say(const char *what, long err)
{
	char line[96];
	int len = snprintf(line, sizeof(line), "fs: mappings: %s: %ld\n", what, err);

	if (len > 0)
		console_out(line, (size_t)len < sizeof(line) ? (size_t)len : sizeof(line) - 1);
}

/* The server's handles besides the page cache's frames. */
#define HANDLES_OWN	256

uint64_t mapsys_init(int t, int p, uint64_t pages)
{
	task = t;
	pool = p;
	ipc = (struct fl_ipc_buffer *)(uintptr_t)fl_getauxval(AT_FL_IPCBUF);
	/* a handle per cached page: the table grows to hold them all */
	if (pages > PC_BUDGET_MAX)
		pages = PC_BUDGET_MAX;
	if (fl_task_handles_grow(task, HANDLES_OWN + pages) < 0) {
		say("cannot grow the handle table: the page cache stays small", -ENOMEM);
		pages = FL_HANDLES_MAX / 2;
	}
	return pages;
}

static void slot_put(uint64_t slot)
{
	uint64_t *s;

	if (nfree == free_cap) {
		size_t cap = free_cap ? free_cap * 2 : 64;

		if (!(s = realloc(free_slots, cap * sizeof(*s))))
			return;		/* lost: the window is large */
		free_slots = s;
		free_cap = cap;
	}
	free_slots[nfree++] = slot;
}

static uintptr_t slot_va(uint64_t slot)
{
	return CACHE_VA + slot * PC_PAGE;
}

int mapsys_frame_new(uint8_t **data, int *frame)
{
	uint64_t slot;
	long h;

	if (nfree)
		slot = free_slots[--nfree];
	else if (next_slot < CACHE_SLOTS)
		slot = next_slot++;
	else
		return -ENOMEM;
	if ((h = fl_frame_alloc(pool, 1)) < 0) {
		slot_put(slot);
		return -ENOMEM;
	}
	if (fl_map(task, slot_va(slot), (int)h, 0, 1, FL_MAP_READ | FL_MAP_WRITE)) {
		fl_handle_close((int)h);
		slot_put(slot);
		return -ENOMEM;
	}
	*data = (uint8_t *)slot_va(slot);
	*frame = (int)h;
	return 0;
}

void mapsys_frame_free(uint8_t *data, int frame)
{
	fl_unmap(task, (uintptr_t)data, PC_PAGE);
	fl_handle_close(frame);
	slot_put(((uintptr_t)data - CACHE_VA) / PC_PAGE);
}

/* A call to the pager with words only: its answer's w0, or the call's -errno. */
static long call_pager(uint32_t label, uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3,
		       struct fl_msg *reply)
{
	const uint64_t w[4] = { w0, w1, w2, w3 };
	long r = fl_call_msg(fl_pager(), FL_TAG(label, 0, 0), w, reply);

	return r < 0 ? r : (long)reply->w[0];
}

/* A call whose refusal is printed (what names it). */
static void tell_pager(uint32_t label, const char *what, uint64_t w0, uint64_t w1, uint64_t w2,
		       uint64_t w3)
{
	struct fl_msg reply;
	long r = call_pager(label, w0, w1, w2, w3, &reply);

	if (r < 0)
		say(what, r);
}

int64_t mapsys_evict(int64_t id, uint64_t index)
{
	struct fl_msg reply;

	return call_pager(FL_PAGER_FS_EVICT, (uint64_t)id, index, 0, 0, &reply);
}

/*
 * The answer's page numbers arrive in the IPC buffer's words, where the
 * request being served may have its own (an event drained before it is
 * read): those are kept as they were.
 */
int64_t mapsys_dirty(int64_t id, uint64_t *pages, unsigned max, bool *more)
{
	static uint64_t saved[FL_MSG_BUF_WORDS];
	struct fl_msg reply;
	long n;

	memcpy(saved, ipc->words, sizeof(saved));
	n = call_pager(FL_PAGER_FS_DIRTY, (uint64_t)id, 0, 0, 0, &reply);
	*more = false;
	if (n > 0) {
		if ((unsigned long)n > FL_TAG_WORDS(reply.tag))
			n = (long)FL_TAG_WORDS(reply.tag);
		if ((unsigned long)n > max)
			n = max;
		memcpy(pages, ipc->words, (size_t)n * sizeof(*pages));
		*more = reply.w[1] == 1;
	}
	memcpy(ipc->words, saved, sizeof(saved));
	return n;
}

void mapsys_synced(uint64_t token, int64_t result)
{
	tell_pager(FL_PAGER_FS_SYNCED, "FL_PAGER_FS_SYNCED refused", token, (uint64_t)result, 0, 0);
}

void mapsys_truncated(int64_t id, uint64_t size)
{
	tell_pager(FL_PAGER_FS_TRUNCATE, "FL_PAGER_FS_TRUNCATE refused", (uint64_t)id, size, 0, 0);
}

void mapsys_mapped(uint64_t token, int64_t result, uint64_t size, bool may_write)
{
	tell_pager(FL_PAGER_FS_MAPPED, "FL_PAGER_FS_MAPPED refused", token, (uint64_t)result, size,
		   may_write);
}

void mapsys_set_bootfs(int frame)
{
	bootfs = frame;
}

/*
 * FL_PAGER_FS_PAGE or FL_PAGER_FS_EXEC (label) with the frame holding the
 * page (page: its page in that frame; frame MAPSYS_BOOTFS: the bootfs's,
 * read-only), unless result < 0. The frame goes as a duplicate with the
 * rights the pager needs, moved (closed here once it went). The IPC
 * buffer's handle slot is the one a request just received reads its
 * handles from: kept as it was.
 */
void mapsys_frame(uint32_t label, uint64_t token, int64_t result, uint64_t size, int frame,
		  uint64_t page)
{
	uint64_t w[4] = { token, (uint64_t)result, size, page };
	unsigned rights = FL_RIGHT_READ | FL_RIGHT_WRITE | FL_RIGHT_GRANT;
	int32_t saved = ipc->handles[0];
	struct fl_msg reply;
	long dup = -1, r;

	if (frame == MAPSYS_BOOTFS) {
		frame = bootfs;
		rights = FL_RIGHT_READ | FL_RIGHT_GRANT;
	}
	if (result >= 0 && (dup = fl_handle_dup(frame, rights)) < 0)
		w[1] = (uint64_t)(int64_t)-ENOMEM;
	if (dup >= 0)
		ipc->handles[0] = (int32_t)dup | FL_HANDLE_MOVE;
	r = fl_call_msg(fl_pager(), FL_TAG(label, 0, dup >= 0 ? 1 : 0), w, &reply);
	ipc->handles[0] = saved;
	if (r < 0 && dup >= 0)
		fl_handle_close((int)dup);	/* not moved: the call failed before it went */
	if (r < 0 || (long)reply.w[0] < 0)
		say(label == FL_PAGER_FS_EXEC ? "FL_PAGER_FS_EXEC refused" :
		    "FL_PAGER_FS_PAGE refused", r < 0 ? r : (long)reply.w[0]);
}
