/* Structures of the memory system calls (docs/abi.md). */
#pragma once

#include <stdint.h>

/* pool_info: counters in pages. */
struct fl_pool_info {
	uint64_t quota;
	uint64_t used;		/* charged here, children's quotas included */
};
