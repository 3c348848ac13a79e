/*
 * The kernel's DTB parser against the host's libfdt, on the device trees
 * QEMU's virt machine really passes (dumped with dumpdtb), on a tree
 * compiled by dtc, and on corrupted copies (under AddressSanitizer).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libfdt.h>

#include <errno.h>
#include "fixture.h"
#include <lib/dtb.h>

/* Every node: same order, name and depth; every property: same bytes; paths resolve alike. */
static void compare_with_libfdt(const char *file, int expect_nodes_at_least)
{
	size_t len;
	void *blob = fixture_load(file, &len);
	struct dtb f;
	int ours = 0, theirs = 0, d_ours = 0, d_theirs = 0, nodes = 0;

	assert_int_equal(fdt_check_header(blob), 0);
	assert_int_equal(dtb_open(&f, blob, len), 0);
	assert_int_equal(dtb_header_size(blob), fdt_totalsize(blob));
	for (;;) {
		char path[256];
		int prop;

		assert_int_equal(ours, theirs);
		assert_string_equal(dtb_node_name(&f, ours), fdt_get_name(blob, theirs, NULL));
		fdt_for_each_property_offset(prop, blob, theirs) {
			const char *pname;
			int plen, olen;
			const void *pv = fdt_getprop_by_offset(blob, prop, &pname, &plen);
			const void *ov = dtb_getprop(&f, ours, pname, &olen);

			assert_non_null(ov);
			assert_int_equal(olen, plen);
			assert_memory_equal(ov, pv, (size_t)plen);
		}
		assert_int_equal(fdt_get_path(blob, theirs, path, sizeof(path)), 0);
		assert_int_equal(dtb_path(&f, path), fdt_path_offset(blob, path));
		nodes++;

		ours = dtb_next_node(&f, ours, &d_ours);
		theirs = fdt_next_node(blob, theirs, &d_theirs);
		/* libfdt stops with depth -1 at the root's end, or with an error */
		if (theirs < 0 || d_theirs < 0) {
			assert_int_equal(ours, -ENOENT);
			break;
		}
		assert_int_equal(d_ours, d_theirs);
	}
	assert_true(nodes >= expect_nodes_at_least);
	assert_null(dtb_getprop(&f, 0, "no-such-property", NULL));
	assert_int_equal(dtb_path(&f, "/no-such-node"), -ENOENT);
	free(blob);
}

static void virt_gicv2_matches_libfdt(void **state)
{
	(void)state;
	compare_with_libfdt("virt-gicv2.dtb", 40);
}

static void virt_gicv3_matches_libfdt(void **state)
{
	(void)state;
	compare_with_libfdt("virt-gicv3.dtb", 40);
}

static void nomem_matches_libfdt(void **state)
{
	(void)state;
	compare_with_libfdt("nomem.dtb", 5);
}

/* The facts the AArch64 boot code reads, from a real virt DTB. */
static void virt_facts(void **state)
{
	size_t len;
	void *blob = fixture_load("virt-gicv2.dtb", &len);
	struct dtb f;
	uint64_t addr, size;
	int node, clen;
	const char *compat;

	(void)state;
	assert_int_equal(dtb_open(&f, blob, len), 0);
	node = dtb_find_device_type(&f, -1, "memory");
	assert_true(node > 0);
	assert_int_equal(dtb_reg(&f, node, 0, &addr, &size), 0);
	assert_int_equal(addr, 0x40000000);
	assert_int_equal(size, 256ul << 20);
	assert_int_equal(dtb_reg(&f, node, 1, &addr, &size), -ENOENT);

	node = dtb_find_compatible(&f, -1, "arm,pl011");
	assert_int_equal(node, fdt_node_offset_by_compatible(blob, -1, "arm,pl011"));
	assert_int_equal(dtb_reg(&f, node, 0, &addr, &size), 0);
	assert_int_equal(addr, 0x09000000);

	node = dtb_find_compatible(&f, -1, "arm,cortex-a15-gic");
	assert_true(node > 0);
	assert_int_equal(dtb_reg(&f, node, 1, &addr, &size), 0);
	assert_int_equal(addr, 0x08010000);		/* GICC */
	compat = dtb_getprop(&f, dtb_path(&f, "/psci"), "method", &clen);
	assert_string_equal(compat, "hvc");

	/* virtio-mmio slots: the next-compatible walk finds all 32 */
	node = -1;
	for (int i = 0; i < 32; i++) {
		node = dtb_find_compatible(&f, node, "virtio,mmio");
		assert_true(node > 0);
	}
	assert_int_equal(dtb_find_compatible(&f, node, "virtio,mmio"), -ENOENT);
	free(blob);
}

