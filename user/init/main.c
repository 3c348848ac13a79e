/*
 * bin/init: the first process the pager starts when the command line names
 * no other (run=). For now it greets and ends; the pager II makes it the
 * demo that shows demand-zero, the zero page, COW fork and a killed bad
 * access with numbers.
 */
#include <stdio.h>
#include <unistd.h>
#include <sys/mman.h>
#include <faultline/abi.h>
#include <faultline/mem.h>
#include <faultline/process.h>
#include <faultline/syscalls.gen.h>

#define PAGES	1024

/* Pages the process's pool pays for now. */
static long used(void)
{
	struct fl_pool_info info;

	return fl_pool_info(fl_self_pool(), &info) < 0 ? -1 : (long)info.used;
}

int main(int argc, char **argv)
{
	long before, mapped, read, written;
	volatile char *p;
	int sum = 0;

	printf("init: hello from pid %d on %s (%s, %d argument%s)\n", getpid(), fl_platform(),
	       argv[0], argc, argc == 1 ? "" : "s");
	before = used();
	p = mmap(NULL, PAGES * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 1;
	mapped = used();
	for (int i = 0; i < PAGES; i++)
		sum += p[i * 4096];
	read = used();
	for (int i = 0; i < PAGES; i += 4)
		p[i * 4096] = 1;
	written = used();
	printf("init: mmap of %d pages: %ld pages allocated; reading all: %ld (the zero page); "
	       "writing every 4th: %ld\n", PAGES, mapped - before, read - mapped, written - read);
	return sum;
}
