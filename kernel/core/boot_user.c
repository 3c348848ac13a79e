/* After the kernel's own boot: the root task, then the scheduler. */
#include <boot.h>
#include <bootfs.h>
#include <kernel.h>
#include <mm/frame.h>
#include <sched.h>

__noreturn void boot_continue(struct boot_params *bp)
{
	sched_init();
	roottask_start(bp);
	kprintf("faultline: boot complete, %zu of %zu frames free\n",
		frame_count_free(), frame_count_total());
	sched_start();
}
