/*
 * Kernel II, tested from user mode: endpoints (send, call, recv, reply,
 * reply_recv, the non-blocking forms), badges, one-shot reply handles
 * (kept, answered out of order, dropped, stale), long messages and
 * handles through the IPC buffer, notifications and the combined wait,
 * and faults as messages (delivered, resumed, ended; the handler gone).
 * Threads of the root task play client, server and handler: a second
 * address space needs the memory calls of Kernel III.
 */
#include <faultline/ipc.h>
#include <faultline/msg.h>
#include <faultline/regs.h>
#include "arch_test.h"
#include "ktest.h"

#define LOW	(MAIN_PRIORITY - 10)
#define HIGH	(MAIN_PRIORITY + 10)

static uint64_t no_words[4];

/* ---- send, recv, badges ------------------------------------------------- */

static int ep_a;
static volatile long got_res;
static struct fl_msg got;

static void receive_once(void *arg)
{
	(void)arg;
	got_res = fl_recv_msg(ep_a, (struct fl_msg *)&got);
}

static const char *send_recv_badge(void)
{
	long t, minted = fl_handle_mint(ep_a, FL_RIGHT_WRITE, 42), r;

	got_res = -1;
	t = spawn(HIGH, receive_once, NULL);	/* runs now, blocks in recv */
	r = fl_send((int)minted, FL_TAG(7, 0, 0), 10, 11, 12, 13);
	finish(t);
	fl_handle_close((int)minted);
	if (r || got_res != FL_RECV_MESSAGE)
		return FAIL("send %ld, recv %ld", r, got_res);
	if (got.badge != 42 || FL_TAG_LABEL(got.tag) != 7 || FL_TAG_REPLY(got.tag) != -1 ||
	    got.w[0] != 10 || got.w[1] != 11 || got.w[2] != 12 || got.w[3] != 13)
		return FAIL("badge %lu label %u words %lu %lu %lu %lu", (unsigned long)got.badge,
			    FL_TAG_LABEL(got.tag), (unsigned long)got.w[0], (unsigned long)got.w[1],
			    (unsigned long)got.w[2], (unsigned long)got.w[3]);
	return NULL;
}

static void send_later(void *arg)
{
	(void)arg;
	fl_send(ep_a, FL_TAG(9, 0, 0), 1, 2, 3, 4);	/* queues: nobody receives yet */
}

static const char *sender_waits_for_receiver(void)
{
	long t = spawn(HIGH, send_later, NULL);
	long r = fl_recv_msg(ep_a, &got);

	finish(t);
	if (r != FL_RECV_MESSAGE || FL_TAG_LABEL(got.tag) != 9 || got.w[3] != 4)
		return FAIL("recv %ld label %u", r, FL_TAG_LABEL(got.tag));
	return NULL;
}

static const char *nonblocking(void)
{
	long r1 = fl_nbsend(ep_a, 0, 0, 0, 0, 0), r2 = fl_nbrecv_msg(ep_a, &got), t, r3;

	if (r1 != -EAGAIN || r2 != -EAGAIN)
		return FAIL("nbsend %ld, nbrecv %ld with nobody waiting", r1, r2);
	got_res = -1;
	t = spawn(HIGH, receive_once, NULL);
	r3 = fl_nbsend(ep_a, FL_TAG(3, 0, 0), 0, 0, 0, 0);
	finish(t);
	return r3 == 0 && got_res == FL_RECV_MESSAGE ? NULL :
		FAIL("nbsend to a waiting receiver: %ld", r3);
}

/* ---- call and reply --------------------------------------------------------- */

/* Serve n calls: reply label+1 and w0 * 2, with reply_recv after the first. */
static void serve(void *arg)
{
	long n = (long)arg;
	struct fl_msg m;
	long r = fl_recv_msg(ep_a, &m);

	while (r == FL_RECV_MESSAGE && n-- > 0) {
		uint64_t w[4] = { m.w[0] * 2, 0, 0, 0 };
		uint64_t tag = FL_TAG_WITH_REPLY(FL_TAG(FL_TAG_LABEL(m.tag) + 1, 0, 0),
						 FL_TAG_REPLY(m.tag));

		if (n == 0) {
			fl_reply(FL_TAG_REPLY(m.tag), FL_TAG(FL_TAG_LABEL(m.tag) + 1, 0, 0), w[0],
				 0, 0, 0);
			return;
		}
		r = fl_reply_recv_msg(ep_a, tag, w, &m);
	}
}

