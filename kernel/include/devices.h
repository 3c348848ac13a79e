/* Devices found at boot (kernel/core/devices.c). */
#pragma once

#include <faultline/bootinfo.h>

#define DEVICES_MAX	32

struct task;

/* Ask the arch once (and print the list): how many devices there are. */
int devices_count(void);

/* Fill out[0..n) for task t, giving it frames and irq handles. */
void devices_hand_over(struct task *t, struct fl_bootinfo_device *out, int n);
