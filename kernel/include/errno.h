/*
 * Error numbers: the ABI's (newlib's numbering), shared with user space.
 * Kernel functions return them negated (-EINVAL).
 */
#pragma once

#include <faultline/abi.h>

const char *errno_name(int err);	/* "EINVAL" for EINVAL or -EINVAL */