static const char *call_reply(void)
{
	long t = spawn(HIGH, serve, (void *)5);
	struct fl_msg reply = { 0 };
	const char *why = NULL;

	for (uint64_t i = 1; i <= 5 && !why; i++) {
		uint64_t w[4] = { i, 0, 0, 0 };
		long r = fl_call_msg(ep_a, FL_TAG(100, 0, 0), w, &reply);

		if (r || FL_TAG_LABEL(reply.tag) != 101 || reply.w[0] != 2 * i || reply.badge)
			why = FAIL("call %lu: %ld, label %u, w0 %lu", (unsigned long)i, r,
				   FL_TAG_LABEL(reply.tag), (unsigned long)reply.w[0]);
	}
	finish(t);
	return why;
}

/* 64 callers, all answered at once by one server thread, in reverse order. */
#define CALLERS 64
static char small_stacks[CALLERS][4096] __attribute__((aligned(16)));
static struct fl_thread_start caller_starts[CALLERS];
static volatile uint64_t answers[CALLERS];

static void caller(void *arg)
{
	uint64_t id = (uintptr_t)arg, w[4] = { id, 0, 0, 0 };
	struct fl_msg reply;

	if (fl_call_msg(ep_a, FL_TAG(5, 0, 0), w, &reply) == 0)
		answers[id] = reply.w[0];
}

static const char *pending_replies(void)
{
	long threads[CALLERS];
	int replies[CALLERS];
	uint64_t ids[CALLERS];
	const char *why = NULL;
	struct fl_msg m;

	for (int i = 0; i < CALLERS; i++) {
		answers[i] = 0;
		caller_starts[i] = (struct fl_thread_start){ caller, (void *)(uintptr_t)i };
		threads[i] = fl_thread_spawn(boot->self_task, LOW, &caller_starts[i],
					     small_stacks[i], sizeof(small_stacks[i]));
		if (threads[i] < 0)
			return FAIL("spawn %d: %ld", i, threads[i]);
	}
	for (int i = 0; i < CALLERS; i++) {
		long r = fl_recv_msg(ep_a, &m);

		if (r != FL_RECV_MESSAGE || FL_TAG_REPLY(m.tag) < 0)
			return FAIL("recv %d: %ld", i, r);
		replies[i] = FL_TAG_REPLY(m.tag);
		ids[i] = m.w[0];
	}
	for (int i = CALLERS - 1; i >= 0; i--)
		if (fl_reply(replies[i], 0, ids[i] * 3 + 1, 0, 0, 0))
			why = FAIL("reply %d failed", i);
	sleep_ms(20);
	for (int i = 0; i < CALLERS; i++) {
		if (!why && answers[i] != (uint64_t)i * 3 + 1)
			why = FAIL("caller %d got %lu", i, (unsigned long)answers[i]);
		finish(threads[i]);
	}
	return why;
}

static volatile long call_result;

static void call_once(void *arg)
{
	(void)arg;
	call_result = fl_call(ep_a, 0, 0, 0, 0, 0);
}

static const char *drop_reply(void)
{
	struct fl_msg m;
	long t, r;

	call_result = 1;
	t = spawn(LOW, call_once, NULL);
	r = fl_recv_msg(ep_a, &m);
	if (r != FL_RECV_MESSAGE)
		return FAIL("recv %ld", r);
	fl_handle_close(FL_TAG_REPLY(m.tag));	/* drop it: the caller must wake */
	sleep_ms(10);
	finish(t);
	return call_result == -EPIPE ? NULL : FAIL("the caller got %ld", call_result);
}

static const char *reply_to_dead_caller(void)
{
	struct fl_msg m;
	long t = spawn(LOW, call_once, NULL), r;

	r = fl_recv_msg(ep_a, &m);
	if (r != FL_RECV_MESSAGE)
		return FAIL("recv %ld", r);
	finish(t);
	r = fl_reply(FL_TAG_REPLY(m.tag), 0, 0, 0, 0, 0);
	return r == -ESRCH ? NULL : FAIL("reply to a destroyed caller: %ld", r);
}

