/*
 * What an instruction count hides, counted for the benchmarks
 * (docs/benchmarks.md): read with the kstat system call as struct
 * fl_kstat (abi/include/faultline/kstat.h).
 */
#pragma once

#include <faultline/kstat.h>

extern struct fl_kstat kstat;
