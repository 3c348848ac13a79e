/* x86_64 instructions the C code needs: port I/O, MSRs, control registers, CPUID. */
#pragma once

#include <types.h>

#define MSR_APIC_BASE	0x0000001bu
#define MSR_EFER	0xc0000080u
#define MSR_STAR	0xc0000081u	/* syscall/sysret segment selectors */
#define MSR_LSTAR	0xc0000082u	/* syscall entry point */
#define MSR_FMASK	0xc0000084u	/* RFLAGS bits syscall clears */
#define MSR_FS_BASE	0xc0000100u
#define MSR_GS_BASE	0xc0000101u
#define MSR_KERNEL_GS_BASE 0xc0000102u	/* swapgs exchanges it with MSR_GS_BASE */

#define EFER_SCE	(1u << 0)	/* syscall/sysret enabled */
#define EFER_NXE	(1u << 11)

#define CR0_MP		(1ul << 1)
#define CR0_EM		(1ul << 2)
#define CR0_TS		(1ul << 3)
#define CR0_NE		(1ul << 5)
#define CR0_WP		(1ul << 16)
#define CR0_AM		(1ul << 18)	/* alignment checks at CPL 3 when EFLAGS.AC */
#define CR4_TSD		(1ul << 2)
#define CR4_PGE		(1ul << 7)
#define CR4_OSFXSR	(1ul << 9)
#define CR4_OSXMMEXCPT	(1ul << 10)
#define CR4_SMEP	(1ul << 20)
#define CR4_SMAP	(1ul << 21)

#define RFLAGS_CF	(1ul << 0)
#define RFLAGS_RESERVED	(1ul << 1)	/* always 1 */
#define RFLAGS_PF	(1ul << 2)
#define RFLAGS_AF	(1ul << 4)
#define RFLAGS_ZF	(1ul << 6)
#define RFLAGS_SF	(1ul << 7)
#define RFLAGS_TF	(1ul << 8)
#define RFLAGS_IF	(1ul << 9)
#define RFLAGS_DF	(1ul << 10)
#define RFLAGS_OF	(1ul << 11)
#define RFLAGS_NT	(1ul << 14)
#define RFLAGS_AC	(1ul << 18)

/* User space is [0, USER_TOP): the canonical lower half, on both arches. */
#define USER_TOP	0x0000800000000000ul

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;

	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}

#define DEFINE_CR(n) \
	static inline uint64_t read_cr##n(void) \
	{ \
		uint64_t v; \
		__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v)); \
		return v; \
	} \
	static inline void write_cr##n(uint64_t v) \
	{ \
		__asm__ volatile("mov %0, %%cr" #n : : "r"(v) : "memory"); \
	}

DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)

static inline __noreturn void halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}
