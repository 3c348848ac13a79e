/* Handles: close and duplicate. */
#include <handle.h>
#include <sched.h>
#include <syscall.h>
#include <task.h>

long sys_handle_close(int handle)
{
	return handle_close(sched_current()->task, handle);
}

long sys_handle_dup(int handle, unsigned int rights)
{
	return handle_dup(sched_current()->task, handle, rights);
}
