/* Structures of the memory system calls (docs/abi.md). */
#pragma once

#include <stdint.h>

/* map_frames: one entry of its list. */
struct fl_map_entry {
	int32_t frame;		/* a frame handle */
	uint32_t reserved;	/* 0 (not looked at) */
	uint64_t page;		/* the page of it */
};

/* pool_info: counters in pages. */
struct fl_pool_info {
	uint64_t quota;
	uint64_t used;		/* charged here, children's quotas included */
};
