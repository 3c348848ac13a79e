/* What the pieces of libsys's newlib layer share (files.c, root.c, process.c). */
#pragma once

#include <errno.h>

/* newlib calls _NAME on aarch64-elf and NAME on x86_64-elf: define both. */
#define ALIAS(name) __attribute__((weak, alias("_" #name)))

extern char **environ;		/* newlib's */
int main(int argc, char **argv, char **envp);
void __libc_init_array(void);
void _exit(int status);

/* errno = err, and the -1 a failing call returns. */
static inline int fail(int err)
{
	errno = err;
	return -1;
}
