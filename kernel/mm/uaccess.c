/* Copies between kernel buffers and a task's user memory. */
#include <arch.h>
#include <errno.h>
#include <memlayout.h>
#include <mm/pt.h>
#include <string.h>
#include <task.h>
#include <uaccess.h>

/*
 * The kernel address of user byte va, if it is RAM mapped for the user
 * with want; the entry's accessed (and, for a write, dirty) bit is set as
 * the CPU would for the user's own access. Device pages are refused: the
 * direct map holds only RAM.
 */
static void *user_byte(struct task *t, uintptr_t va, unsigned want)
{
	pte_t *e = pt_leaf(t->pt, va);
	unsigned need = PG_ACCESSED | (want & PG_WRITE ? PG_DIRTY : 0);
	paddr_t pa;
	unsigned pg;

	if (!e || pt_lookup(t->pt, va, &pa, &pg) ||
	    (pg & (want | PG_USER | PG_DEVICE)) != (want | PG_USER))
		return NULL;
	if ((pg & need) != need) {
		arch_pte_store(e, arch_pte_set_ad(*e, want & PG_WRITE));
		arch_tlb_flush_page(va & ~(uintptr_t)(PAGE_SIZE - 1));
	}
	return pa_to_kva(pa);
}

static int copy_user(struct task *t, uintptr_t uva, void *kbuf, size_t len, bool to_user)
{
	if (len == 0)
		return 0;
	if (!arch_user_addr_ok(uva, len))
		return -EFAULT;
	while (len) {
		size_t chunk = MIN(len, PAGE_SIZE - (uva & (PAGE_SIZE - 1)));
		void *k = user_byte(t, uva, to_user ? PG_READ | PG_WRITE : PG_READ);

		if (!k)
			return -EFAULT;
		if (to_user)
			memcpy(k, kbuf, chunk);
		else
			memcpy(kbuf, k, chunk);
		uva += chunk;
		kbuf = (uint8_t *)kbuf + chunk;
		len -= chunk;
	}
	return 0;
}

int copy_from_user(struct task *t, void *dst, uintptr_t src, size_t len)
{
	return copy_user(t, src, dst, len, false);
}

int copy_to_user(struct task *t, uintptr_t dst, const void *src, size_t len)
{
	return copy_user(t, dst, (void *)src, len, true);
}
