/*
 * The server's side of mapobj.h's system calls (mapsys.c): set up once,
 * with the server's task (to map the page cache's frames) and pool (to
 * pay for them), and room for a budget of pages frames (a handle each).
 * The budget it made room for (at most PC_BUDGET_MAX).
 */
#pragma once

#include <stdint.h>

uint64_t mapsys_init(int task, int pool, uint64_t pages);
