/* Reading fixtures (fixture.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "fixture.h"

#ifndef FIXTURES
#error "FIXTURES must name the directory of generated fixtures"
#endif

void *fixture_load(const char *name, size_t *len)
{
	char path[512];
	void *p;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", FIXTURES, name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open fixture %s", path);
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc(*len ? *len : 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, *len, f), *len);
	fclose(f);
	return p;
}

struct blob fixture_blob(const char *name)
{
	struct blob b;

	b.data = fixture_load(name, &b.len);
	return b;
}
