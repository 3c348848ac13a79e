/*
 * The server's side of mapobj.h's system calls (mapsys.c): set up once,
 * with the server's task (to map the page cache's frames) and pool (to
 * pay for them).
 */
#pragma once

void mapsys_init(int task, int pool);
