/* Custom pagers: faults forwarded to a process (upager.c, delegated.c). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct memobj;
struct fault;

/* Keep f for pager_pid: FAULT_PARKED, or -EPIPE if that pager is gone. */
int upager_park(int pager_pid, struct memobj *o, const struct fault *f);
/* A delegated object now exists / is gone: its pager's count of work. */
void upager_held(int pager_pid);
void upager_released(int pager_pid);
/* delegated.c: the custom pager resolved page offset of o with a private frame. */
int delegated_resolved(struct memobj *o, uint64_t offset);
bool delegated_by(struct memobj *o, int pager_pid);
bool delegated_present(struct memobj *o, uint64_t offset);
int delegated_restore(struct memobj *live, struct memobj *snapshot);
void delegated_detach(struct memobj *o);
int delegated_hold(struct memobj *o, uint64_t offset);
