/*
 * The GDT and the TSS. Long mode ignores segment bases and limits; the GDT
 * holds the kernel and user code and data segments and the TSS, whose
 * rsp0 is the running thread's kernel stack and whose interrupt
 * stack table gives #DF, NMI and #MC stacks of their own: a kernel stack
 * overflow faults while pushing the #PF frame, the CPU raises #DF, and
 * the #DF handler runs on its IST stack to report it.
 */
#include <arch/setup.h>
#include <types.h>

#define IST_STACK_SIZE	16384

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];	/* rsp[0]: the stack for entries from user mode */
	uint64_t reserved1;
	uint64_t ist[7];	/* ist[n - 1] is IST n */
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __packed;

struct gdt_ptr {
	uint16_t limit;
	uint64_t base;
} __packed;

static struct tss tss;
static uint8_t ist_stacks[3][IST_STACK_SIZE] __aligned(16);

static uint64_t gdt[] = {
	[0] = 0,
	[GDT_KERNEL_CODE / 8] = 0x00af9a000000ffff,	/* present, DPL 0, code, long mode */
	[GDT_KERNEL_DATA / 8] = 0x00cf92000000ffff,	/* present, DPL 0, data, writable */
	[GDT_TSS / 8] = 0, 0,				/* 16-byte system descriptor */
	[GDT_USER_DATA / 8] = 0x00cff2000000ffff,	/* present, DPL 3, data, writable */
	[GDT_USER_CODE / 8] = 0x00affa000000ffff,	/* present, DPL 3, code, long mode */
};

static void set_tss_descriptor(void)
{
	uint64_t base = (uint64_t)&tss, limit = sizeof(tss) - 1;

	gdt[GDT_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
			   (0x89ul << 40) |		/* present, available 64-bit TSS */
			   ((limit >> 16 & 0xf) << 48) | ((base >> 24 & 0xff) << 56);
	gdt[GDT_TSS / 8 + 1] = base >> 32;
}

/* Load the GDT, reload the segment registers (CS by a far return) and the task register. */
static void load(void)
{
	struct gdt_ptr p = { sizeof(gdt) - 1, (uint64_t)gdt };

	__asm__ volatile("lgdt %0" : : "m"(p));
	__asm__ volatile("pushq %0\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:" : : "i"(GDT_KERNEL_CODE) : "rax", "memory");
	__asm__ volatile("movl %0, %%ds; movl %0, %%es; movl %0, %%ss"
			 : : "r"(GDT_KERNEL_DATA));
	__asm__ volatile("ltr %w0" : : "r"(GDT_TSS));
}

void gdt_init(void)
{
	tss.ist[IST_DOUBLE_FAULT - 1] = (uint64_t)ist_stacks[0] + IST_STACK_SIZE;
	tss.ist[IST_NMI - 1] = (uint64_t)ist_stacks[1] + IST_STACK_SIZE;
	tss.ist[IST_MACHINE_CHECK - 1] = (uint64_t)ist_stacks[2] + IST_STACK_SIZE;
	tss.iomap_base = sizeof(tss);	/* no I/O permission bitmap */
	set_tss_descriptor();
	load();
}

/* Called on every thread switch: interrupts from user mode land on the thread's stack. */
void gdt_set_kernel_stack(uintptr_t top)
{
	tss.rsp[0] = top;
}
