/*
 * newlib's <sys/stat.h>, and what it leaves out for this target: lstat
 * (libsys/newlib/files.c; symlinks are not followed by the fs server yet,
 * so it is stat).
 */
#pragma once

#include_next <sys/stat.h>

int lstat(const char *__restrict path, struct stat *__restrict st);
