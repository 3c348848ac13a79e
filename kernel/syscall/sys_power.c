/* Power-off, for the holder of the power handle. */
#include <errno.h>
#include <faultline/abi.h>
#include <handle.h>
#include <kernel.h>
#include <power.h>
#include <sched.h>
#include <syscall.h>
#include <task.h>

long sys_poweroff(int power, int status)
{
	struct kobj *o;
	int err = handle_get(sched_current()->task, power, &power_ops, FL_RIGHT_MANAGE, &o);

	if (err)
		return err;
	if (status < 0 || status > FL_STATUS_MAX)
		return -EINVAL;
	poweroff(status);
}
