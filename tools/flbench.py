#!/usr/bin/env python3
"""Run Faultline's benchmark suite in the benchmark configuration and write
build/bench/faultline-ARCH.json in the format of docs/benchmarks.md. Two
boots: user/bench as the root task (system calls, IPC, the bare fault
round trip), then user/vmbench as a process under the pager (anonymous
memory, copy-on-write, fork, mmap).

    flbench.py --arch x86_64|aarch64 [--quick] [--build-dir D] [--out FILE]
    flbench.py --arch ARCH --guard    the CI regression guard: a --quick run
                                      checked against bench/baseline-ARCH.json

The configuration is the Linux side by side's: x86_64 q35 with QEMU's
default CPU, AArch64 virt with cortex-a72, both -m 512M -smp 1 under
-icount shift=0,align=off,sleep=off.
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import qemu_run  # noqa: E402
from linuxbench import parse  # noqa: E402  (the same BENCH line format)

MACHINE = {"x86_64": "q35-qemu64", "aarch64": "virt-gicv2"}
TIMEOUT = 300


def qemu_version(binary):
    r = subprocess.run([binary, "--version"], stdout=subprocess.PIPE, text=True)
    return r.stdout.splitlines()[0] if r.stdout else "unknown"


def git_describe():
    r = subprocess.run(["git", "-C", TOP, "describe", "--always", "--dirty"],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return r.stdout.strip() or "unknown"


def run_suite(args, build_dir, append):
    """Boot once with append: (results, command), or (None, command) if the run failed."""
    if args.mode == "kvm":
        cmd = qemu_run.command(MACHINE[args.arch], build_dir, append, memory="512M",
                               extra=["-smp", "1", "-accel", "kvm", "-cpu", "host"])
    else:
        cmd = qemu_run.command(MACHINE[args.arch], build_dir, append, memory="512M",
                               icount=True, extra=["-smp", "1"])
    print("flbench: " + " ".join(cmd), flush=True)
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=TIMEOUT)
        text = proc.stdout.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        print("flbench: timed out after %d s" % TIMEOUT)
        return None, cmd
    results, errors, done = parse(text)
    results.pop("config", None)
    if errors or not done or not results:
        print(text)
        print("flbench: the run did not complete: %s" % ("; ".join(errors) or "no 'BENCH done'"))
        return None, cmd
    return results, cmd


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--arch", choices=sorted(MACHINE), required=True)
    ap.add_argument("--quick", action="store_true", help="fewer samples (the CI guard)")
    ap.add_argument("--build-dir")
    ap.add_argument("--out")
    ap.add_argument("--guard", action="store_true",
                    help="quick run, then fail if any count grew >2%% over the baseline")
    ap.add_argument("--mode", choices=("icount", "kvm"), default="icount",
                    help="icount: guest instructions under TCG (the benchmark); kvm: cycles "
                         "with hardware virtualization (x86_64 hosts only)")
    args = ap.parse_args(argv)
    if args.guard:
        args.quick = True
        args.mode = "icount"

    build_dir = args.build_dir or os.path.join(TOP, "build", args.arch)
    out = args.out or os.path.join(TOP, "build", "bench", "faultline-%s.json" % args.arch)
    appends = ["init=bin/bench" + (" bench=quick" if args.quick else ""),
               "init=bin/pager run=bin/vmbench" + (",quick" if args.quick else "")]
    if args.mode == "kvm":
        if args.arch != "x86_64" or os.uname().machine != "x86_64":
            print("flbench: --mode kvm needs an x86_64 guest on an x86_64 host")
            return 2
        if not os.access("/dev/kvm", os.R_OK | os.W_OK):
            print("flbench: --mode kvm needs /dev/kvm")
            return 2
    results, cmds = {}, []
    for append in appends:
        got, cmd = run_suite(args, build_dir, append)
        if got is None:
            return 1
        results.update(got)
        cmds.append(" ".join(cmd))
    doc = {
        "system": "faultline",
        "arch": args.arch,
        "config": {
            "qemu": cmds[0],
            "qemu_runs": cmds,
            "qemu_version": qemu_version(cmds[0].split()[0]),
            "commit": git_describe(),
            "append": appends[0],
            "appends": appends,
            "quick": args.quick,
            "mode": args.mode,
            "unit": ("guest instructions per operation (icount shift=0)" if args.mode == "icount"
                     else "TSC cycles per operation (KVM, hardware virtualization)"),
            "stat": "median over samples, less the counter-read overhead",
        },
        "complete": True,
        "results": results,
    }
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")
    for name, r in sorted(results.items()):
        print("  %-24s %8s" % (name, r.get("insns")))
    print("flbench: wrote " + out)
    if args.guard:
        import benchreport
        return benchreport.cmd_check_baseline(args.arch, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
