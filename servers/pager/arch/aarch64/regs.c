/* The pager's view of AArch64 registers (pager.h, "arch"). */
#include <faultline/regs.h>
#include "../../pager.h"

uintptr_t arch_regs_pc(const struct fl_regs_general *r)
{
	return r->pc;
}

uintptr_t arch_regs_sp(const struct fl_regs_general *r)
{
	return r->sp;
}

/*
 * A forked child resumes where its parent made the fork call, and must
 * see that call come back with 0: the result register (x0) and the
 * reply's word 0 (x3, faultline/ipc.h's receive registers) are 0.
 */
void arch_fork_child_regs(struct fl_regs_general *r)
{
	r->x[0] = 0;
	r->x[3] = 0;
}
