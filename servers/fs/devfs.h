/* /dev (devfs.c): null, zero, the console and the page cache's figures. */
#pragma once

#include "lined.h"
#include "vfs.h"

/* The /dev directory (made once): its root, or NULL. */
struct node *devfs_new(void);

/* A byte typed on the console (the UART driver's): edited, readers woken. */
void devfs_console_input(uint8_t c);

/* The console's line editor (for tests). */
struct lined *devfs_lined(void);

/* Write bytes to the console: main.c (the kernel's console_write), the host tests' stub. */
void console_out(const void *buf, size_t len);
