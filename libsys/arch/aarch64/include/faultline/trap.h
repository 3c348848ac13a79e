/*
 * AArch64 system-call trap: svc #0; x8 = number, x0..x5; result in x0.
 * x1..x6 may come back changed (IPC returns a message in them); the
 * kernel preserves every other register, NZCV and the FP/SIMD state;
 * "memory" because calls read and write user buffers.
 */
#pragma once

/*
 * The trap, also returning the six registers IPC fills besides the
 * result (badge, tag, w0..w3 in x1..x6): out[0..5].
 */
static inline long fl_syscall6_regs(long nr, long a0, long a1, long a2, long a3, long a4,
				    long a5, unsigned long out[6])
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a0;
	register long x1 __asm__("x1") = a1;
	register long x2 __asm__("x2") = a2;
	register long x3 __asm__("x3") = a3;
	register long x4 __asm__("x4") = a4;
	register long x5 __asm__("x5") = a5;
	register long x6 __asm__("x6");

	__asm__ volatile("svc #0"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5), "=r"(x6)
			 : "r"(x8)
			 : "memory");
	out[0] = (unsigned long)x1;
	out[1] = (unsigned long)x2;
	out[2] = (unsigned long)x3;
	out[3] = (unsigned long)x4;
	out[4] = (unsigned long)x5;
	out[5] = (unsigned long)x6;
	return x0;
}

/* The plain trap: just the result (the other registers may still change). */
static inline long fl_syscall6(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
	unsigned long unused[6];

	return fl_syscall6_regs(nr, a0, a1, a2, a3, a4, a5, unused);
}