static const char *stale_and_bad_replies(void)
{
	struct fl_msg m;
	long t = spawn(LOW, call_once, NULL), r1, r2, r3, r4;
	int reply;

	call_result = 1;
	if (fl_recv_msg(ep_a, &m) != FL_RECV_MESSAGE)
		return "recv failed";
	reply = FL_TAG_REPLY(m.tag);
	r1 = fl_reply(reply, FL_TAG(0, FL_MSG_BUF_WORDS + 1, 0), 0, 0, 0, 0);	/* bad tag */
	r2 = fl_reply(reply, FL_TAG(1, 0, 0), 0, 0, 0, 0);			/* still there */
	r3 = fl_reply(reply, FL_TAG(1, 0, 0), 0, 0, 0, 0);			/* used up */
	r4 = fl_reply_recv_msg(ep_a, FL_TAG_WITH_REPLY(0, reply), no_words, &m);
	sleep_ms(10);
	finish(t);
	if (r1 != -EINVAL || r2 != 0 || r3 != -EBADF || r4 != -EBADF || call_result != 0)
		return FAIL("bad tag %ld, reply %ld, again %ld, reply_recv %ld, caller %ld", r1,
			    r2, r3, r4, call_result);
	return NULL;
}

static volatile long waiter_result[2];

static void recv_waiter(void *arg)
{
	waiter_result[0] = fl_recv((int)(uintptr_t)arg);
}

static void send_waiter(void *arg)
{
	waiter_result[1] = fl_send((int)(uintptr_t)arg, 0, 0, 0, 0, 0);
}

static const char *closing_endpoint_wakes(void)
{
	long ep1 = fl_endpoint_create(), ep2 = fl_endpoint_create();
	long t1 = spawn(HIGH, recv_waiter, (void *)(uintptr_t)ep1);
	long t2 = spawn(HIGH, send_waiter, (void *)(uintptr_t)ep2);

	fl_handle_close((int)ep1);
	fl_handle_close((int)ep2);
	sleep_ms(10);
	finish(t1);
	finish(t2);
	if (waiter_result[0] != -EPIPE || waiter_result[1] != -EPIPE)
		return FAIL("recv %ld, send %ld", waiter_result[0], waiter_result[1]);
	return NULL;
}

/* ---- the IPC buffer: long messages and handles ------------------------------ */

static struct fl_ipc_buffer main_buf __attribute__((aligned(4096)));
static struct fl_ipc_buffer server_buf __attribute__((aligned(4096)));
static volatile int got_handle;
static volatile uint64_t got_sum;

static void receive_long(void *arg)
{
	struct fl_msg m;

	(void)arg;
	got_res = fl_recv_msg(ep_a, &m);
	got = m;
	got_sum = 0;
	for (unsigned i = 0; i < FL_TAG_WORDS(m.tag); i++)
		got_sum += server_buf.words[i];
	got_handle = FL_TAG_HANDLES(m.tag) ? server_buf.handles[0] : -1;
	if (got_handle >= 0)
		fl_signal(got_handle, 0x80);	/* use what arrived */
}

/* A receiver at low priority, its IPC buffer set before it runs. */
static long spawn_buffered_receiver(void)
{
	long t = spawn(LOW, receive_long, NULL);

	fl_thread_set_ipc_buffer((int)t, (uintptr_t)&server_buf);
	return t;
}

static const char *long_message_and_handle(void)
{
	long ntfn = fl_notification_create(), t, r;
	uint64_t want = 0;
	unsigned n = FL_MSG_BUF_WORDS;

	for (unsigned i = 0; i < n; i++) {
		main_buf.words[i] = i * 7 + 1;
		want += i * 7 + 1;
	}
	main_buf.handles[0] = (int32_t)ntfn;	/* copied: we keep ours */
	got_handle = -1;
	t = spawn_buffered_receiver();
	r = fl_send(ep_a, FL_TAG(1, n, 1), 0, 0, 0, 0);	/* waits for the receiver */
	sleep_ms(10);
	finish(t);
	if (r || got_res != FL_RECV_MESSAGE)
		return FAIL("send %ld recv %ld", r, got_res);
	if (FL_TAG_WORDS(got.tag) != n || got_sum != want)
		return FAIL("%u words summing to %lu, want %u and %lu", FL_TAG_WORDS(got.tag),
			    (unsigned long)got_sum, n, (unsigned long)want);
	if (got_handle < 0 || got_handle == ntfn)
		return FAIL("the handle arrived as %d", got_handle);
	r = fl_poll((int)ntfn);
	fl_handle_close(got_handle);
	fl_handle_close((int)ntfn);
	return r == 0x80 ? NULL : FAIL("the carried notification did not reach ours: %ld", r);
}

