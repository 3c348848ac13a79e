/* Program start: check the boot-info block, run main, power off with its status. */
#include <faultline/sys.h>

__attribute__((noreturn)) void fl_start(const struct fl_bootinfo *bi);

void fl_start(const struct fl_bootinfo *bi)
{
	int status;

	if (bi->magic != FL_BOOTINFO_MAGIC || bi->version != FL_BOOTINFO_VERSION) {
		fl_print("libsys: bad boot-info block\n");
		fl_thread_exit();
	}
	status = main(bi);
	fl_poweroff(bi->power, status);
	fl_printf("libsys: poweroff failed\n");
	fl_thread_exit();
	for (;;)
		;
}
