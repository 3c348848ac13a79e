#!/usr/bin/env python3
"""Faultline benchmark report and regression guard (issue 6).

    python3 tools/benchreport.py [--dir build/bench] [--arch ARCH] [--no-charts]
    python3 tools/benchreport.py --check-baseline ARCH RUN.json [--baseline PATH]

Report: reads DIR/linux-ARCH.json (tools/linuxbench.py) and, where they exist,
DIR/faultline-ARCH.json (format in docs/benchmarks.md), adds the seL4 reference
figures transcribed below, and writes DIR/results.json (everything merged),
DIR/table.md (per arch: operation, Faultline, Linux, ratio, seL4, faults per op)
and DIR/ARCH.png (bar charts, log scale). The table and the JSON need only the
standard library; the charts need matplotlib, which is looked for in this
interpreter and then in /usr/bin/python3 (Debian's python3-matplotlib). Without
it the charts are skipped with a message; the table is always written.

Guard: compares RUN.json (a faultline-ARCH.json) with the committed baseline
bench/baseline-ARCH.json; exit status 1 if any row's instruction count grew by
more than 2 %, or a baseline row is missing from the run; 0 otherwise; 2 if a
file is missing or malformed. Every row's change is printed.
"""

import argparse
import json
import os
import shlex
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_DIR = os.path.join(ROOT, "build", "bench")
ARCHES = ("x86_64", "aarch64")
THRESHOLD_PCT = 2.0
DEBIAN_PYTHON = "/usr/bin/python3"
NO_MATPLOTLIB = 3  # exit status of --charts-from when matplotlib is missing

# Hidden-cost counters a Faultline result may carry, each per operation: what
# the instruction count does not show under icount (docs/benchmarks.md).
HIDDEN = ("kernel_entries", "as_switches", "tlb_invalidations", "pages_zeroed", "pages_copied",
          "ipc_fastpath")

# The suite: one row per (Faultline operation, Linux counterpart). The names
# are the contract: Faultline's benchmark programs report these names in
# faultline-ARCH.json, bench/linux/linuxbench.c reports the Linux ones.
# (faultline op, linux op or None, sel4 key or None, what is measured)
OPERATIONS = [
    ("null_syscall", "null_syscall", None,
     "null system call (Linux: getppid)"),
    ("yield_rtt_same_as", None, None,
     "two threads of one priority in one address space yield to each other: two switches"),
    ("ipc_rtt_same_as", "futex_rtt", "ipc_rtt_same_as",
     "IPC round trip, client and server in one address space "
     "(Linux: futex ping-pong between two threads)"),
    ("ipc_rtt_cross_as", "pipe_rtt", "ipc_rtt_cross_as",
     "IPC round trip between two address spaces (Linux: 1-byte pipe ping-pong between processes)"),
    ("ipc_rtt_cross_as", "futex_rtt_process", "ipc_rtt_cross_as",
     "IPC round trip between two address spaces (Linux: shared futex ping-pong between processes)"),
    ("fault_rtt_bare", "uffd_rtt_thread", "vm_fault_map_reply",
     "page fault -> user handler maps a frame it holds (map-and-resume reply) -> faulter resumes; "
     "no zeroing (Linux: userfaultfd UFFDIO_COPY of 4 KiB, handler thread)"),
    ("fault_rtt_bare", "uffd_rtt_process", "vm_fault_map_reply",
     "same, Linux handler in another process"),
    ("exc_rtt", None, "fault_rtt",
     "undefined-instruction exception -> handler -> reply resumes at the next instruction"),
    ("map_4K", None, "page_map",
     "map one 4 KiB frame, page tables present (one map syscall)"),
    ("anon_first_write", "anon_first_write", None,
     "first write to a page of fresh private anonymous memory (allocate, zero, map), per page of 16 MiB"),
    ("anon_first_read", "anon_first_read", None,
     "first read of fresh private anonymous memory (the shared zero page), per page of 16 MiB"),
    ("cow_write", "cow_write", None,
     "write after fork to a page shared copy-on-write (child; copy), per page of 16 MiB"),
    ("file_fault_1pp", "file_fault_1pp", None,
     "read fault on a shared file mapping, page cached, one fault per page"),
    ("file_fault_around", "file_fault_around", None,
     "same with fault-around (Linux: 16 pages per fault), per page"),
    ("fork_exit_wait_16M", "fork_exit_wait_16M", None,
     "fork + child _exit + waitpid, 16 MiB of the parent touched"),
    ("mmap_munmap_4K", "mmap_munmap_4K", None,
     "mmap + munmap of 4 KiB anonymous memory, untouched"),
    ("mmap_munmap_1M", "mmap_munmap_1M", None,
     "mmap + munmap of 1 MiB anonymous memory, untouched"),
]

