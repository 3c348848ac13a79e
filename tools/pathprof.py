#!/usr/bin/env python3
"""Profile one pass of a path, instruction by instruction (issue 13's "profile").

  pathprof.py --arch ARCH --append CMDLINE --elf USER_ELF --at ADDR|SYMBOL[+OFF]
              [--skip K] [--max N] [--disk IMAGE]

Boots Faultline under QEMU (icount, as the benchmarks run) halted with its gdb
stub, runs to the K+1'th time the guest reaches --at (a user address, in
USER_ELF), then single-steps until it is back there (at most N steps),
recording every pc. Prints the path as segments (a run of instructions in one
function, kernel or user) and the instructions per function: the path length
the benchmarks report, taken apart. Example, one cross-address-space IPC
round trip as the server sees it:

  pathprof.py --arch x86_64 --append "init=bin/bench bench=quick" \\
      --elf build/x86_64/user/bench --at child_server+0x57 --skip 50

The breakpoint is a virtual address, matched in whichever address space
runs there (every program links at 0x400000): pick a point only the
process of interest reaches while the path runs. x86_64 only (see --arch).
"""
import argparse
import bisect
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu_run  # noqa: E402

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GDB_SCRIPT = r"""
import gdb
gdb.execute("set pagination off")
gdb.execute("set confirm off")
gdb.execute("set remotetimeout 60")
import time
for attempt in range(100):        # until QEMU listens (a probe would let the guest run)
    try:
        gdb.execute("target remote localhost:%(port)d")
        break
    except gdb.error:
        time.sleep(0.2)
gdb.execute("hbreak *%(at)d")
for _ in range(%(skip)d + 1):
    gdb.execute("continue", to_string=True)
gdb.execute("delete")
pcs = []
while len(pcs) < %(max)d:
    gdb.execute("stepi", to_string=True)
    pc = int(gdb.parse_and_eval("$pc")) & 0xffffffffffffffff
    pcs.append(pc)
    if pc == %(at)d:
        break
with open(%(out)r, "w") as f:
    f.write("\n".join("%%x" %% p for p in pcs) + "\n")
gdb.execute("kill")
"""


def symbols(elf):
    """Sorted (address, name) of an ELF's function symbols."""
    out = subprocess.run(["nm", "-n", elf], stdout=subprocess.PIPE, check=True).stdout.decode()
    syms = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            syms.append((int(parts[0], 16), parts[2]))
    return syms


def resolve(elf, spec):
    """ADDR, SYMBOL or SYMBOL+OFF to an address."""
    try:
        return int(spec, 0)
    except ValueError:
        name, _, off = spec.partition("+")
        for addr, sym in symbols(elf):
            if sym == name:
                return addr + (int(off, 0) if off else 0)
        sys.exit("pathprof: no symbol %s in %s" % (name, elf))


class Symbolizer:
    def __init__(self, elves):
        self.table = sorted(s for elf in elves for s in symbols(elf))
        self.addrs = [a for a, _ in self.table]

    def name(self, pc):
        i = bisect.bisect_right(self.addrs, pc) - 1
        return self.table[i][1] if i >= 0 else "?"


def main(argv):
    # a kill (timeout) still stops QEMU: the finally below runs
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("pathprof: killed"))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--arch", choices=("x86_64",), required=True,
                    help="x86_64 only: on AArch64 a single step clears the exclusive monitor, "
                    "so the kernel lock's load/store-exclusive loop never ends under it")
    ap.add_argument("--append", required=True)
    ap.add_argument("--elf", required=True, help="the user program --at is in")
    ap.add_argument("--at", required=True)
    ap.add_argument("--skip", type=int, default=0, help="pass --at this many times first")
    ap.add_argument("--max", type=int, default=20000)
    ap.add_argument("--disk")
    ap.add_argument("--port", type=int, default=1234)
    args = ap.parse_args(argv)

    bdir = os.path.join(TOP, "build", args.arch)
    kernel_elf = os.path.join(bdir, "kernel.elf")
    at = resolve(args.elf, args.at)
    machine = qemu_run.DEFAULT_MACHINE[args.arch]
    extra = ["-gdb", "tcp::%d" % args.port, "-S"]
    if args.disk:
        extra += qemu_run.disk_args(machine, args.disk)
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "pcs")
        script = os.path.join(tmp, "prof.py")
        with open(script, "w") as f:
            f.write(GDB_SCRIPT % {"port": args.port, "at": at, "skip": args.skip,
                                  "max": args.max, "out": out})
        cmd = qemu_run.command(machine, bdir, args.append, icount=True,
                               serial="file:" + os.path.join(tmp, "serial"), extra=extra)
        qemu = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            subprocess.run(["gdb-multiarch", "-q", "-batch", "-x", script, kernel_elf],
                           stdout=subprocess.DEVNULL, check=False, timeout=600)
        finally:
            qemu.kill()
            qemu.wait()
        if not os.path.exists(out):
            sys.exit("pathprof: gdb recorded nothing")
        with open(out) as f:
            pcs = [int(l, 16) for l in f if l.strip()]
    sym = Symbolizer([kernel_elf, args.elf])
    names = [sym.name(pc) for pc in pcs]
    print("%d instructions from %#x back to it" % (len(pcs), at))
    print("\nthe path, a segment per function entered:")
    run_name, run_len = None, 0
    for n in names + [None]:
        if n == run_name:
            run_len += 1
            continue
        if run_name is not None:
            print("  %5d  %s" % (run_len, run_name))
        run_name, run_len = n, 1
    print("\ninstructions per function:")
    totals = {}
    for n in names:
        totals[n] = totals.get(n, 0) + 1
    for n, c in sorted(totals.items(), key=lambda kv: -kv[1]):
        print("  %5d  %s" % (c, n))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
