#!/usr/bin/env python3
"""Self-test of tools/benchreport.py: the regression guard's comparison and
the report's rows. Standard library only.

    python3 tools/test_benchreport.py [-v]
"""

import copy
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import benchreport  # noqa: E402

QEMU_X86 = ("qemu-system-x86_64 -machine q35 -m 512M -smp 1 "
            "-icount shift=0,align=off,sleep=off -kernel k")


def doc(results, arch="x86_64", system="faultline", qemu=QEMU_X86, **config):
    cfg = {"qemu": qemu}
    cfg.update(config)
    return {"system": system, "arch": arch, "config": cfg,
            "results": {n: (v if isinstance(v, dict) else {"insns": v})
                        for n, v in results.items()}}


def fails(lines):
    return [l for l in lines if l.startswith("FAIL")]


class CheckBaseline(unittest.TestCase):
    def setUp(self):
        self.base = doc({"null_syscall": 100, "ipc_rtt_cross_as": 1000,
                         "anon_first_write": 5000})

    def test_identical_passes(self):
        ok, lines = benchreport.check_baseline(self.base, copy.deepcopy(self.base))
        self.assertTrue(ok, lines)
        self.assertEqual(len(lines), 3)  # one line per row
        self.assertFalse(fails(lines))

    def test_exactly_two_percent_passes(self):
        run = doc({"null_syscall": 102, "ipc_rtt_cross_as": 1020, "anon_first_write": 5100})
        ok, lines = benchreport.check_baseline(self.base, run)
        self.assertTrue(ok, lines)

    def test_just_over_two_percent_fails(self):
        run = doc({"null_syscall": 100, "ipc_rtt_cross_as": 1021, "anon_first_write": 5000})
        ok, lines = benchreport.check_baseline(self.base, run)
        self.assertFalse(ok)
        self.assertEqual(len(fails(lines)), 1)
        self.assertIn("ipc_rtt_cross_as", fails(lines)[0])
        self.assertIn("+2.10%", fails(lines)[0])

    def test_decrease_passes_and_is_printed(self):
        run = doc({"null_syscall": 50, "ipc_rtt_cross_as": 1000, "anon_first_write": 5000})
        ok, lines = benchreport.check_baseline(self.base, run)
        self.assertTrue(ok)
        self.assertTrue(any("null_syscall" in l and "-50.00%" in l for l in lines), lines)

    def test_threshold_is_a_parameter(self):
        run = doc({"null_syscall": 105, "ipc_rtt_cross_as": 1000, "anon_first_write": 5000})
        self.assertFalse(benchreport.check_baseline(self.base, run)[0])
        self.assertTrue(benchreport.check_baseline(self.base, run, threshold_pct=5)[0])

    def test_missing_row_fails(self):
        run = doc({"null_syscall": 100, "anon_first_write": 5000})
        ok, lines = benchreport.check_baseline(self.base, run)
        self.assertFalse(ok)
        self.assertIn("missing", fails(lines)[0])

    def test_new_row_passes_with_note(self):
        run = copy.deepcopy(self.base)
        run["results"]["cow_write"] = {"insns": 7000}
        ok, lines = benchreport.check_baseline(self.base, run)
        self.assertTrue(ok)
        self.assertTrue(any(l.startswith("new") and "cow_write" in l for l in lines))

    def test_arch_or_system_mismatch_fails(self):
        self.assertFalse(benchreport.check_baseline(
            self.base, doc({"null_syscall": 100, "ipc_rtt_cross_as": 1000,
                            "anon_first_write": 5000}, arch="aarch64"))[0])
        self.assertFalse(benchreport.check_baseline(
            self.base, doc({"null_syscall": 100, "ipc_rtt_cross_as": 1000,
                            "anon_first_write": 5000}, system="linux"))[0])

    def test_empty_baseline_fails(self):
        ok, lines = benchreport.check_baseline(doc({}), self.base)
        self.assertFalse(ok)

    def test_incomplete_run_fails(self):
        run = copy.deepcopy(self.base)
        run["complete"] = False
        ok, lines = benchreport.check_baseline(self.base, run)
        self.assertFalse(ok)
        self.assertIn("did not complete", fails(lines)[0])

    def test_invalid_run_count_fails(self):
        run = copy.deepcopy(self.base)
        run["results"]["null_syscall"] = {"insns": "fast"}
        self.assertFalse(benchreport.check_baseline(self.base, run)[0])

    def test_config_difference_only_warns(self):
        run = copy.deepcopy(self.base)
        run["config"]["qemu"] = QEMU_X86.replace("-m 512M", "-m 1G")
        ok, lines = benchreport.check_baseline(self.base, run)
        self.assertTrue(ok)
        self.assertTrue(any(l.startswith("WARN") and "-m 512 vs 1024" in l for l in lines), lines)

    def test_hidden_counter_change_is_reported_not_failed(self):
        base = doc({"fault_rtt_bare": {"insns": 2000, "kernel_entries": 2}})
        run = doc({"fault_rtt_bare": {"insns": 2000, "kernel_entries": 3}})
        ok, lines = benchreport.check_baseline(base, run)
        self.assertTrue(ok)
        self.assertIn("kernel_entries 2 -> 3", lines[0])


