/*
 * IPC with the whole message: the generated stubs return only the result,
 * these also return what arrives in registers (faultline/ipc.h).
 */
#pragma once

#include <faultline/abi.h>
#include <faultline/ipc.h>
#include <faultline/trap.h>

struct fl_msg {
	uint64_t badge;
	uint64_t tag;
	uint64_t w[4];
};

static inline long fl_msg_syscall(long nr, long ep, uint64_t tag, const uint64_t *w,
				  struct fl_msg *out)
{
	unsigned long r[6];
	long res = fl_syscall6_regs(nr, ep, (long)tag, (long)w[0], (long)w[1], (long)w[2],
				    (long)w[3], r);

	if (res >= 0 && out)
		*out = (struct fl_msg){ r[0], r[1], { r[2], r[3], r[4], r[5] } };
	return res;
}

/* recv / nbrecv: FL_RECV_MESSAGE or FL_RECV_NOTIFICATION with *m, or -errno. */
static inline long fl_recv_msg(int ep, struct fl_msg *m)
{
	static const uint64_t none[4];

	return fl_msg_syscall(FL_SYS_recv, ep, 0, none, m);
}

static inline long fl_nbrecv_msg(int ep, struct fl_msg *m)
{
	static const uint64_t none[4];

	return fl_msg_syscall(FL_SYS_nbrecv, ep, 0, none, m);
}

/* call: 0 with the reply in *reply, or -errno. */
static inline long fl_call_msg(int ep, uint64_t tag, const uint64_t w[4], struct fl_msg *reply)
{
	return fl_msg_syscall(FL_SYS_call, ep, tag, w, reply);
}

/* reply_recv: tag carries the reply handle (FL_TAG_WITH_REPLY); then as recv. */
static inline long fl_reply_recv_msg(int ep, uint64_t tag, const uint64_t w[4], struct fl_msg *m)
{
	return fl_msg_syscall(FL_SYS_reply_recv, ep, tag, w, m);
}
