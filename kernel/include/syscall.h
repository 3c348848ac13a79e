/* System calls: the generated dispatcher and the handlers' prototypes. */
#pragma once

#include <syscall.gen.h>
