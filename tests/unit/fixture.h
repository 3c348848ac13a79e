/* Host-test support: reading the fixtures gen_fixtures.py made in FIXTURES. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* The whole of FIXTURES/name in a malloc'd buffer of exactly *len bytes (one if empty,
 * so ASan catches any overread); fails the test if it cannot be read. */
void *fixture_load(const char *name, size_t *len);

struct blob {
	uint8_t *data;
	size_t len;
};

/* fixture_load as a blob. */
struct blob fixture_blob(const char *name);