# seL4 reference figures, transcribed from ../shared/notes/sel4-reference.md
# (measured outside the project: sel4bench under QEMU 7.2 TCG icount, units =
# guest instructions; three runs byte-identical). Default build configurations:
# x86_64 with the Meltdown mitigation (skim) on, AArch64 with the exception
# fastpath off. Only what that note measured; nothing here is estimated.
SEL4 = {
    "source": "../shared/notes/sel4-reference.md (seL4 measured in our QEMU, outside the project)",
    "kernel": "seL4 13.0.0 (commit 2249143c73b0), sel4bench-manifest 13.0.0, sel4bench 0594cd5c5e74; "
              "release, fastpath on, non-MCS, one core",
    "config": {
        "x86_64": "qemu-system-x86_64 -machine pc -cpu qemu64,-vme,-pdpe1gb,-xsave,-xsaveopt,-xsavec,"
                  "-fsgsbase,-invpcid,+syscall,+lm,+rdtscp,enforce -icount shift=0,align=off "
                  "-nographic -serial mon:stdio -m 512M (pc99, skim on)",
        "aarch64": "qemu-system-aarch64 -machine virt -cpu cortex-a53 -nographic -m 1024 "
                   "-icount shift=0,align=off (qemu-arm-virt, exception fastpath off; "
                   "-cpu cortex-a72 gave bit-identical output)",
    },
    "differences": "x86 -machine pc with an explicit qemu64 feature set (what seL4's build "
                   "needs) instead of q35 with the default CPU; AArch64 -m 1024; no sleep=off "
                   "(three runs were still byte-identical); sel4bench subtracts its own "
                   "measurement overhead (fault rows: counter read 9 / 1, ReplyRecv stub "
                   "15 / 5, x86 / Arm)",
    "results": {
        "ipc_rtt_cross_as": {
            "x86_64": 419, "aarch64": 395,
            "what": "seL4_Call + seL4_ReplyRecv one-ways, 0-word message, cross address space "
                    "(196 + 223 / 186 + 209)",
            "variants": "x86 skim off 399; AArch64 exception fastpath on 399"},
        "ipc_rtt_same_as": {
            "x86_64": 427, "aarch64": 395,
            "what": "seL4_Call + seL4_ReplyRecv one-ways, 0-word message, same address space "
                    "(200 + 227 / 186 + 209)",
            "variants": "x86 skim off 405; AArch64 exception fastpath on 399"},
        "vm_fault_map_reply": {
            "x86_64": 2096, "aarch64": 1593,
            "what": "VM fault -> handler seL4_ARCH_Page_Map of a frame (page tables present) -> "
                    "empty seL4_ReplyRecv -> faulter resumes (test added to sel4bench's fault app; "
                    "handler thread in the faulter's address space; 100 samples, x86 mean 2103, sd 26)",
            "variants": "x86 skim off 2069; AArch64 exception fastpath on 994"},
        "fault_rtt": {
            "x86_64": 1361, "aarch64": 1104,
            "what": "sel4bench fault round trip: ud2 / undefined instruction -> handler -> reply "
                    "with a new IP -> faulter resumes",
            "variants": "x86 skim off 1345; AArch64 exception fastpath on 1107"},
        "page_map": {
            "x86_64": 768, "aarch64": 554,
            "what": "the fault handler's seL4_ARCH_Page_Map syscall alone",
            "variants": "x86 skim off 757; sel4bench MAPPING 'map 1 page' 784 / 422"},
    },
}


class BenchError(Exception):
    pass


# ---------------------------------------------------------------- loading