static const char *moved_handle(void)
{
	long ntfn = fl_notification_create(), t, r, after;

	main_buf.handles[0] = (int32_t)ntfn | FL_HANDLE_MOVE;
	t = spawn_buffered_receiver();
	r = fl_send(ep_a, FL_TAG(1, 0, 1), 0, 0, 0, 0);
	after = fl_poll((int)ntfn);	/* ours is gone */
	sleep_ms(10);
	finish(t);
	if (r || got_handle < 0)
		return FAIL("send %ld, handle %d", r, got_handle);
	fl_handle_close(got_handle);
	return after == -EBADF ? NULL : FAIL("the moved handle still works here: %ld", after);
}

static const char *carrying_bad_handles(void)
{
	long ntfn = fl_notification_create();
	long nogrant = fl_handle_dup((int)ntfn, FL_RIGHT_READ | FL_RIGHT_WRITE);
	long r1, r2, r3, r4, t;

	main_buf.handles[0] = 200;			/* not a handle */
	r1 = fl_send(ep_a, FL_TAG(1, 0, 1), 0, 0, 0, 0);
	main_buf.handles[0] = (int32_t)nogrant;		/* no GRANT */
	r2 = fl_send(ep_a, FL_TAG(1, 0, 1), 0, 0, 0, 0);
	fl_thread_set_ipc_buffer(boot->self_thread, 0);
	r3 = fl_send(ep_a, FL_TAG(1, 1, 0), 0, 0, 0, 0);	/* words, no buffer */
	fl_thread_set_ipc_buffer(boot->self_thread, (uintptr_t)&main_buf);
	/* a receiver without an IPC buffer cannot take words: not delivered */
	t = spawn(LOW, receive_once, NULL);
	sleep_ms(10);				/* it waits in recv now */
	r4 = fl_send(ep_a, FL_TAG(1, 1, 0), 0, 0, 0, 0);
	fl_send(ep_a, FL_TAG(1, 0, 0), 0, 0, 0, 0);	/* registers only: fine */
	finish(t);
	fl_handle_close((int)nogrant);
	fl_handle_close((int)ntfn);
	if (r1 != -EBADF || r2 != -EPERM || r3 != -EFAULT || r4 != -EFAULT)
		return FAIL("bad handle %ld, no GRANT %ld, no buffer %ld, receiver without "
			    "buffer %ld", r1, r2, r3, r4);
	return NULL;
}

/* Fill our handle table with duplicates; returns how many (to close). */
static int fill_table(int *dups, int max)
{
	int n = 0;
	long h;

	while (n < max && (h = fl_handle_dup(ep_a, FL_RIGHT_READ)) >= 0)
		dups[n++] = (int)h;
	return n;
}

static const char *full_handle_table(void)
{
	int dups[FL_HANDLES_MAX], n;
	long e, nt, mint, t, r1, r2;
	struct fl_msg m;

	/* a call waits; with no slot for its reply handle, recv is EMFILE and the caller waits on */
	call_result = 1;
	t = spawn(HIGH, call_once, NULL);
	n = fill_table(dups, FL_HANDLES_MAX);
	e = fl_endpoint_create();
	nt = fl_notification_create();
	mint = fl_handle_mint(ep_a, FL_RIGHT_WRITE, 5);
	r1 = fl_recv_msg(ep_a, &m);
	fl_handle_close(dups[--n]);
	r2 = fl_recv_msg(ep_a, &m);
	if (r2 == FL_RECV_MESSAGE)
		fl_reply(FL_TAG_REPLY(m.tag), 0, 0, 0, 0, 0);
	sleep_ms(10);
	finish(t);
	while (n > 0)
		fl_handle_close(dups[--n]);
	if (e != -EMFILE || nt != -EMFILE || mint != -EMFILE)
		return FAIL("endpoint %ld, notification %ld, mint %ld with a full table", e, nt, mint);
	if (r1 != -EMFILE || r2 != FL_RECV_MESSAGE || call_result != 0)
		return FAIL("recv %ld then %ld, caller %ld", r1, r2, call_result);
	return NULL;
}

