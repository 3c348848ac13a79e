/*
 * A compressing swap pager: the parent pages its child's 32-page region
 * with a budget of 4 resident pages. When a fault comes and the budget is
 * spent, the oldest resident page is evicted into a staging page and kept
 * run-length compressed in the parent's heap; a fault on an evicted page
 * restores it from there. The child writes every page, then reads every
 * page back byte for byte (each has its own pattern), so pages go out and
 * come back many times.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <faultline/abi.h>
#include <faultline/upager.h>

#define PAGES	32
#define BUDGET	4
#define PAGE	4096

struct swap {
	uintptr_t base;			/* the child's region */
	int pid;
	char *staging;			/* one page the system pager copies from and to */
	unsigned char *stored[PAGES];	/* compressed evicted pages */
	size_t stored_len[PAGES];
	int resident[BUDGET], nresident;	/* FIFO of resident page numbers */
	int faults, evictions, restores;
	size_t bytes_in, bytes_out;
};

/* Run-length: (count, byte) pairs, count 1..255. */
static size_t compress(const unsigned char *in, unsigned char *out)
{
	size_t n = 0;

	for (size_t i = 0; i < PAGE;) {
		size_t run = 1;

		while (i + run < PAGE && run < 255 && in[i + run] == in[i])
			run++;
		out[n++] = (unsigned char)run;
		out[n++] = in[i];
		i += run;
	}
	return n;
}

static void expand(const unsigned char *in, size_t len, unsigned char *out)
{
	for (size_t i = 0; i < len; i += 2) {
		memset(out, in[i + 1], in[i]);
		out += in[i];
	}
}

/* Make room: the oldest resident page goes out, compressed. */
static int evict_oldest(struct swap *s)
{
	static unsigned char buf[2 * PAGE];
	int page = s->resident[0];
	size_t n;

	if (fl_upager_evict(s->pid, (void *)(s->base + (uintptr_t)page * PAGE), s->staging) < 0)
		return -1;
	n = compress((unsigned char *)s->staging, buf);
	if (!(s->stored[page] = malloc(n)))
		return -1;
	memcpy(s->stored[page], buf, n);
	s->stored_len[page] = n;
	s->bytes_in += PAGE;
	s->bytes_out += n;
	s->evictions++;
	memmove(s->resident, s->resident + 1, (size_t)--s->nresident * sizeof(int));
	return 0;
}

static int fault(const struct fl_upager_fault *f, void *arg)
{
	struct swap *s = arg;
	int page = (int)((f->addr - s->base) / PAGE), err;

	s->faults++;
	if (s->nresident == BUDGET && evict_oldest(s) < 0) {
		perror("swappager: evict");
		return fl_upager_fail(f->token), 0;
	}
	if (s->stored[page]) {			/* back from swap */
		expand(s->stored[page], s->stored_len[page], (unsigned char *)s->staging);
		free(s->stored[page]);
		s->stored[page] = NULL;
		err = fl_upager_copy(f->token, s->staging, PROT_READ | PROT_WRITE);
		s->restores++;
	} else {
		err = fl_upager_zero(f->token, PROT_READ | PROT_WRITE);
	}
	if (err < 0)
		perror("swappager: resolve");
	s->resident[s->nresident++] = page;
	return 0;
}

/* The child: page i holds runs of byte i and i + 100. */
static int child(pid_t pager)
{
	unsigned char *r = fl_region_delegate(NULL, PAGES * PAGE, PROT_READ | PROT_WRITE, pager);
	int bad = 0;

	if (r == MAP_FAILED)
		return 2;
	for (int i = 0; i < PAGES; i++) {
		memset(r + i * PAGE, i, PAGE / 2);
		memset(r + i * PAGE + PAGE / 2, i + 100, PAGE / 2);
	}
	for (int i = 0; i < PAGES; i++)
		for (int j = 0; j < PAGE; j++)
			bad += r[i * PAGE + j] != (j < PAGE / 2 ? i : i + 100);
	return bad ? 1 : 0;
}

int main(void)
{
	static struct swap s;
	pid_t me = getpid();
	int status = 0;

	s.staging = fl_upager_staging(1);
	s.base = 0;
	if ((s.pid = fork()) == 0)
		_exit(child(me));
	/* the child's region: where its first fault is (it is the only region it delegates) */
	if (s.staging == MAP_FAILED || s.pid < 0) {
		perror("swappager");
		return 1;
	}
	{
		struct fl_upager_fault f;

		if (fl_upager_wait(&f) != 1)
			return 1;
		s.base = f.addr;		/* its first write is at the region's start */
		fault(&f, &s);
	}
	if (fl_upager_loop(fault, &s) < 0) {
		perror("swappager");
		return 1;
	}
	waitpid(s.pid, &status, 0);
	printf("swappager: %d pages, budget %d: %d faults, %d evictions, %d restores; "
	       "%zu bytes compressed to %zu\n", PAGES, BUDGET, s.faults, s.evictions, s.restores,
	       s.bytes_in, s.bytes_out);
	printf("swappager: the child %s\n", WIFEXITED(status) && WEXITSTATUS(status) == 0 ?
	       "read back every byte" : "saw wrong bytes");
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 && s.restores > 0 ? 0 : 1;
}
