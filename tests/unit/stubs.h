/* Host-test support: panics can be expected and caught. */
#pragma once

#include <setjmp.h>

extern int panic_expected;
extern jmp_buf panic_jump;

/* Run stmt, and return nonzero if it panicked. */
#define PANICS(stmt) \
	({ \
		volatile int _p = 0; \
		panic_expected = 1; \
		if (setjmp(panic_jump) == 0) { \
			stmt; \
		} else { \
			_p = 1; \
		} \
		panic_expected = 0; \
		_p; \
	})
