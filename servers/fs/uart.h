/*
 * The console UART's receive side (arch/ARCH/uart.c): the fs server's
 * /dev/console input, and bin/echo's. The kernel keeps transmitting on
 * the same UART by polling; only reception and its interrupt are touched.
 */
#pragma once

#include <stdint.h>

/*
 * Enable the receive interrupt. task: the caller's (to map a register
 * frame at va, one page, on AArch64); ioport (x86_64) or mmio (AArch64):
 * the boot info's console handles, -1 if none. 0 or -errno (-ENODEV).
 */
int uart_init(int task, uintptr_t va, int ioport, int mmio);

/* A received byte, or -1 with nothing there. */
int uart_getc(void);
