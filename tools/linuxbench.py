#!/usr/bin/env python3
"""Run the Linux side of Faultline's benchmark suite (issue 6).

    python3 tools/linuxbench.py --arch x86_64|aarch64 [--out DIR]

Fetches Debian's own kernel (pinned in bench/linux/kernel.lock) with
`apt-get download` -- never installs it -- and extracts it with dpkg-deb -x
into build/linux-cache/; builds bench/linux/linuxbench.c as a static /init;
packs a newc initramfs; boots QEMU in the benchmark configuration (TCG,
-icount shift=0,align=off,sleep=off); parses the BENCH lines into
DIR/linux-ARCH.json (default build/bench/) and prints a table.

This downloads from the Debian archive: never run it in CI.
Standard library only.
"""

import argparse
import hashlib
import json
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(ROOT, "bench", "linux", "linuxbench.c")
LOCK = os.path.join(ROOT, "bench", "linux", "kernel.lock")
CACHE = os.path.join(ROOT, "build", "linux-cache")
DEFAULT_OUT = os.path.join(ROOT, "build", "bench")

# The benchmark configuration (ARCHITECTURE.md section 6, issue 6). Keep it
# identical to Faultline's: same machine, CPU model, memory, icount mode.
QEMU = {
    "x86_64": ["qemu-system-x86_64", "-machine", "q35", "-m", "512M", "-smp", "1",
               "-icount", "shift=0,align=off,sleep=off"],
    "aarch64": ["qemu-system-aarch64", "-machine", "virt", "-cpu", "cortex-a72", "-m", "512M",
                "-smp", "1", "-icount", "shift=0,align=off,sleep=off"],
}
# Only what is needed to see the output and to stop; everything else is
# Debian's default (KASLR, mitigations, THP=always, init_on_alloc=1).
APPEND = {
    "x86_64": "console=ttyS0 quiet panic=-1",
    "aarch64": "console=ttyAMA0 quiet panic=-1",
}
CC = {"x86_64": "gcc", "aarch64": "aarch64-linux-gnu-gcc"}
DEB_ARCH = {"x86_64": "amd64", "aarch64": "arm64"}

# Reference figures from issue 6 (guest instructions per op; x86_64, aarch64),
# Debian 6.1.0-56 (6.1.192-2). Used only for the comparison column.
REFERENCE = {
    "null_syscall": (322, 509),
    "anon_first_write": (3309, 3299),
    "anon_first_read": (1244, 1179),
    "cow_write": (4531, 4440),
    "file_fault_1pp": (2004, 2016),
    "file_fault_around": (588, 765),
    "pipe_rtt": (12826, 15499),
    "futex_rtt": (12346, 14335),
    "uffd_rtt_thread": (14888, 17317),
    "fork_exit_wait_16M": (1780000, 1710000),
}

TIMEOUT = 600  # seconds; a full run takes ~15 s of wall time here (boot included)


def log(msg):
    print("linuxbench: " + msg, file=sys.stderr, flush=True)


def fail(msg):
    log("error: " + msg)
    sys.exit(1)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def load_lock():
    with open(LOCK) as f:
        return json.load(f)


def run(cmd, **kw):
    log("$ " + " ".join(shlex.quote(c) for c in cmd))
    return subprocess.run(cmd, check=True, **kw)


def ensure_foreign_arch(deb_arch):
    host = subprocess.run(["dpkg", "--print-architecture"], capture_output=True,
                          text=True, check=True).stdout.strip()
    if deb_arch == host:
        return
    foreign = subprocess.run(["dpkg", "--print-foreign-architectures"], capture_output=True,
                             text=True, check=True).stdout.split()
    if deb_arch not in foreign:
        run(["dpkg", "--add-architecture", deb_arch])
        run(["apt-get", "update"])


