/* Structures of the task system calls (docs/abi.md). */
#pragma once

#include <stdint.h>

/* task_info: what a task has and what it has done. */
struct fl_task_info {
	uint64_t faults;	/* user exceptions its threads took, answered or not */
	uint64_t threads;	/* live threads */
	uint64_t handles;	/* handle slots in use */
	uint64_t handles_max;	/* slots in its table */
};
