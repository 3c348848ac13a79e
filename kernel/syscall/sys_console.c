/* The debug console. */
#include <errno.h>
#include <faultline/abi.h>
#include <kernel.h>
#include <sched.h>
#include <syscall.h>
#include <uaccess.h>

long sys_console_write(const void *buf, size_t len)
{
	char chunk[256];
	uintptr_t ubuf = (uintptr_t)buf;
	size_t done = 0;
	int err;

	if (len > FL_CONSOLE_WRITE_MAX)
		return -EINVAL;
	/* check it all first, so nothing is printed for a bad buffer */
	for (size_t off = 0; off < len; off += sizeof(chunk)) {
		err = copy_from_user(sched_current()->task, chunk, ubuf + off,
				     MIN(sizeof(chunk), len - off));
		if (err)
			return err;
	}
	while (done < len) {
		size_t n = MIN(sizeof(chunk), len - done);

		copy_from_user(sched_current()->task, chunk, ubuf + done, n);
		kprintf("%.*s", (int)n, chunk);
		done += n;
	}
	return (long)len;
}
