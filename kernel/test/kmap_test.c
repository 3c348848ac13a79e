/* Self-tests of the kernel's address space: W^X, direct map, stack guards. */
#include <arch.h>
#include <cpu.h>
#include <ktest.h>
#include <memlayout.h>
#include <mm/kmap.h>
#include <mm/pt.h>

static const char *check(vaddr_t va, unsigned want, unsigned forbid, const char *what)
{
	unsigned pg;

	if (pt_lookup(kernel_pt, va, NULL, &pg))
		return ktest_fail("%s at %#lx is not mapped", what, (unsigned long)va);
	if ((pg & want) != want || (pg & forbid))
		return ktest_fail("%s at %#lx has flags %#x", what, (unsigned long)va, pg);
	return NULL;
}

static const char *w_xor_x(void)
{
	struct kernel_sections ks;
	const char *why;

	arch_kernel_sections(&ks);
	if ((why = check(ks.text_start, PG_READ | PG_EXEC, PG_WRITE | PG_USER, "text")) ||
	    (why = check(ks.rodata_start, PG_READ, PG_WRITE | PG_EXEC | PG_USER, "rodata")) ||
	    (why = check(ks.data_start, PG_READ | PG_WRITE, PG_EXEC | PG_USER, "data")) ||
	    (why = check(ks.data_end - 1, PG_READ | PG_WRITE, PG_EXEC | PG_USER, "bss")))
		return why;
	return NULL;
}

static const char *direct_map(void)
{
	struct kernel_sections ks;
	paddr_t text_pa;
	const char *why;

	arch_kernel_sections(&ks);
	text_pa = kva_to_pa((void *)ks.text_start);
	/* the image's text is read-only in the direct map too */
	if ((why = check((vaddr_t)pa_to_kva(text_pa), PG_READ, PG_WRITE | PG_EXEC, "direct-mapped text")))
		return why;
	if ((why = check((vaddr_t)&cpus[0], PG_READ | PG_WRITE, PG_EXEC, "cpu data")))
		return why;
	return NULL;
}

static const char *stack_guard(void)
{
	uintptr_t top = arch_this_cpu()->kstack_top;
	vaddr_t guard = top - KSTACK_SIZE - PAGE_SIZE;
	const char *why;

	if ((why = check(top - PAGE_SIZE, PG_READ | PG_WRITE, PG_EXEC, "stack")))
		return why;
	if (pt_lookup(kernel_pt, guard, NULL, NULL) == 0)
		return ktest_fail("guard page %#lx is mapped", (unsigned long)guard);
	if (!kstack_is_guard(guard) || kstack_is_guard(top - PAGE_SIZE))
		return "kstack_is_guard is wrong";
	return NULL;
}

const struct ktest kmap_tests[] = {
	{ "kmap: kernel image is W^X", w_xor_x },
	{ "kmap: direct map protections", direct_map },
	{ "kmap: stack below an unmapped guard", stack_guard },
	{ NULL, NULL },
};