/* ---- notifications ---------------------------------------------------------- */

static volatile long wait_result;

static void wait_once(void *arg)
{
	wait_result = fl_wait((int)(uintptr_t)arg);
}

static const char *notifications(void)
{
	long n = fl_notification_create(), badged = fl_handle_mint((int)n, FL_RIGHT_WRITE, 0x100);
	long p0 = fl_poll((int)n), t, p1;

	fl_signal((int)n, 1);
	fl_signal((int)badged, 2);		/* ORs 2 and its badge */
	p1 = fl_wait((int)n);			/* bits are there: no wait */
	wait_result = 0;
	t = spawn(HIGH, wait_once, (void *)(uintptr_t)n);	/* blocks */
	fl_signal((int)n, 8);
	sleep_ms(10);
	finish(t);
	fl_handle_close((int)badged);
	fl_handle_close((int)n);
	if (p0 != 0 || p1 != 0x103 || wait_result != 8)
		return FAIL("poll %ld, wait %ld, woken with %ld", p0, p1, wait_result);
	return NULL;
}

static const char *closing_notification_wakes(void)
{
	long n = fl_notification_create(), t;

	wait_result = 0;
	t = spawn(HIGH, wait_once, (void *)(uintptr_t)n);
	fl_handle_close((int)n);
	sleep_ms(10);
	finish(t);
	return wait_result == -EPIPE ? NULL : FAIL("the waiter got %ld", wait_result);
}

static void signal_later(void *arg)
{
	sleep_ms(20);
	fl_signal((int)(uintptr_t)arg, 0x40);
}

static const char *combined_wait(void)
{
	long n = fl_notification_create(), t, r1, r2;
	struct fl_msg m1 = { 0 }, m2 = { 0 };

	fl_thread_bind_notification(boot->self_thread, (int)n);
	t = spawn(HIGH, signal_later, (void *)(uintptr_t)n);
	r1 = fl_recv_msg(ep_a, &m1);		/* ends by the signal */
	fl_signal((int)n, 0x2);
	r2 = fl_recv_msg(ep_a, &m2);		/* pending bits: at once */
	fl_thread_bind_notification(boot->self_thread, -1);
	finish(t);
	fl_handle_close((int)n);
	if (r1 != FL_RECV_NOTIFICATION || m1.badge != 0x40 || r2 != FL_RECV_NOTIFICATION ||
	    m2.badge != 0x2)
		return FAIL("recv %ld (%#lx), then %ld (%#lx)", r1, (unsigned long)m1.badge, r2,
			    (unsigned long)m2.badge);
	return NULL;
}

/* ---- faults as messages ----------------------------------------------------- */

static int fault_ep;
static volatile struct fl_msg fault_msg;
static volatile long fault_count;
static volatile int resumed;

void arch_undefined_then_return(void);
void arch_breakpoint_then_return(void);
void arch_divide_by_zero(void);
void arch_misaligned_then_return(void);

static void do_misaligned(void *arg)
{
	(void)arg;
	arch_misaligned_then_return();
	resumed = 1;
}

static void do_undefined(void *arg)
{
	(void)arg;
	arch_undefined_then_return();
	resumed = 1;
}

static void do_breakpoint(void *arg)
{
	(void)arg;
	arch_breakpoint_then_return();
	resumed = 1;
}

static void do_divide(void *arg)
{
	(void)arg;
	arch_divide_by_zero();
	resumed = 1;
}

static void do_page_fault(void *arg)
{
	(void)arg;
	resumed = *(volatile int *)0x1000;
}

/*
 * Run fn in a thread whose faults come to fault_ep (badge 77); receive
 * the fault here, then reply with label (moving pc by skip first for a
 * resume). Returns the thread handle (still to finish) or a negative errno.
 */
