/*
 * The server's side of mapobj.h's system calls (mapsys.c): set up once,
 * with the server's task (to map the page cache's frames), pool (to
 * pay for them) and its handle to the bootfs frame (MAPSYS_BOOTFS pages).
 */
#pragma once

void mapsys_init(int task, int pool, int bootfs);
