/*
 * A tracing pager (docs/writing-a-pager.md walks through it): the parent
 * pages a region of its child's memory and logs every fault the child
 * takes there, answering each with a zeroed page. The child writes a
 * pattern and reads it back; the parent checks the child's exit status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <faultline/abi.h>
#include <faultline/upager.h>

#define PAGES	8
#define PAGE	4096

/* The child: its region is paged by its parent. */
static int child(pid_t pager)
{
	volatile char *r = fl_region_delegate(NULL, PAGES * PAGE, PROT_READ | PROT_WRITE, pager);
	int bad = 0;

	if (r == MAP_FAILED)
		return 2;
	for (int i = 0; i < PAGES; i++)		/* a write fault on every page */
		r[i * PAGE] = (char)('a' + i);
	for (int i = 0; i < PAGES; i++)		/* no more faults: the pages are there */
		bad += r[i * PAGE] != 'a' + i || r[i * PAGE + 1] != 0;
	return bad ? 1 : 0;
}

/* The pager's decision for one fault: log it, give a zeroed page. */
static int trace(const struct fl_upager_fault *f, void *arg)
{
	int *count = arg;

	printf("tracepager: fault %d: pid %d %s at %#lx\n", ++*count, f->pid,
	       f->access & FL_ACCESS_WRITE ? "write" : "read", (unsigned long)f->addr);
	if (fl_upager_zero(f->token, PROT_READ | PROT_WRITE) < 0)
		perror("tracepager: fl_upager_zero");
	return 0;			/* go on */
}

int main(void)
{
	pid_t me = getpid(), c = fork();
	int count = 0, status = 0;

	if (c == 0)
		_exit(child(me));
	if (c < 0 || fl_upager_loop(trace, &count) < 0) {
		perror("tracepager");
		return 1;
	}
	waitpid(c, &status, 0);
	printf("tracepager: %d faults paged; the child %s\n", count,
	       WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "read back what it wrote" :
							       "failed");
	return count == PAGES && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
