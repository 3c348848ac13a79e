/*
 * A checkpointing pager: the parent pages its child's region and takes a
 * copy-on-write snapshot of it when the child rings the first doorbell (a
 * write to the region's next-to-last page), and restores it at the second
 * (the last page). The child writes version 1, rings, writes version 2,
 * rings, and must read version 1 back. The kernel's copy count shows what
 * the snapshot cost: nothing until the child's writes after it.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <faultline/abi.h>
#include <faultline/kstat.h>
#include <faultline/syscalls.gen.h>
#include <faultline/upager.h>

#define PAGES	8		/* 6 pages of data, then two doorbells */
#define PAGE	4096
#define DATA	(PAGES - 2)
#define SNAPSHOT_BELL	DATA
#define RESTORE_BELL	(DATA + 1)

struct checkpoint {
	int pid, snapshot;
	uintptr_t base;			/* the child's region: its first fault is at its start */
	uint64_t copies_at_snapshot, copies_at_restore;
};

static uint64_t copied(void)
{
	struct fl_kstat k = { 0 };

	return fl_kstat(&k, sizeof(k)) ? 0 : k.pages_copied;
}

static int child(pid_t pager)
{
	char *r = fl_region_delegate(NULL, PAGES * PAGE, PROT_READ | PROT_WRITE, pager);
	int bad = 0;

	if (r == MAP_FAILED)
		return 2;
	for (int i = 0; i < DATA; i++)
		snprintf(r + i * PAGE, PAGE, "version 1 of page %d", i);
	r[SNAPSHOT_BELL * PAGE] = 1;
	for (int i = 0; i < DATA; i++)
		snprintf(r + i * PAGE, PAGE, "version 2 of page %d", i);
	r[RESTORE_BELL * PAGE] = 1;
	for (int i = 0; i < DATA; i++) {
		char want[32];

		snprintf(want, sizeof(want), "version 1 of page %d", i);
		bad += strcmp(r + i * PAGE, want) != 0;
	}
	return bad;
}

static int fault(const struct fl_upager_fault *f, void *arg)
{
	struct checkpoint *c = arg;
	uintptr_t page;

	if (!c->base)
		c->base = f->addr;
	page = (f->addr - c->base) / PAGE;
	if (page == SNAPSHOT_BELL) {
		c->snapshot = fl_upager_snapshot(f->pid, (void *)c->base);
		c->copies_at_snapshot = copied();
	} else if (page == RESTORE_BELL) {
		c->copies_at_restore = copied();
		if (fl_upager_restore(c->snapshot) < 0)
			perror("checkpager: restore");
	}
	if (fl_upager_zero(f->token, PROT_READ | PROT_WRITE) < 0)
		perror("checkpager: zero");
	return 0;
}

int main(void)
{
	static struct checkpoint c;
	pid_t me = getpid();
	int status = 0;

	if ((c.pid = fork()) == 0)
		_exit(child(me));
	if (fl_upager_loop(fault, &c) < 0) {
		perror("checkpager");
		return 1;
	}
	waitpid(c.pid, &status, 0);
	printf("checkpager: snapshot %d; the child's writes after it made the kernel copy %lu "
	       "pages\n", c.snapshot,
	       (unsigned long)(c.copies_at_restore - c.copies_at_snapshot));
	printf("checkpager: after the restore the child %s\n",
	       WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "read version 1 of every page" :
							       "saw the wrong version");
	return c.snapshot > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