def fetch_kernel(arch, lock):
    """Return (path to the kernel image, lock entry). Downloads and extracts once."""
    ent = lock[arch]
    pkg, ver, deb_arch = ent["package"], ent["version"], DEB_ARCH[arch]
    cdir = os.path.join(CACHE, arch)
    os.makedirs(cdir, exist_ok=True)
    deb = os.path.join(cdir, "%s_%s_%s.deb" % (pkg, ver.replace(":", "%3a"), deb_arch))
    if not os.path.exists(deb):
        ensure_foreign_arch(deb_arch)
        spec = "%s:%s=%s" % (pkg, deb_arch, ver)
        try:
            run(["apt-get", "download", spec], cwd=cdir)
        except subprocess.CalledProcessError:
            if not os.path.exists(deb):
                subprocess.run(["apt-get", "update"], check=False)
                try:
                    run(["apt-get", "download", spec], cwd=cdir)
                except subprocess.CalledProcessError:
                    fail("apt-get download %s failed: Debian no longer serves the pinned kernel. "
                         "Re-baseline deliberately: pick the current linux-image-6.1.0-NN package, "
                         "update bench/linux/kernel.lock (version + sha256), rerun both arches "
                         "and update the figures in bench/linux/README.md." % spec)
        if not os.path.exists(deb):
            fail("apt-get download did not produce %s" % deb)
    got = sha256(deb)
    if got != ent["sha256"]:
        fail("sha256 mismatch for %s:\n  pinned %s\n  got    %s\n"
             "The archive changed under the pinned version. Do not just update the hash: "
             "re-baseline deliberately (new kernel.lock entry, rerun, new figures)."
             % (deb, ent["sha256"], got))
    root = os.path.join(cdir, "root-" + ver)
    image = os.path.join(root, ent["image"])
    if not os.path.exists(image):
        tmp = root + ".tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        run(["dpkg-deb", "-x", deb, tmp])
        os.rename(tmp, root)
    if not os.path.exists(image):
        fail("kernel image %s not in %s" % (ent["image"], deb))
    return image, ent, got


def build_program(arch, outdir):
    exe = os.path.join(outdir, "linuxbench-%s" % arch)
    cc = CC[arch]
    if shutil.which(cc) is None:
        fail("%s not found (Debian package %s)" % (cc, "gcc" if arch == "x86_64" else "gcc-aarch64-linux-gnu"))
    run([cc, "-static", "-O2", "-pthread", "-Wall", "-o", exe, SRC])
    return exe


def cpio_newc(entries):
    """entries: list of (name, mode, data or None, rdev major, minor). Returns bytes."""
    out = bytearray()
    ino = 1

    def rec(name, mode, data, maj=0, mnr=0):
        nonlocal ino
        nb = name.encode() + b"\0"
        hdr = "070701" + "".join("%08X" % v for v in (
            ino, mode, 0, 0, 1, 0, len(data), 0, 0, maj, mnr, len(nb), 0))
        ino += 1
        out.extend(hdr.encode())
        out.extend(nb)
        out.extend(b"\0" * ((4 - (len(hdr) + len(nb)) % 4) % 4))
        out.extend(data)
        out.extend(b"\0" * ((4 - len(data) % 4) % 4))

    for name, mode, data, maj, mnr in entries:
        rec(name, mode, data or b"", maj, mnr)
    rec("TRAILER!!!", 0, b"")
    out.extend(b"\0" * ((512 - len(out) % 512) % 512))
    return bytes(out)


def build_initramfs(exe, path):
    with open(exe, "rb") as f:
        init = f.read()
    entries = [
        ("dev", stat.S_IFDIR | 0o755, None, 0, 0),
        ("dev/console", stat.S_IFCHR | 0o600, None, 5, 1),
        ("proc", stat.S_IFDIR | 0o555, None, 0, 0),
        ("sys", stat.S_IFDIR | 0o555, None, 0, 0),
        ("tmp", stat.S_IFDIR | 0o1777, None, 0, 0),
        ("init", stat.S_IFREG | 0o755, init, 0, 0),
    ]
    with open(path, "wb") as f:
        f.write(cpio_newc(entries))


LINE = re.compile(r"BENCH (.*)$")