def load_result(path, system=None, arch=None):
    """A linux-ARCH.json / faultline-ARCH.json document, checked for the fields
    the report and the guard rely on. BenchError if unusable."""
    try:
        with open(path) as f:
            doc = json.load(f)
    except OSError as e:
        raise BenchError("%s: %s" % (path, e.strerror or e))
    except ValueError as e:
        raise BenchError("%s: not JSON: %s" % (path, e))
    if not isinstance(doc, dict):
        raise BenchError("%s: not a JSON object" % path)
    for key in ("system", "arch", "config", "results"):
        if key not in doc:
            raise BenchError("%s: no %r field" % (path, key))
    if system and doc["system"] != system:
        raise BenchError("%s: system is %r, expected %r" % (path, doc["system"], system))
    if arch and doc["arch"] != arch:
        raise BenchError("%s: arch is %r, expected %r" % (path, doc["arch"], arch))
    if not isinstance(doc["results"], dict):
        raise BenchError("%s: results is not an object" % path)
    for name, r in doc["results"].items():
        if not isinstance(r, dict) or not _is_count(r.get("insns")):
            raise BenchError("%s: result %r has no valid insns" % (path, name))
    return doc


def _is_count(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0


def qemu_key_args(config):
    """The options that define the benchmark configuration, from config.qemu."""
    try:
        words = shlex.split((config or {}).get("qemu", ""))
    except ValueError:
        return {}
    key = {}
    for i, w in enumerate(words[:-1]):
        if w in ("-machine", "-M", "-cpu", "-m", "-smp", "-icount", "-accel"):
            val = words[i + 1]
            if w in ("-machine", "-M"):
                val = val.split(",")[0]
                w = "-machine"
            if w == "-m":
                val = _mib(val.split(",")[0].split("=")[-1])
            if w == "-smp":
                val = val.split(",")[0].split("=")[-1]
            key[w] = val
    if words:
        key.setdefault("-smp", "1")  # QEMU's defaults
        key.setdefault("-accel", "tcg")
    return key


def _mib(size):
    """QEMU's -m size (MiB unless suffixed) as MiB, for comparison."""
    mult = {"M": 1, "G": 1024, "T": 1024 * 1024}
    try:
        if size[-1:].upper() in mult:
            return "%g" % (float(size[:-1]) * mult[size[-1:].upper()])
        return "%g" % float(size)
    except ValueError:
        return size


def config_mismatch(cfg_a, cfg_b):
    """Differences in the benchmark-defining QEMU options, as text lines."""
    a, b = qemu_key_args(cfg_a), qemu_key_args(cfg_b)
    out = []
    for opt in sorted(set(a) | set(b)):
        if a.get(opt) != b.get(opt):
            out.append("%s %s vs %s" % (opt, a.get(opt, "(default)"), b.get(opt, "(default)")))
    return out


# ---------------------------------------------------------------- rows

def build_rows(arch, faultline, linux):
    """One dict per OPERATIONS entry for one architecture. faultline and linux
    are loaded documents or None."""
    fres = (faultline or {}).get("results", {})
    lres = (linux or {}).get("results", {})
    rows = []
    for fop, lop, skey, what in OPERATIONS:
        f = fres.get(fop)
        l = lres.get(lop) if lop else None
        s = SEL4["results"].get(skey) if skey else None
        row = {
            "operation": fop,
            "linux_op": lop,
            "sel4_op": skey,
            "what": what,
            "faultline": f["insns"] if f else None,
            "linux": l["insns"] if l else None,
            "sel4": s[arch] if s else None,
            "ratio": None,
            "faults_per_op": {"faultline": f.get("faults_per_op") if f else None,
                              "linux": l.get("faults_per_op") if l else None},
            "hidden": {k: f[k] for k in HIDDEN if f and k in f},
        }
        if row["faultline"] is not None and row["linux"]:
            row["ratio"] = float("%.4g" % (row["faultline"] / row["linux"]))
        rows.append(row)
    return rows


def other_linux_rows(linux):
    """Linux results with no Faultline counterpart in OPERATIONS."""
    used = {lop for _, lop, _, _ in OPERATIONS if lop}
    return [(n, r) for n, r in (linux or {}).get("results", {}).items() if n not in used]


def other_faultline_rows(faultline):
    used = {fop for fop, _, _, _ in OPERATIONS}
    return [(n, r) for n, r in (faultline or {}).get("results", {}).items() if n not in used]


# ---------------------------------------------------------------- formatting

DASH = "\u2014"


def fmt_count(v):
    if v is None:
        return DASH
    if isinstance(v, float) and not v.is_integer():
        return "%.3g" % v if v < 10 else "%.0f" % v
    return "%d" % v


def fmt_ratio(v):
    return DASH if v is None else "%.3g" % v


def show(path):
    """A path for messages: relative to the working directory when inside it."""
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def fmt_faults(v):
    if v is None:
        return DASH
    if float(v).is_integer():
        return "%d" % v
    return ("%.3f" % v).rstrip("0")


def render_markdown(report):
    out = ["# Faultline benchmarks: guest instructions per operation", "",
           "Generated by `tools/benchreport.py` on %s from `build/bench/*.json`. "
           "Unit: guest instructions per operation under TCG `-icount shift=0,align=off,sleep=off` "
           "(method: docs/benchmarks.md). Ratio = Faultline / Linux. seL4: reference figures "
           "measured outside the project (provenance below)." % report["generated"], ""]
    for arch in report["arches"]:
        a = report["per_arch"][arch]
        out.append("## %s" % arch)
        out.append("")
        lx, fl = a["linux_config"], a["faultline_config"]
        if lx:
            out.append("- Linux: Debian `%s`, %s; `%s`" % (
                lx.get("kernel_package", "?"), lx.get("qemu_version", "?"), lx.get("qemu", "?")))
        else:
            out.append("- Linux: not measured (`./faultline bench --linux --arch %s`)" % arch)
        if fl:
            out.append("- Faultline: %s; `%s`" % (fl.get("commit", "?"), fl.get("qemu", "?")))
        else:
            out.append("- Faultline: **not measured yet** (its benchmark programs need IPC, "
                       "Kernel II): the Faultline column says %s" % DASH)
        for w in a["warnings"]:
            out.append("- **warning**: %s" % w)
        out.append("")
        out.append("| operation | Linux program row | Faultline | Linux | Faultline/Linux | seL4 | "
                   "faults/op Faultline / Linux |")
        out.append("|---|---|---:|---:|---:|---:|---|")
        for r in a["rows"]:
            out.append("| `%s` | %s | %s | %s | %s | %s | %s / %s |" % (
                r["operation"], ("`%s`" % r["linux_op"]) if r["linux_op"] else DASH,
                fmt_count(r["faultline"]), fmt_count(r["linux"]),
                fmt_ratio(r["ratio"]),
                fmt_count(r["sel4"]),
                fmt_faults(r["faults_per_op"]["faultline"]), fmt_faults(r["faults_per_op"]["linux"])))
        out.append("")
        hidden_rows = [r for r in a["rows"] if r["faultline"] is not None]
        if hidden_rows:
            out.append("Faultline, what the instruction count hides (per operation):")
            out.append("")
            out.append("| operation | " + " | ".join(HIDDEN) + " |")
            out.append("|---|" + "---:|" * len(HIDDEN))
            seen = set()
            for r in hidden_rows:
                if r["operation"] in seen:
                    continue
                seen.add(r["operation"])
                out.append("| `%s` | %s |" % (r["operation"], " | ".join(
                    fmt_faults(r["hidden"].get(k)) for k in HIDDEN)))
            out.append("")
        if a["other_faultline"]:
            out.append("Faultline rows outside the suite table: " + ", ".join(
                "`%s` %s" % (n, fmt_count(v)) for n, v in a["other_faultline"].items()))
            out.append("")
        if a["other_linux"]:
            out.append("Other Linux rows (variants, no Faultline counterpart; bench/linux/README.md): "
                       + ", ".join("`%s` %s" % (n, fmt_count(v))
                                   for n, v in a["other_linux"].items()))
            out.append("")
    out.append("## seL4 reference column")
    out.append("")
    out.append("Source: %s. %s. Differences from the benchmark configuration: %s." % (
        SEL4["source"], SEL4["kernel"], SEL4["differences"]))
    out.append("")
    for arch in ARCHES:
        out.append("- %s: `%s`" % (arch, SEL4["config"][arch]))
    out.append("")
    out.append("| seL4 figure | x86_64 | AArch64 | what | other configurations |")
    out.append("|---|---:|---:|---|---|")
    for key, s in SEL4["results"].items():
        used = [fop for fop, _, skey, _ in OPERATIONS if skey == key]
        out.append("| `%s` (row `%s`) | %d | %d | %s | %s |" % (
            key, "`, `".join(sorted(set(used))), s["x86_64"], s["aarch64"], s["what"],
            s["variants"]))
    out.append("")
    return "\n".join(out)


def render_text(report):
    """A compact terminal table."""
    lines = []
    for arch in report["arches"]:
        a = report["per_arch"][arch]
        lines.append("%s: guest instructions per operation" % arch)
        lines.append("%-20s %-18s %10s %10s %7s %6s" % ("operation", "Linux row", "Faultline",
                                                       "Linux", "ratio", "seL4"))
        for r in a["rows"]:
            lines.append("%-20s %-18s %10s %10s %7s %6s" % (
                r["operation"], r["linux_op"] or "-",
                fmt_count(r["faultline"]).replace(DASH, "-"), fmt_count(r["linux"]).replace(DASH, "-"),
                fmt_ratio(r["ratio"]).replace(DASH, "-"),
                fmt_count(r["sel4"]).replace(DASH, "-")))
        lines.append("")
    return "\n".join(lines)


# ---------------------------------------------------------------- report

def make_report(bench_dir, arches=ARCHES):
    report = {"generated": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
              "unit": "guest instructions per operation (TCG -icount shift=0,align=off,sleep=off)",
              "arches": list(arches), "per_arch": {}, "sel4_reference": SEL4,
              "operations": [{"faultline": f, "linux": l, "sel4": s, "what": w}
                             for f, l, s, w in OPERATIONS]}
    for arch in arches:
        warnings = []
        docs = {}
        for system in ("linux", "faultline"):
            path = os.path.join(bench_dir, "%s-%s.json" % (system, arch))
            docs[system] = None
            if os.path.exists(path):
                try:
                    docs[system] = load_result(path, system, arch)
                except BenchError as e:
                    warnings.append("ignored: %s" % e)
                    continue
                if docs[system].get("complete") is False:
                    warnings.append("%s: the run did not complete (some rows may be missing)" % path)
        lx, fl = docs["linux"], docs["faultline"]
        if lx and fl:
            diff = config_mismatch(lx["config"], fl["config"])
            if diff:
                warnings.append("Faultline and Linux ran in different configurations: "
                                + "; ".join(diff))
        report["per_arch"][arch] = {
            "rows": build_rows(arch, fl, lx),
            "linux_config": lx["config"] if lx else None,
            "faultline_config": fl["config"] if fl else None,
            "other_linux": {n: r["insns"] for n, r in other_linux_rows(lx)},
            "other_faultline": {n: r["insns"] for n, r in other_faultline_rows(fl)},
            "warnings": warnings,
            "sources": {"linux": lx, "faultline": fl},
        }
    return report


def write_report(report, bench_dir):
    os.makedirs(bench_dir, exist_ok=True)
    rpath = os.path.join(bench_dir, "results.json")
    with open(rpath, "w") as f:
        json.dump(report, f, indent=1)
        f.write("\n")
    tpath = os.path.join(bench_dir, "table.md")
    with open(tpath, "w") as f:
        f.write(render_markdown(report))
    return rpath, tpath


# ---------------------------------------------------------------- charts

def draw_charts(report, bench_dir):
    """Needs matplotlib; raises ImportError without it. Returns the PNG paths."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    paths = []
    series = (("faultline", "Faultline", "#1f77b4"), ("linux", "Linux", "#d62728"),
              ("sel4", "seL4 (reference)", "#2ca02c"))
    for arch in report["arches"]:
        rows = [r for r in report["per_arch"][arch]["rows"]
                if any(r[k] is not None for k, _, _ in series)]
        if not rows:
            continue
        labels = [r["operation"] + ("\nvs " + r["linux_op"] if r["linux_op"] and
                                    r["linux_op"] != r["operation"] else "") for r in rows]
        width = 0.27
        fig, ax = plt.subplots(figsize=(max(10, 1.0 * len(rows) + 2), 6.5))
        for i, (key, name, color) in enumerate(series):
            xs = [j + (i - 1) * width for j, r in enumerate(rows) if r[key] is not None]
            ys = [r[key] for r in rows if r[key] is not None]
            if key == "faultline" and not ys:
                name += " (not measured yet)"
            bars = ax.bar(xs, ys, width, label=name, color=color)
            for b, y in zip(bars, ys):
                ax.annotate(fmt_count(y), (b.get_x() + b.get_width() / 2, y),
                            ha="center", va="bottom", fontsize=6, rotation=90,
                            xytext=(0, 2), textcoords="offset points")
        ax.set_yscale("log")
        top = max(r[k] for r in rows for k, _, _ in series if r[k] is not None)
        ax.set_ylim(top=top * 4)
        ax.set_ylabel("guest instructions per operation (log scale)")
        ax.set_xticks(range(len(rows)))
        ax.set_xticklabels(labels, rotation=45, ha="right", fontsize=7)
        ax.set_title("%s: instructions per operation, TCG -icount shift=0 (lower is better)" % arch)
        ax.grid(axis="y", which="major", alpha=0.3)
        ax.legend(fontsize=8, loc="upper left")
        fig.tight_layout()
        path = os.path.join(bench_dir, "%s.png" % arch)
        fig.savefig(path, dpi=120)
        plt.close(fig)
        paths.append(path)
    return paths


def make_charts(report, bench_dir, results_path):
    """Draw the charts here or with Debian's python3; never raises. Returns
    a message for the user."""
    try:
        paths = draw_charts(report, bench_dir)
        return "charts: " + ", ".join(show(p) for p in paths)
    except ImportError:
        pass
    except Exception as e:  # a chart problem must never cost the table
        return "charts skipped: %s: %s" % (type(e).__name__, e)
    here = os.path.realpath(sys.executable or "")
    if os.path.exists(DEBIAN_PYTHON) and here != os.path.realpath(DEBIAN_PYTHON):
        try:
            p = subprocess.run([DEBIAN_PYTHON, os.path.abspath(__file__), "--charts-from",
                                results_path, "--dir", bench_dir],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               timeout=300)
        except (OSError, subprocess.TimeoutExpired) as e:
            return "charts skipped: %s failed: %s" % (DEBIAN_PYTHON, e)
        if p.returncode == 0:
            return p.stdout.strip()
        if p.returncode != NO_MATPLOTLIB:
            return "charts skipped: %s failed:\n%s" % (DEBIAN_PYTHON, p.stdout.strip())
    return ("charts skipped: matplotlib is not installed (Debian: apt-get install "
            "python3-matplotlib; used through %s)" % DEBIAN_PYTHON)


# ---------------------------------------------------------------- guard

def check_baseline(baseline, run, threshold_pct=THRESHOLD_PCT):
    """Compare a run with the baseline (both result documents). Returns
    (ok, lines): ok is False if any row's insns grew by more than
    threshold_pct percent, a baseline row is missing from the run, or the two
    are not comparable (system, arch), or the run says it did not complete.
    One line per row."""
    lines = []
    ok = True
    for key in ("system", "arch"):
        if baseline.get(key) != run.get(key):
            lines.append("FAIL %s differs: baseline %r, run %r" % (key, baseline.get(key), run.get(key)))
            ok = False
    if run.get("complete") is False:
        lines.append("FAIL the run did not complete (complete: false)")
        ok = False
    bres, rres = baseline.get("results") or {}, run.get("results") or {}
    if not bres:
        lines.append("FAIL the baseline has no results")
        ok = False
    for d in config_mismatch(baseline.get("config"), run.get("config")):
        lines.append("WARN configuration differs (the figures may not be comparable): " + d)
    bq, rq = (baseline.get("config") or {}).get("quick"), (run.get("config") or {}).get("quick")
    if bq != rq:
        lines.append("WARN quick differs: baseline %r, run %r" % (bq, rq))
    width = max([len(n) for n in list(bres) + list(rres)] + [9])
    for name in sorted(bres):
        b = bres[name].get("insns") if isinstance(bres[name], dict) else None
        if not _is_count(b):
            lines.append("FAIL %-*s baseline has no valid insns" % (width, name))
            ok = False
            continue
        r = rres.get(name)
        if r is None:
            lines.append("FAIL %-*s %10s -> %10s  missing from the run" % (width, name, fmt_count(b), "-"))
            ok = False
            continue
        rv = r.get("insns") if isinstance(r, dict) else None
        if not _is_count(rv):
            lines.append("FAIL %-*s %10s -> %10s  run has no valid insns" % (width, name, fmt_count(b), rv))
            ok = False
            continue
        change = ((rv - b) * 100.0 / b) if b else (0.0 if rv == 0 else float("inf"))
        grew = rv * 100 > b * (100 + threshold_pct)  # exact for integer counts
        status = "FAIL" if grew else "ok  "
        if grew:
            ok = False
        note = "  grew more than %g%%" % threshold_pct if grew else ""
        hidden = []
        for k in HIDDEN:
            if isinstance(r, dict) and bres[name].get(k) != r.get(k):
                hidden.append("%s %s -> %s" % (k, bres[name].get(k), r.get(k)))
        if hidden:
            note += "  (" + "; ".join(hidden) + ")"
        lines.append("%s %-*s %10s -> %10s  %+7.2f%%%s" % (status, width, name, fmt_count(b),
                                                         fmt_count(rv), change, note))
    for name in sorted(set(rres) - set(bres)):
        rv = rres[name].get("insns") if isinstance(rres[name], dict) else None
        lines.append("new  %-*s %10s -> %10s  not in the baseline (add it when re-baselining)" % (
            width, name, "-", fmt_count(rv)))
    return ok, lines


def cmd_check_baseline(arch, run_path, baseline_path=None, threshold_pct=THRESHOLD_PCT):
    baseline_path = baseline_path or os.path.join(ROOT, "bench", "baseline-%s.json" % arch)
    if not os.path.exists(baseline_path):
        print("benchreport: no baseline %s. Commit one deliberately, in its own commit with the "
              "reason: cp %s %s" % (show(baseline_path), run_path, show(baseline_path)))
        return 2
    try:
        baseline = load_result(baseline_path, arch=arch)
        run = load_result(run_path, arch=arch)
    except BenchError as e:
        print("benchreport: %s" % e)
        return 2
    ok, lines = check_baseline(baseline, run, threshold_pct)
    print("baseline %s vs run %s (%s, fail above +%g%%)" % (
        show(baseline_path), show(run_path), arch, threshold_pct))
    for line in lines:
        print("  " + line)
    nfail = sum(1 for line in lines if line.startswith("FAIL"))
    print("baseline check %s: %s" % (arch, "PASS" if ok else "FAIL (%d row%s)" % (
        nfail, "" if nfail == 1 else "s")))
    return 0 if ok else 1


# ---------------------------------------------------------------- main

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n\n", 1)[1])
    ap.add_argument("--dir", default=DEFAULT_DIR, help="where the JSON is (default build/bench)")
    ap.add_argument("--arch", choices=ARCHES, action="append",
                    help="only this architecture (repeatable; default both)")
    ap.add_argument("--no-charts", action="store_true", help="table and JSON only")
    ap.add_argument("--quiet", action="store_true", help="do not print the table")
    ap.add_argument("--check-baseline", nargs=2, metavar=("ARCH", "RUN.json"),
                    help="regression guard: compare RUN.json with bench/baseline-ARCH.json")
    ap.add_argument("--baseline", help="baseline file (default bench/baseline-ARCH.json)")
    ap.add_argument("--threshold", type=float, default=THRESHOLD_PCT,
                    help="allowed growth in percent (default %(default)s)")
    ap.add_argument("--charts-from", metavar="RESULTS.json", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.charts_from:  # internal: run by Debian's python3 for the charts
        try:
            with open(args.charts_from) as f:
                report = json.load(f)
            paths = draw_charts(report, args.dir)
        except ImportError:
            return NO_MATPLOTLIB
        print("charts: " + ", ".join(show(p) for p in paths))
        return 0

    if args.check_baseline:
        arch, run = args.check_baseline
        if arch not in ARCHES:
            ap.error("ARCH must be one of %s" % ", ".join(ARCHES))
        return cmd_check_baseline(arch, run, args.baseline, args.threshold)

    arches = args.arch or list(ARCHES)
    report = make_report(args.dir, arches)
    rpath, tpath = write_report(report, args.dir)
    if not args.quiet:
        print(render_text(report))
    for arch in arches:
        for w in report["per_arch"][arch]["warnings"]:
            print("benchreport: %s: warning: %s" % (arch, w))
    print("benchreport: wrote %s, %s" % (show(rpath), show(tpath)))
    if not args.no_charts:
        print("benchreport: " + make_charts(report, args.dir, rpath))
    return 0


if __name__ == "__main__":
    sys.exit(main())