static long fault_and_reply(void (*fn)(void *), uint32_t label, unsigned skip, uint64_t w0)
{
	long minted = fl_handle_mint(fault_ep, FL_RIGHT_WRITE, 77);
	long t = spawn(LOW, fn, NULL), r;
	struct fl_msg m;

	resumed = 0;
	fl_thread_set_fault_handler((int)t, (int)minted);
	fl_handle_close((int)minted);
	r = fl_recv_msg(fault_ep, &m);		/* the thread runs and faults */
	if (r != FL_RECV_MESSAGE) {
		finish(t);
		return r < 0 ? r : -EINVAL;
	}
	fault_msg = m;
	if (label == FL_FAULT_RESUME && skip) {
		struct fl_regs_general g;

		fl_thread_read_regs((int)t, FL_REGS_GENERAL, &g, sizeof(g));
		regs_set_pc(&g, regs_pc(&g) + skip);
		fl_thread_write_regs((int)t, FL_REGS_GENERAL, &g, sizeof(g));
	}
	fl_reply(FL_TAG_REPLY(m.tag), FL_TAG(label, 0, 0), w0, 0, 0, 0);
	sleep_ms(10);
	return t;
}

static const char *check_fault(unsigned kind, long t)
{
	const volatile struct fl_msg *m = &fault_msg;

	if (t < 0)
		return FAIL("no fault message: %ld", t);
	if (FL_TAG_LABEL(m->tag) != FL_LABEL_FAULT || m->badge != 77 ||
	    FL_FAULT_KIND(m->w[0]) != kind || FL_FAULT_SEQ(m->w[0]) != 1 || m->w[2] == 0 ||
	    m->w[3] == 0)
		return FAIL("label %#x badge %lu kind %u seq %lu pc %#lx sp %#lx",
			    FL_TAG_LABEL(m->tag), (unsigned long)m->badge, FL_FAULT_KIND(m->w[0]),
			    (unsigned long)FL_FAULT_SEQ(m->w[0]), (unsigned long)m->w[2],
			    (unsigned long)m->w[3]);
	return NULL;
}

static const char *fault_resumed(void (*fn)(void *), unsigned kind, unsigned skip)
{
	long t = fault_and_reply(fn, FL_FAULT_RESUME, skip, 0);
	const char *why = check_fault(kind, t);

	if (!why && !resumed)
		why = "the thread did not go on after the resume";
	if (t >= 0)
		finish(t);
	return why;
}

static const char *undefined_resumed(void)
{
	return fault_resumed(do_undefined, FL_FAULT_UNDEFINED, UNDEFINED_SKIP);
}

static const char *breakpoint_resumed(void)
{
	return fault_resumed(do_breakpoint, FL_FAULT_BREAKPOINT, BREAKPOINT_SKIP);
}

static const char *alignment_resumed(void)
{
	return fault_resumed(do_misaligned, FL_FAULT_ALIGNMENT, ALIGNMENT_SKIP);
}

static const char *divide_resumed(void)
{
	if (!HAS_DIVIDE_TRAP)
		return NULL;	/* reported as a skip by main */
	return fault_resumed(do_divide, FL_FAULT_ARITHMETIC, DIVIDE_SKIP);
}

static const char *page_fault_message(void)
{
	long t = fault_and_reply(do_page_fault, FL_FAULT_SIGNAL, 0, SIGSEGV);
	const char *why = check_fault(FL_FAULT_PAGE, t);

	if (!why && (fault_msg.w[1] != 0x1000 ||
		     !(FL_FAULT_ACCESS(fault_msg.w[0]) & FL_ACCESS_READ) ||
		     (FL_FAULT_ACCESS(fault_msg.w[0]) & (FL_ACCESS_WRITE | FL_ACCESS_PRESENT))))
		why = FAIL("address %#lx access %#x", (unsigned long)fault_msg.w[1],
			   FL_FAULT_ACCESS(fault_msg.w[0]));
	if (!why && (!dead(t) || resumed))
		why = "a SIGSEGV reply did not end the thread";
	if (t >= 0)
		finish(t);
	return why;
}

