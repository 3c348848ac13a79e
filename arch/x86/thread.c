/*
 * Threads on x86_64: the first entry to user mode, the context switch,
 * and the register sets of thread_read_regs / thread_write_regs.
 *
 * A thread's user registers are the trap frame at the top of its kernel
 * stack (x86_user_frame). The FP/SIMD state (the FXSAVE image) and the
 * TLS base (FS_BASE) are switched eagerly, on every switch between
 * threads of user tasks; the kernel never uses x87/SSE itself.
 */
#include <arch.h>
#include <errno.h>
#include <cpu.h>
#include <memlayout.h>
#include <string.h>
#include <task.h>
#include <thread.h>
#include <faultline/abi.h>
#include <mm/pt.h>
#include <arch/setup.h>
#include <arch/trap.h>
#include <arch/x86.h>

#define FXSAVE_FCW		0	/* byte offsets in the FXSAVE image */
#define FXSAVE_MXCSR		24
#define FCW_DEFAULT		0x037f	/* FNINIT: all x87 exceptions masked, extended precision */
#define MXCSR_DEFAULT		0x1f80	/* all SSE exceptions masked, round to nearest */

/* Flags a user may set with thread_write_regs; IF is always on. */
#define RFLAGS_USER	(RFLAGS_CF | RFLAGS_PF | RFLAGS_AF | RFLAGS_ZF | RFLAGS_SF | \
			 RFLAGS_TF | RFLAGS_DF | RFLAGS_OF)

/* What x86_switch pops, lowest address first. */
struct switch_frame {
	uint64_t r15, r14, r13, r12, rbx, rbp;
	uint64_t rip;
};

void x86_switch(uint64_t *prev_rsp, uint64_t next_rsp);
/* Save like x86_switch, then leave for user mode through the frame tf. */
void x86_switch_to_user(uint64_t *prev_rsp, struct trap_frame *tf);

_Static_assert(sizeof(struct fl_regs_fp) == 512, "FXSAVE image");
_Static_assert(__builtin_offsetof(struct thread, arch.fp) % 16 == 0, "FXSAVE alignment");

static void fp_save(struct fl_regs_fp *fp)
{
	__asm__ volatile("fxsaveq %0" : "=m"(*fp));
}

static void fp_restore(const struct fl_regs_fp *fp)
{
	__asm__ volatile("fxrstorq %0" : : "m"(*fp));
}

/*
 * The state a new thread starts with: registers zero, but the control
 * words as FNINIT and the power-on MXCSR leave them (exceptions masked);
 * an all-zero image would unmask every FP exception.
 */
static void fp_init(struct fl_regs_fp *fp)
{
	memset(fp, 0, sizeof(*fp));
	*(uint16_t *)&fp->fxsave[FXSAVE_FCW] = FCW_DEFAULT;
	*(uint32_t *)&fp->fxsave[FXSAVE_MXCSR] = MXCSR_DEFAULT;
}

/*
 * The new thread's kernel stack: its user frame at the top, and below it
 * a switch frame whose return address is thread_first_entry (vectors.S),
 * which goes to user mode through the ordinary exit path.
 */
void arch_thread_init(struct thread *t, uintptr_t kstack_top,
		      uintptr_t pc, uintptr_t sp, uintptr_t arg)
{
	struct trap_frame *tf = x86_user_frame(kstack_top);
	struct switch_frame *sf = (struct switch_frame *)tf - 1;

	memset(tf, 0, sizeof(*tf));
	tf->vector = VEC_SYSCALL;
	tf->rip = pc;
	tf->cs = USER_CS;
	tf->rflags = RFLAGS_IF | RFLAGS_RESERVED;
	tf->rsp = sp;
	tf->ss = USER_DS;
	tf->rdi = arg;
	memset(sf, 0, sizeof(*sf));
	sf->rip = (uint64_t)thread_first_entry;
	t->arch.rsp = (uint64_t)sf;
	t->arch.fs_base = 0;
	fp_init(&t->arch.fp);
}

/*
 * Switch the user state (FP/SIMD, TLS base, address space), point the
 * TSS and syscall_entry at next's kernel stack, then switch stacks. The
 * idle thread has no task: it runs on the kernel's own page table, so
 * that the root table of a task that died meanwhile can be freed.
 */
/* Everything a switch does but change stacks. */
static inline __attribute__((always_inline)) void switch_state(struct thread *prev,
							     struct thread *next)
{
	struct x86_cpu *xc = x86_this_cpu();
	paddr_t root = next->task ? next->task->pt : kernel_pt;

