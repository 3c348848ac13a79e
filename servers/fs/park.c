/*
 * Parked requests (park.h). One list, oldest first, so a pipe's readers
 * are served in the order they came. A wake only sets a flag: park_run,
 * called after each request and each notification, tries every parked
 * request again until a pass wakes nothing more. A pass moves bytes or
 * answers an end each time it wakes, so it stops.
 */
#include <stdlib.h>
#include <string.h>
#include "park.h"

struct parked {
	struct parked *next;
	int pid;
	int reply;
	bool write;
	struct file *f;			/* a reference */
	size_t len;
	uint8_t data[];			/* a write's bytes */
};

static struct parked *list;
static bool woken;
static unsigned nparked;
static uint8_t scratch[FL_FS_IO_MAX];	/* a parked read's bytes */

int park(const struct request *rq, struct file *f, size_t len, const void *data)
{
	bool write = rq->label == FL_FS_WRITE;
	struct parked *k = malloc(sizeof(*k) + (write ? len : 0)), **at = &list;

	if (!k)
		return -ENOMEM;
	k->next = NULL;
	k->pid = rq->pid;
	k->reply = rq->reply;
	k->write = write;
	k->f = file_get(f);
	k->len = len;
	if (write)
		memcpy(k->data, data, len);
	while (*at)
		at = &(*at)->next;
	*at = k;
	nparked++;
	return 0;
}

void node_wake(struct node *n)
{
	(void)n;
	woken = true;
}

static void unpark(struct parked **at)
{
	struct parked *k = *at;

	*at = k->next;
	nparked--;
	file_put(k->f);
	free(k);
}

void park_run(void)
{
	while (woken) {
		woken = false;
		for (struct parked **at = &list; *at;) {
			struct parked *k = *at;
			int64_t r = file_io(k->f, k->write, k->write ? k->data : scratch, k->len);

			if (r == -EAGAIN) {
				at = &k->next;
				continue;
			}
			fs_reply_later(k->reply, r, k->write ? NULL : scratch,
				       !k->write && r > 0 ? (size_t)r : 0);
			unpark(at);
		}
	}
}

void park_cancel(int pid)
{
	for (struct parked **at = &list; *at;) {
		if ((*at)->pid != pid) {
			at = &(*at)->next;
			continue;
		}
		fs_reply_drop((*at)->reply);
		unpark(at);
	}
}

unsigned park_count(void)
{
	return nparked;
}
