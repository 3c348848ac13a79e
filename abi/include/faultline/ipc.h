/*
 * IPC messages: the tag and the IPC buffer (docs/abi.md, docs/kernel.md).
 *
 * A message is a tag and four words in registers, plus up to
 * FL_MSG_BUF_WORDS more words and FL_MSG_HANDLES_MAX handles in the
 * sender's IPC buffer (thread_set_ipc_buffer). The tag:
 *
 *   bits  0..31  label (the kernel's fault messages use FL_LABEL_FAULT)
 *   bits 32..41  words in the IPC buffer (0..FL_MSG_BUF_WORDS)
 *   bits 42..44  handles in the IPC buffer (0..FL_MSG_HANDLES_MAX)
 *   bits 48..62  reply handle + 1 (0: none): set by the kernel on a
 *                received call; given back to reply_recv. 15 bits: any
 *                handle below FL_HANDLES_LIMIT fits
 *   other bits   zero (45..47 and 63: FL_TAG_RESERVED)
 *
 * A receiver gets: the result (FL_RECV_MESSAGE / FL_RECV_NOTIFICATION),
 * then badge, tag, w0..w3 in the registers after it (x86_64 rdi rsi rdx
 * r10 r8 r9; AArch64 x1..x6).
 */
#pragma once

#include <stdint.h>
#include <faultline/abi.h>

#define FL_TAG(label, words, handles) \
	((uint64_t)(uint32_t)(label) | (uint64_t)(words) << 32 | (uint64_t)(handles) << 42)
#define FL_TAG_LABEL(tag)	((uint32_t)(tag))
#define FL_TAG_WORDS(tag)	((unsigned)((tag) >> 32) & 0x3ff)
#define FL_TAG_HANDLES(tag)	((unsigned)((tag) >> 42) & 0x7)
#define FL_TAG_REPLY_MASK	(0x7fffull << 48)
#define FL_TAG_REPLY(tag)	((int)(((tag) >> 48) & 0x7fff) - 1)	/* -1: none */
#define FL_TAG_WITH_REPLY(tag, reply) \
	(((tag) & ~FL_TAG_REPLY_MASK) | (uint64_t)((reply) + 1) << 48)
#define FL_TAG_RESERVED		(~((1ull << 45) - 1) & ~FL_TAG_REPLY_MASK)

_Static_assert(FL_HANDLES_LIMIT <= 0x7fff, "a reply handle + 1 fits the tag's 15 bits");

/* A handle carried in a message is moved (closed in the sender) if this bit is set. */
#define FL_HANDLE_MOVE		0x40000000

/* The IPC buffer: one page, named with thread_set_ipc_buffer. */
struct fl_ipc_buffer {
	uint64_t words[FL_MSG_BUF_WORDS];
	int32_t handles[FL_MSG_HANDLES_MAX];	/* send: handle | FL_HANDLE_MOVE; receive: new handles */
};

_Static_assert(sizeof(struct fl_ipc_buffer) <= 4096, "the IPC buffer is one page");

/* A fault message's word 0: kind, access and the thread's fault sequence number. */
#define FL_FAULT_KIND(w0)	((unsigned)(w0) & 0xff)
#define FL_FAULT_ACCESS(w0)	((unsigned)((w0) >> 8) & 0xff)
#define FL_FAULT_SEQ(w0)	((w0) >> 16)

/* The signal a fault of kind (FL_FAULT_*) implies: what ends an unhandled faulter. */
static inline int fl_fault_signal(unsigned kind)
{
	switch (kind) {
	case FL_FAULT_UNDEFINED: return SIGILL;
	case FL_FAULT_ALIGNMENT: return SIGBUS;
	case FL_FAULT_BREAKPOINT: return SIGTRAP;
	case FL_FAULT_ARITHMETIC: return SIGFPE;
	default: return SIGSEGV;
	}
}
