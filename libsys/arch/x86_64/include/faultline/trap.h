/*
 * x86_64 system-call trap: syscall; rax = number, rdi rsi rdx r10 r8 r9;
 * result in rax. The argument registers may come back changed (IPC
 * returns a message in them), and syscall itself clobbers rcx and r11.
 */
#pragma once

/*
 * The trap, also returning the six registers IPC fills besides the
 * result (badge, tag, w0..w3 in rdi rsi rdx r10 r8 r9): out[0..5].
 */
static inline long fl_syscall6_regs(long nr, long a0, long a1, long a2, long a3, long a4,
				    long a5, unsigned long out[6])
{
	register long r10 __asm__("r10") = a3;
	register long r8 __asm__("r8") = a4;
	register long r9 __asm__("r9") = a5;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret), "+D"(a0), "+S"(a1), "+d"(a2), "+r"(r10), "+r"(r8), "+r"(r9)
			 : "a"(nr)
			 : "rcx", "r11", "memory");
	out[0] = (unsigned long)a0;
	out[1] = (unsigned long)a1;
	out[2] = (unsigned long)a2;
	out[3] = (unsigned long)r10;
	out[4] = (unsigned long)r8;
	out[5] = (unsigned long)r9;
	return ret;
}

/* The plain trap: just the result (the other registers may still change). */
static inline long fl_syscall6(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
	unsigned long unused[6];

	return fl_syscall6_regs(nr, a0, a1, a2, a3, a4, a5, unused);
}
