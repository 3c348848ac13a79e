/* The pager's view of x86_64 registers (pager.h, "arch"). */
#include <faultline/regs.h>
#include "../../pager.h"

uintptr_t arch_regs_pc(const struct fl_regs_general *r)
{
	return r->rip;
}

uintptr_t arch_regs_sp(const struct fl_regs_general *r)
{
	return r->rsp;
}

/*
 * A forked child resumes where its parent made the fork call, and must
 * see that call come back with 0: the result register (rax) and the
 * reply's word 0 (rdx, faultline/ipc.h's receive registers) are 0.
 */
void arch_fork_child_regs(struct fl_regs_general *r)
{
	r->rax = 0;
	r->rdx = 0;
}