def parse(text):
    results, errors, done = {}, [], False
    for raw in text.splitlines():
        m = LINE.search(raw.strip("\r"))
        if not m:
            continue
        body = m.group(1).strip()
        if body == "done":
            done = True
            continue
        kv = dict(p.split("=", 1) for p in body.split() if "=" in p)
        if "error" in kv:
            errors.append(body)
            continue
        name = kv.pop("name", None)
        if not name:
            continue
        r = {}
        for k, v in kv.items():
            try:
                r[k] = int(v)
            except ValueError:
                try:
                    r[k] = float(v)
                except ValueError:
                    r[k] = v
        results[name] = r
    return results, errors, done


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--arch", choices=sorted(QEMU), required=True)
    ap.add_argument("--out", default=DEFAULT_OUT, help="output directory (default build/bench)")
    ap.add_argument("--timeout", type=int, default=TIMEOUT)
    ap.add_argument("--append", default="", help="extra kernel command line (not the benchmark config)")
    args = ap.parse_args(argv)
    arch = args.arch

    lock = load_lock()
    kernel, ent, digest = fetch_kernel(arch, lock)
    os.makedirs(args.out, exist_ok=True)
    work = os.path.join(ROOT, "build", "linux-cache", arch, "run")
    os.makedirs(work, exist_ok=True)
    exe = build_program(arch, work)
    initrd = os.path.join(work, "initramfs.cpio")
    build_initramfs(exe, initrd)

    if shutil.which(QEMU[arch][0]) is None:
        fail("%s not found (Debian package %s)" % (QEMU[arch][0], "qemu-system-x86" if arch == "x86_64"
                                                   else "qemu-system-arm"))
    append = APPEND[arch] + ((" " + args.append) if args.append else "")
    cmd = QEMU[arch] + ["-display", "none", "-serial", "stdio", "-no-reboot",
                        "-kernel", kernel, "-initrd", initrd, "-append", append]
    log("booting: " + " ".join(shlex.quote(c) for c in cmd))
    t0 = time.time()
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=args.timeout)
        text = p.stdout.decode("utf-8", "replace")
    except subprocess.TimeoutExpired as e:
        text = (e.stdout or b"").decode("utf-8", "replace")
        log("QEMU timed out after %d s" % args.timeout)
    wall = time.time() - t0
    with open(os.path.join(work, "console.log"), "w") as f:
        f.write(text)
    results, errors, done = parse(text)
    notes = [l.strip() for l in text.splitlines() if l.startswith("# ")]
    if errors:
        log("guest reported errors: " + "; ".join(errors))
    if not done:
        log("no 'BENCH done' line; console log: %s" % os.path.join(work, "console.log"))

    rel = lambda p: os.path.relpath(p, ROOT)
    doc = {
        "system": "linux",
        "arch": arch,
        "config": {
            "qemu": " ".join(shlex.quote(c if not c.startswith(ROOT) else rel(c)) for c in cmd),
            "qemu_version": subprocess.run([cmd[0], "--version"], capture_output=True,
                                           text=True).stdout.splitlines()[0],
            "kernel_package": "%s=%s" % (ent["package"], ent["version"]),
            "kernel_release": ent.get("release", ""),
            "kernel_version": ent["version"],
            "deb_sha256": digest,
            "append": append,
            "unit": "guest instructions per operation (icount shift=0)",
            "stat": "median over samples (mean and min also given); see bench/linux/README.md",
            "extra_append": args.append,
        },
        "guest_notes": notes,
        "complete": done and not errors,
        "wall_seconds": round(wall, 1),
        "results": results,
    }
    col = 0 if arch == "x86_64" else 1
    for name, r in results.items():
        if name in REFERENCE:
            r["reference_issue6"] = REFERENCE[name][col]
    out = os.path.join(args.out, "linux-%s.json" % arch)
    with open(out, "w") as f:
        json.dump(doc, f, indent=1, sort_keys=False)
        f.write("\n")

    print("Linux %s (%s), guest instructions per op, median" % (arch, doc["config"]["kernel_package"]))
    print("%-26s %10s %10s %9s %8s %10s %7s  %s" % ("operation", "insns", "mean", "faults/op", "csw/op",
                                                     "reference", "ratio", "counter"))
    for name, r in results.items():
        ref = REFERENCE.get(name)
        refv = ref[col] if ref else None
        ratio = ("%.3f" % (r["insns"] / refv)) if refv else ""
        print("%-26s %10s %10s %9.3f %8.3f %10s %7s  %s" % (
            name, r.get("insns"), r.get("mean", ""), r.get("faults_per_op", 0.0),
            r.get("csw_per_op", 0.0), refv if refv else "", ratio, r.get("counter", "")))
    print("wrote %s (%.0f s)" % (rel(out), wall))
    return 0 if done and not errors else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