	if (prev->task)
		fp_save(&prev->arch.fp);
	if (next->task) {
		fp_restore(&next->arch.fp);
		wrmsr(MSR_FS_BASE, next->arch.fs_base);
	}
	if ((read_cr3() & ~0xffful) != root)
		arch_pt_activate_user(root);
	gdt_set_kernel_stack(next->kstack_top);
	xc->kstack_top = next->kstack_top;
	xc->cpu->kstack_top = next->kstack_top;
}

void arch_context_switch(struct thread *prev, struct thread *next)
{
	switch_state(prev, next);
	x86_switch(&prev->arch.rsp, next->arch.rsp);
}

void arch_switch_to_user(struct thread *prev, struct thread *next)
{
	switch_state(prev, next);
	kernel_unlock();	/* next leaves the kernel: what its exit path would do */
	x86_switch_to_user(&prev->arch.rsp, x86_user_frame(next->kstack_top));
}

static void regs_get_general(const struct trap_frame *tf, struct fl_regs_general *r)
{
	*r = (struct fl_regs_general){
		.rax = tf->rax, .rbx = tf->rbx, .rcx = tf->rcx, .rdx = tf->rdx,
		.rsi = tf->rsi, .rdi = tf->rdi, .rbp = tf->rbp, .rsp = tf->rsp,
		.r8 = tf->r8, .r9 = tf->r9, .r10 = tf->r10, .r11 = tf->r11,
		.r12 = tf->r12, .r13 = tf->r13, .r14 = tf->r14, .r15 = tf->r15,
		.rip = tf->rip, .rflags = tf->rflags,
	};
}

/*
 * The pc must be a user address: user_return could not go there, and
 * x86_user_exit would turn it into a fault. rsp is not checked: a bad
 * stack pointer faults in user mode. cs and ss stay the user's.
 */
static int regs_set_general(struct trap_frame *tf, const struct fl_regs_general *r)
{
	if (r->rip >= USER_TOP)
		return -EINVAL;
	tf->rax = r->rax, tf->rbx = r->rbx, tf->rcx = r->rcx, tf->rdx = r->rdx;
	tf->rsi = r->rsi, tf->rdi = r->rdi, tf->rbp = r->rbp, tf->rsp = r->rsp;
	tf->r8 = r->r8, tf->r9 = r->r9, tf->r10 = r->r10, tf->r11 = r->r11;
	tf->r12 = r->r12, tf->r13 = r->r13, tf->r14 = r->r14, tf->r15 = r->r15;
	tf->rip = r->rip;
	tf->rflags = (r->rflags & RFLAGS_USER) | RFLAGS_IF | RFLAGS_RESERVED;
	return 0;
}

/* FXRSTOR faults on an MXCSR with reserved bits: refuse such an image. */
static int regs_set_fp(struct fl_regs_fp *fp, const struct fl_regs_fp *r)
{
	uint32_t mxcsr = *(const uint32_t *)&r->fxsave[FXSAVE_MXCSR];

	if (mxcsr & ~fpu_mxcsr_mask)
		return -EINVAL;
	*fp = *r;
	return 0;
}

int arch_regs_get(struct thread *t, unsigned set, void *buf, size_t len)
{
	switch (set) {
	case FL_REGS_GENERAL:
		if (len != sizeof(struct fl_regs_general))
			return -EINVAL;
		regs_get_general(x86_user_frame(t->kstack_top), buf);
		return 0;
	case FL_REGS_FP:
		if (len != sizeof(struct fl_regs_fp))
			return -EINVAL;
		memcpy(buf, &t->arch.fp, len);
		return 0;
	case FL_REGS_TLS:
		if (len != sizeof(uint64_t))
			return -EINVAL;
		memcpy(buf, &t->arch.fs_base, len);
		return 0;
	default:
		return -EINVAL;
	}
}

int arch_regs_set(struct thread *t, unsigned set, const void *buf, size_t len)
{
	uint64_t tls;

	switch (set) {
	case FL_REGS_GENERAL:
		if (len != sizeof(struct fl_regs_general))
			return -EINVAL;
		return regs_set_general(x86_user_frame(t->kstack_top), buf);
	case FL_REGS_FP:
		if (len != sizeof(struct fl_regs_fp))
			return -EINVAL;
		return regs_set_fp(&t->arch.fp, buf);
	case FL_REGS_TLS:
		if (len != sizeof(uint64_t))
			return -EINVAL;
		memcpy(&tls, buf, sizeof(tls));
		if (tls >= USER_TOP)	/* wrmsr would fault on a non-canonical one */
			return -EINVAL;
		t->arch.fs_base = tls;
		return 0;
	default:
		return -EINVAL;
	}
}
