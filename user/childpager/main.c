/*
 * Paging a whole program: the parent spawns bin/init (the demo) with its
 * stack, heap and anonymous mmaps paged by itself (fl_spawn_paged) and
 * answers every fault there with a zeroed page, counting them; the demo's
 * own fork child is paged by it too. Text, data and shared memory stay
 * with the system pager.
 */
#include <stdio.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <faultline/abi.h>
#include <faultline/process.h>
#include <faultline/upager.h>

struct tally {
	int faults, reads, pids[8], npids;
};

static int serve(const struct fl_upager_fault *f, void *arg)
{
	struct tally *t = arg;
	int seen = 0;

	t->faults++;
	t->reads += !(f->access & FL_ACCESS_WRITE);
	for (int i = 0; i < t->npids; i++)
		seen |= t->pids[i] == f->pid;
	if (!seen && t->npids < 8)
		t->pids[t->npids++] = f->pid;
	if (fl_upager_zero(f->token, PROT_READ | PROT_WRITE) < 0)
		perror("childpager: zero");
	return 0;
}

int main(void)
{
	char *const argv[] = { "bin/init", NULL };
	struct tally t = { 0 };
	int status = 0;
	pid_t c = fl_spawn_paged("bin/init", argv);

	if (c < 0 || fl_upager_loop(serve, &t) < 0) {
		perror("childpager");
		return 1;
	}
	waitpid(c, &status, 0);
	printf("childpager: paged %d faults (%d reads) of %d processes; bin/init %s\n", t.faults,
	       t.reads, t.npids, WIFEXITED(status) && WEXITSTATUS(status) == 0 ?
	       "ended well" : "failed");
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 && t.faults > 1024 ? 0 : 1;
}
