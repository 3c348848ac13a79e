/* The pager library (faultline/upager.h) on the system pager's protocol. */
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
#include <faultline/abi.h>
#include <faultline/msg.h>
#include <faultline/pager.h>
#include <faultline/process.h>
#include <faultline/upager.h>
#include "glue.h"

static int result(long r)
{
	return r < 0 ? fail((int)-r) : (int)r;
}

void *fl_region_delegate(void *hint, size_t len, int prot, int pager_pid)
{
	long r = fl_pager_call(FL_PAGER_DELEGATE, (uintptr_t)hint, len, (uint64_t)(unsigned)prot,
			       (uint64_t)(int64_t)pager_pid);

	return r < 0 ? (fail((int)-r), MAP_FAILED) : (void *)r;
}

int fl_upager_wait(struct fl_upager_fault *f)
{
	static const uint64_t none[4];
	struct fl_msg reply;
	long r = fl_call_msg(fl_pager(), FL_TAG(FL_PAGER_FAULT_WAIT, 0, 0), none, &reply);

	if (r < 0 || (long)reply.w[0] < 0)
		return fail((int)-(r < 0 ? r : (long)reply.w[0]));
	if (reply.w[0] == 0)
		return 0;
	*f = (struct fl_upager_fault){ (long)reply.w[0], (uintptr_t)reply.w[1], (int)reply.w[2],
				       (unsigned)reply.w[3] };
	return 1;
}

static int resolve(long token, uint64_t how, const void *src, int prot)
{
	return result(fl_pager_call(FL_PAGER_FAULT_RESOLVE, (uint64_t)token, how, (uintptr_t)src,
				    (uint64_t)(unsigned)prot));
}

int fl_upager_zero(long token, int prot)
{
	return resolve(token, FL_RESOLVE_ZERO, NULL, prot);
}

int fl_upager_copy(long token, const void *src, int prot)
{
	return resolve(token, FL_RESOLVE_COPY, src, prot);
}

int fl_upager_allow(long token, int prot)
{
	return resolve(token, FL_RESOLVE_ALLOW, NULL, prot);
}

int fl_upager_protect(int pid, const void *addr, int keep)
{
	return result(fl_pager_call(FL_PAGER_PROTECT, (uint64_t)(int64_t)pid, (uintptr_t)addr,
				    (uint64_t)(unsigned)keep, 0));
}

int fl_upager_fail(long token)
{
	return resolve(token, FL_RESOLVE_FAIL, NULL, 0);
}

void *fl_upager_staging(size_t pages)
{
	return mmap(NULL, pages * 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
}

int fl_upager_loop(int (*decide)(const struct fl_upager_fault *f, void *arg), void *arg)
{
	struct fl_upager_fault f;
	int got;

	while ((got = fl_upager_wait(&f)) == 1)
		if (decide(&f, arg))
			return 0;
	return got;
}

int fl_upager_evict(int pid, const void *addr, void *dst)
{
	return result(fl_pager_call(FL_PAGER_EVICT, (uint64_t)(int64_t)pid, (uintptr_t)addr,
				    (uintptr_t)dst, 0));
}

int fl_upager_snapshot(int pid, const void *addr)
{
	return result(fl_pager_call(FL_PAGER_SNAPSHOT, (uint64_t)(int64_t)pid, (uintptr_t)addr, 0, 0));
}

int fl_upager_restore(int snapshot)
{
	return result(fl_pager_call(FL_PAGER_RESTORE, (uint64_t)(int64_t)snapshot, 0, 0, 0));
}
