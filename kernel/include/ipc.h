/*
 * Synchronous IPC (endpoints, one-shot replies), notifications and fault
 * messages. Design: docs/kernel.md; the message layout: faultline/ipc.h.
 */
#pragma once

#include <faultline/ipc.h>
#include <list.h>
#include <obj.h>
#include <pool.h>
#include <thread.h>

/* An endpoint: threads waiting to send (or call), or to receive. */
struct endpoint {
	struct kobj obj;
	struct list senders;		/* by sched_link, BLOCK_SEND / BLOCK_CALL */
	struct list receivers;		/* by sched_link, BLOCK_RECV */
	struct list fault_users;	/* threads whose faults come here, by fault_link */
	struct pool *pool;		/* pays for it */
};

/* A notification: bits, and the threads waiting for some. */
struct notification {
	struct kobj obj;
	uint64_t bits;
	struct list waiters;		/* by sched_link, BLOCK_NOTIFY */
	struct thread *bound;		/* its signals end this thread's recv */
	struct pool *pool;		/* pays for it */
};

/* A one-shot reply: the caller it answers (NULL once answered or gone). */
struct reply {
	struct kobj obj;
	union {
		struct thread *caller;
		struct reply *next_spare;	/* freed, kept for reuse (reply.c) */
	};
};

extern const struct kobj_ops endpoint_ops, notification_ops, reply_ops;

/* A fresh reply object (one reference, no caller) or NULL; give back an unused one. */
struct reply *reply_new(void);
void reply_free(struct reply *r);

/* A new endpoint or notification paid for by pool: 0 with *out, -ENOMEM. */
int endpoint_create(struct pool *pool, struct endpoint **out);
int notification_create(struct pool *pool, struct notification **out);

/*
 * The operations (kernel/ipc/ipc.c). They act for the current thread; m
 * is the outgoing message (registers), badge that of the sender's handle.
 * Results are as the system calls document them; receiving operations
 * leave the incoming message in sched_current()->msg.
 */
long ipc_send(struct endpoint *ep, uint32_t badge, const struct msg *m, bool call, bool block);
long ipc_recv(struct endpoint *ep, bool block);
long ipc_reply(int reply_handle, const struct msg *m);
/* Reply, then receive on ep (the server loop), switching straight to the caller when it can. */
long ipc_reply_recv(int reply_handle, const struct msg *m, struct endpoint *ep);
long ipc_signal(struct notification *n, uint64_t bits);
long ipc_wait(struct notification *n, bool block);

/*
 * The fastpath (kernel/ipc/fastpath.c) for register-only call and
 * reply_recv: false when it does not apply (nothing changed: take the
 * general path); true once done, with the result the current thread
 * woke with if it came back the general way.
 */
bool ipc_call_fast(int endpoint, uint64_t tag, const uint64_t w[4], long *result);
bool ipc_reply_recv_fast(int endpoint, uint64_t tag, const uint64_t w[4], long *result);
/* The call half once the endpoint and badge are known (a fault's message too). */
bool ipc_send_call_fast(struct endpoint *ep, uint32_t badge, uint64_t tag, const uint64_t w[4],
			long *result);

/* Is a tag acceptable in an outgoing message? */
bool ipc_tag_ok(uint64_t tag);

/* A blocked thread is being destroyed: take it out of whatever it waits on. */
void ipc_cancel(struct thread *t);

/* t ends: unbind its notification and fault endpoint. */
void ipc_thread_gone(struct thread *t);

/* Bind or unbind (n NULL) t's notification; point its faults at ep (NULL: none). */
void ipc_bind_notification(struct thread *t, struct notification *n);
void ipc_set_fault_handler(struct thread *t, struct endpoint *ep, uint32_t badge);