static void nomem_facts(void **state)
{
	size_t len;
	void *blob = fixture_load("nomem.dtb", &len);
	struct dtb f;
	uint64_t addr, size;
	int node, plen;

	(void)state;
	assert_int_equal(dtb_open(&f, blob, len), 0);
	assert_int_equal(dtb_find_device_type(&f, -1, "memory"), -ENOENT);
	node = dtb_path(&f, "/chosen");
	assert_int_equal(dtb_read_cells(dtb_getprop(&f, node, "linux,initrd-start", &plen), 1),
			 0x48000000);
	assert_int_equal(plen, 4);
	node = dtb_path(&f, "/soc/dev@100");
	assert_int_equal(node, fdt_path_offset(blob, "/soc/dev@100"));
	assert_int_equal(dtb_path(&f, "/soc/dev"), node);	/* unit address optional */
	assert_int_equal(dtb_reg(&f, node, 1, &addr, &size), 0);	/* 1+1 cells from /soc */
	assert_int_equal(addr, 0x200);
	assert_int_equal(size, 0x20);
	assert_int_equal(dtb_mem_rsv(&f, 0, &addr, &size), 0);
	assert_int_equal(addr, 0x48000000);
	assert_int_equal(size, 0x10000);
	assert_int_equal(dtb_mem_rsv(&f, 1, &addr, &size), -ENOENT);
	free(blob);
}

static void bad_headers(void **state)
{
	size_t len;
	uint8_t *blob = fixture_load("nomem.dtb", &len);
	struct dtb f;

	(void)state;
	assert_int_equal(dtb_open(&f, blob, 39), -EINVAL);		/* too short */
	assert_int_equal(dtb_open(&f, blob, len - 1), -EINVAL);	/* totalsize > available */
	blob[0] ^= 1;
	assert_int_equal(dtb_open(&f, blob, len), -EINVAL);		/* magic */
	assert_int_equal(dtb_header_size(blob), 0);
	blob[0] ^= 1;
	blob[11] = 0xff;						/* off_dt_struct */
	assert_int_equal(dtb_open(&f, blob, len), -EINVAL);
	free(blob);
}

/* Random corruption of the structure block: errors are fine, overreads are not. */
static void fuzz_structure(void **state)
{
	size_t len;
	uint8_t *orig = fixture_load("virt-gicv3.dtb", &len), *c = malloc(len);
	struct dtb f;

	(void)state;
	srand(2);
	for (int i = 0; i < 3000; i++) {
		int node = 0, depth = 0, steps = 0;

		memcpy(c, orig, len);
		for (int k = 0; k < 4; k++)
			c[40 + rand() % (len - 40)] = (uint8_t)rand();
		if (dtb_open(&f, c, len) < 0)
			continue;
		(void)dtb_path(&f, "/chosen");
		(void)dtb_find_compatible(&f, -1, "arm,pl011");
		while (node >= 0 && steps++ < 10000) {
			uint64_t a, s;

			(void)dtb_getprop(&f, node, "reg", NULL);
			(void)dtb_reg(&f, node, 0, &a, &s);
			node = dtb_next_node(&f, node, &depth);
		}
	}
	free(c);
	free(orig);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(virt_gicv2_matches_libfdt),
		cmocka_unit_test(virt_gicv3_matches_libfdt),
		cmocka_unit_test(nomem_matches_libfdt),
		cmocka_unit_test(virt_facts),
		cmocka_unit_test(nomem_facts),
		cmocka_unit_test(bad_headers),
		cmocka_unit_test(fuzz_structure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
