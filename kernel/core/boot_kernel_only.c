/* Without user mode (FAULTLINE_KERNEL1=OFF): the boot ends here. */
#include <boot.h>
#include <kernel.h>
#include <mm/frame.h>

/* No scheduler in this configuration (cpu->current stays NULL). */
void sched_tick(void)
{
}

__noreturn void boot_continue(struct boot_params *bp)
{
	(void)bp;
	kprintf("faultline: boot complete, %zu of %zu frames free\n",
		frame_count_free(), frame_count_total());
	poweroff(STATUS_OK);
}