static const char *terminate_reply(void)
{
	long t = fault_and_reply(do_undefined, FL_FAULT_TERMINATE, 0, 0);
	const char *why = check_fault(FL_FAULT_UNDEFINED, t);

	if (!why && (!dead(t) || resumed))
		why = "a terminate reply did not end the thread";
	if (t >= 0)
		finish(t);
	return why;
}

static const char *handler_gone(void)
{
	long ep = fl_endpoint_create(), t;
	bool gone;

	resumed = 0;
	t = spawn(LOW, do_undefined, NULL);
	fl_thread_set_fault_handler((int)t, (int)ep);
	sleep_ms(10);			/* it faults and waits: nobody receives */
	if (dead(t))
		return "the faulter did not wait for its handler";
	fl_handle_close((int)ep);	/* the handler goes away */
	sleep_ms(10);
	gone = dead(t) && !resumed;
	finish(t);
	return gone ? NULL : "the faulter survived its handler";
}

static const char *no_handler(void)
{
	long t = spawn(HIGH, do_undefined, NULL);

	return dead(t) ? (finish(t), NULL) : "a fault without a handler did not end the thread";
}

/* ---- main ------------------------------------------------------------------- */

static const struct kt_case tests[] = {
	{ "ipc: send and recv carry the badge, label and four words", send_recv_badge },
	{ "ipc: a sender waits for a receiver", sender_waits_for_receiver },
	{ "ipc: nbsend and nbrecv do not wait", nonblocking },
	{ "ipc: call, reply and reply_recv", call_reply },
	{ "ipc: 64 pending replies answered out of order", pending_replies },
	{ "ipc: dropping a reply handle wakes the caller with EPIPE", drop_reply },
	{ "ipc: a reply to a destroyed caller is ESRCH", reply_to_dead_caller },
	{ "ipc: a bad reply keeps the reply handle, a used one is EBADF", stale_and_bad_replies },
	{ "ipc: closing an endpoint wakes its waiters with EPIPE", closing_endpoint_wakes },
	{ "ipc: 480 buffer words and a copied handle", long_message_and_handle },
	{ "ipc: a moved handle leaves the sender", moved_handle },
	{ "ipc: bad handles, no GRANT, no IPC buffer: nothing delivered", carrying_bad_handles },
	{ "ipc: a full handle table: EMFILE for new objects and for recv", full_handle_table },
	{ "notify: signal, poll, wait, badges", notifications },
	{ "notify: closing a notification wakes its waiter with EPIPE", closing_notification_wakes },
	{ "notify: a bound notification ends recv (one wait for both)", combined_wait },
	{ "fault: a page fault message; a SIGSEGV reply ends the thread", page_fault_message },
	{ "fault: an undefined instruction, resumed past it", undefined_resumed },
	{ "fault: a breakpoint, resumed", breakpoint_resumed },
	{ "fault: a divide error, resumed", divide_resumed },
	{ "fault: a misaligned access, resumed", alignment_resumed },
	{ "fault: a terminate reply ends the thread", terminate_reply },
	{ "fault: when the handler goes away its faulter ends", handler_gone },
	{ "fault: without a handler the thread ends", no_handler },
};

int main(const struct fl_bootinfo *bi)
{
	int n = (int)(sizeof(tests) / sizeof(tests[0]));

	boot = bi;
	kt_plan(0, n);
	ep_a = (int)fl_endpoint_create();
	fault_ep = (int)fl_endpoint_create();
	fl_thread_set_ipc_buffer(boot->self_thread, (uintptr_t)&main_buf);
	for (int i = 0; i < n; i++) {
		if (tests[i].fn == divide_resumed && !HAS_DIVIDE_TRAP) {
			fl_printf("ok %d - %s # SKIP this architecture has no divide trap\n",
				  ++case_no, tests[i].name);
			continue;
		}
		if (tests[i].fn == alignment_resumed && !HAS_ALIGNMENT_TRAP) {
			fl_printf("ok %d - %s # SKIP QEMU's TCG does not raise #AC (the kernel "
				  "sets CR0.AM for hardware that does)\n", ++case_no, tests[i].name);
			continue;
		}
		report(tests[i].name, tests[i].fn());
	}
	return kt_finish();
}