class CommandLine(unittest.TestCase):
    """python3 tools/benchreport.py --check-baseline ARCH RUN.json: exit status."""

    def run_cli(self, base, run, arch="x86_64"):
        with tempfile.TemporaryDirectory() as d:
            bpath, rpath = os.path.join(d, "baseline.json"), os.path.join(d, "run.json")
            if base is not None:
                with open(bpath, "w") as f:
                    json.dump(base, f)
            with open(rpath, "w") as f:
                json.dump(run, f)
            p = subprocess.run([sys.executable, os.path.join(HERE, "benchreport.py"),
                                "--check-baseline", arch, rpath, "--baseline", bpath],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            return p.returncode, p.stdout

    def test_exit_status(self):
        base = doc({"null_syscall": 100})
        rc, out = self.run_cli(base, doc({"null_syscall": 101}))
        self.assertEqual(rc, 0, out)
        self.assertIn("PASS", out)
        rc, out = self.run_cli(base, doc({"null_syscall": 110}))
        self.assertEqual(rc, 1, out)
        self.assertIn("FAIL", out)
        rc, out = self.run_cli(None, doc({"null_syscall": 100}))
        self.assertEqual(rc, 2, out)
        self.assertIn("no baseline", out)
        rc, out = self.run_cli(base, doc({"null_syscall": 100}), arch="aarch64")
        self.assertEqual(rc, 2, out)  # the files say x86_64


class Report(unittest.TestCase):
    def test_operations_table(self):
        names = [(f, l) for f, l, _, _ in benchreport.OPERATIONS]
        self.assertEqual(len(names), len(set(names)), "duplicate row")
        linux = {l for _, l in names if l}
        for needed in ("null_syscall", "pipe_rtt", "futex_rtt", "anon_first_write",
                       "anon_first_read", "cow_write", "file_fault_1pp", "file_fault_around",
                       "fork_exit_wait_16M", "mmap_munmap_4K", "mmap_munmap_1M",
                       "uffd_rtt_thread", "uffd_rtt_process"):
            self.assertIn(needed, linux)
        for _, _, skey, _ in benchreport.OPERATIONS:
            if skey:
                self.assertIn(skey, benchreport.SEL4["results"])

    def test_sel4_reference(self):
        s = benchreport.SEL4["results"]
        self.assertEqual((s["ipc_rtt_cross_as"]["x86_64"], s["ipc_rtt_cross_as"]["aarch64"]),
                         (419, 395))
        self.assertEqual((s["vm_fault_map_reply"]["x86_64"], s["vm_fault_map_reply"]["aarch64"]),
                         (2096, 1593))
        self.assertEqual((s["fault_rtt"]["x86_64"], s["fault_rtt"]["aarch64"]), (1361, 1104))
        self.assertEqual((s["page_map"]["x86_64"], s["page_map"]["aarch64"]), (768, 554))

    def test_rows_without_faultline(self):
        linux = doc({"null_syscall": {"insns": 327, "faults_per_op": 0.0},
                     "pipe_rtt": 10538}, system="linux")
        rows = benchreport.build_rows("x86_64", None, linux)
        r = rows[0]
        self.assertEqual((r["operation"], r["faultline"], r["linux"], r["ratio"]),
                         ("null_syscall", None, 327, None))

    def test_report_files(self):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "linux-x86_64.json"), "w") as f:
                json.dump(doc({"null_syscall": 300, "pipe_rtt": 10000}, system="linux"), f)
            with open(os.path.join(d, "faultline-x86_64.json"), "w") as f:
                json.dump(doc({"null_syscall": {"insns": 150, "kernel_entries": 1},
                               "ipc_rtt_cross_as": 600}), f)
            with open(os.path.join(d, "linux-aarch64.json"), "w") as f:
                f.write("{broken")
            report = benchreport.make_report(d)
            benchreport.write_report(report, d)
            with open(os.path.join(d, "table.md")) as f:
                table = f.read()
            with open(os.path.join(d, "results.json")) as f:
                merged = json.load(f)
        self.assertIn("| `null_syscall` | `null_syscall` | 150 | 300 | 0.5 |", table)
        self.assertIn("| `ipc_rtt_cross_as` | `pipe_rtt` | 600 | 10000 | 0.06 | 419 |", table)
        self.assertIn("| `anon_first_write` | `anon_first_write` | \u2014 | \u2014 |", table)
        self.assertIn("kernel_entries", table)
        self.assertEqual(merged["per_arch"]["x86_64"]["rows"][0]["ratio"], 0.5)
        self.assertTrue(any("ignored" in w for w in merged["per_arch"]["aarch64"]["warnings"]))


if __name__ == "__main__":
    unittest.main()
