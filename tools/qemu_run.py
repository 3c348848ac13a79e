#!/usr/bin/env python3
"""Boot Faultline in QEMU and judge the run.

The one place that knows the QEMU command lines (machines, devices, exit
paths) and how a QEMU exit code maps back to the guest's status:

  x86_64  isa-debug-exit: the kernel writes status+1, QEMU exits 2*(status+1)+1
          (exit 0 is a triple fault under -no-reboot, exit 1 a QEMU error)
  aarch64 semihosting SYS_EXIT: QEMU exits status (the kernel never uses 1,
          which QEMU itself returns on errors)

A run passes only if the serial log ends with the kernel's final line
"faultline: power off, status N", N matches the decoded exit status, and N
is the expected status; with --tap, the TAP plan must be met with no
"not ok"; each --expect regular expression must match some line.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import threading
import time

MACHINES = {
    # name: (arch, qemu arguments)
    "q35": ("x86_64", ["-machine", "q35", "-cpu", "max"]),
    "q35-qemu64": ("x86_64", ["-machine", "q35"]),
    "virt-gicv2": ("aarch64", ["-machine", "virt,gic-version=2,dtb-randomness=off",
                               "-cpu", "cortex-a72"]),
    "virt-gicv3": ("aarch64", ["-machine", "virt,gic-version=3,dtb-randomness=off",
                               "-cpu", "max"]),
    "virt-el2": ("aarch64", ["-machine", "virt,gic-version=3,virtualization=on,"
                             "dtb-randomness=off", "-cpu", "max"]),
}
DEFAULT_MACHINE = {"x86_64": "q35", "aarch64": "virt-gicv2"}


def disk_args(machine, image, iops=None):
    """QEMU arguments attaching image as the virtio-blk disk the fs server
    mounts: virtio-pci (modern only) on q35, modern virtio-mmio on virt;
    iops: at most that many requests a second (a deterministically slow disk)."""
    throttle = ",throttling.iops-total=%d" % iops if iops else ""
    drive = ["-drive", "file=%s,if=none,id=d0,format=raw%s" % (image, throttle)]
    if MACHINES[machine][0] == "x86_64":
        return drive + ["-device", "virtio-blk-pci,drive=d0,disable-legacy=on"]
    return ["-global", "virtio-mmio.force-legacy=off"] + drive + [
        "-device", "virtio-blk-device,drive=d0"]
ICOUNT = ["-icount", "shift=0,align=off,sleep=off"]
FINAL_LINE = re.compile(r"^faultline: power off, status (\d+)\s*$")


def qemu_binary(arch):
    return "qemu-system-x86_64" if arch == "x86_64" else "qemu-system-aarch64"


def kernel_file(arch, build_dir):
    name = "kernel.elf" if arch == "x86_64" else "kernel.img"
    return os.path.join(build_dir, name)


def dtb_loader(kernel, dtb):
    """Boot an AArch64 Image with our own DTB, bypassing QEMU's boot stub,
    which would add a /memory node to any -dtb: load both raw and start a
    two-instruction stub at 0x40100000 (x0 = 0x48000000; b 0x40200000)."""
    return ["-device", "loader,file=%s,addr=0x40200000,force-raw=on" % kernel,
            "-device", "loader,file=%s,addr=0x48000000,force-raw=on" % dtb,
            "-device", "loader,addr=0x40100000,data=0xd2a90000,data-len=4",
            "-device", "loader,addr=0x40100004,data=0x1403ffff,data-len=4",
            "-device", "loader,addr=0x40100000,cpu-num=0"]


def command(machine, build_dir, append="", initrd="default", memory="256M",
            dtb=None, icount=False, serial="stdio", extra=()):
    """The QEMU command line for one boot. With dtb (AArch64 only) the
    kernel starts with exactly that device tree: no initrd, no -append."""
    arch, margs = MACHINES[machine]
    cmd = [qemu_binary(arch)] + margs + ["-m", memory, "-nodefaults",
                                        "-display", "none", "-serial", serial,
                                        "-no-reboot"]
    if arch == "x86_64":
        cmd += ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
    else:
        cmd += ["-semihosting"]
    if icount:
        cmd += ICOUNT
    if dtb:
        return cmd + dtb_loader(kernel_file(arch, build_dir), dtb) + list(extra)
    cmd += ["-kernel", kernel_file(arch, build_dir), "-append", append]
    if initrd == "default":
        initrd = os.path.join(build_dir, "bootfs.cpio")
    if initrd:
        cmd += ["-initrd", initrd]
    return cmd + list(extra)


def decode_status(arch, rc):
    """(guest status, None) or (None, what went wrong)."""
    if rc == 124:
        return None, "timeout"
    if arch == "x86_64":
        if rc == 0:
            return None, "QEMU exited 0: triple fault or reset (-no-reboot)"
        if rc == 1:
            return None, "QEMU exited 1: a QEMU error, or the guest wrote 0"
        if rc % 2 == 1 and rc >= 3:
            return (rc - 3) // 2, None
        return None, "QEMU exited %d, not an isa-debug-exit status" % rc
    if rc == 1:
        return None, "QEMU exited 1: a QEMU error"
    return rc, None


def run_capture(cmd, timeout, log_path, input_bytes=None, cut=None):
    """Run QEMU (feeding input_bytes to the serial port), echo and log its
    output, return (rc, lines). With cut (a regular expression), QEMU is
    killed as soon as a line matches, as if the power failed: rc is then
    CUT."""
    start = time.time()
    with open(log_path, "w") as log:
        log.write("# " + " ".join(cmd) + "\n")
        log.flush()
        if cut:
            rc, out = run_until(cmd, timeout, input_bytes, re.compile(cut.encode()))
        else:
            try:
                proc = subprocess.run(cmd, input=input_bytes, stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT, timeout=timeout,
                                      stdin=subprocess.DEVNULL if input_bytes is None else None)
                rc, out = proc.returncode, proc.stdout
            except subprocess.TimeoutExpired as e:
                rc, out = 124, e.stdout or b""
        text = out.decode("utf-8", "replace").replace("\r\n", "\n")
        log.write(text)
        log.write("\n# exit %s after %.1f s\n" % ("(power cut)" if rc == CUT else rc,
                                                   time.time() - start))
    sys.stdout.write(text)
    return rc, text.splitlines()


CUT = "cut"


def run_until(cmd, timeout, input_bytes, cut):
    """QEMU killed at the first output line matching cut: (CUT, output), or
    its own exit code (124: timeout) if no line matched."""
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if input_bytes else subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if input_bytes:
        proc.stdin.write(input_bytes)
        proc.stdin.close()
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    out = b""
    try:
        for line in proc.stdout:
            out += line
            if cut.search(line):
                proc.kill()
                proc.wait()
                return CUT, out
        rc = proc.wait()
        return (124 if rc < 0 else rc), out
    finally:
        timer.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def check_tap(lines):
    """Problems with the TAP output: a plan, every case reported, none failed."""
    plan = None
    ok = bad = 0
    problems = []
    for line in lines:
        m = re.match(r"^1\.\.(\d+)\s*$", line)
        if m and plan is None:
            plan = int(m.group(1))
        elif re.match(r"^ok \d+ - ", line):
            ok += 1
        elif re.match(r"^not ok \d+ - ", line):
            bad += 1
            problems.append("failed: " + line)
    if plan is None:
        problems.append("no TAP plan line (1..N)")
    elif ok + bad < plan:
        problems.append("only %d of %d planned cases reported" % (ok + bad, plan))
    elif ok + bad > plan:
        problems.append("%d cases reported, %d planned" % (ok + bad, plan))
    elif plan == 0:
        problems.append("the plan is empty")
    return problems


def judge_end(arch, rc, lines, expect_status):
    """Problems with how the run ended: the final line, the status."""
    problems = []
    status, err = decode_status(arch, rc)
    if err:
        problems.append(err)
    finals = [FINAL_LINE.match(l) for l in lines if FINAL_LINE.match(l)]
    if not finals:
        problems.append("no final 'faultline: power off, status N' line")
    elif status is not None and int(finals[-1].group(1)) != status:
        problems.append("final line says status %s but QEMU's exit code means %d"
                        % (finals[-1].group(1), status))
    if status is not None and status != expect_status:
        problems.append("guest status %d, expected %d" % (status, expect_status))
    return problems


def judge(arch, rc, lines, expect_status, tap, expects):
    """Problems with the run (a power cut has no end to judge)."""
    problems = [] if rc == CUT else judge_end(arch, rc, lines, expect_status)
    if tap:
        problems += check_tap(lines)
    for rx in expects:
        if not any(re.search(rx, l) for l in lines):
            problems.append("no line matches %r" % rx)
    return problems


def check_fsck(disk, unmounted=True):
    """e2fsck -fn finds nothing wrong, and (unmounted) the state is clean."""
    problems = []
    r = subprocess.run(["e2fsck", "-fn", disk], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    if r.returncode:
        sys.stdout.write(r.stdout.decode("utf-8", "replace"))
        problems.append("e2fsck -fn finds the disk image unclean (status %d)" % r.returncode)
    if not unmounted:
        return problems
    r = subprocess.run(["dumpe2fs", "-h", disk], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL)
    state = re.search(rb"^Filesystem state:\s*(.*)$", r.stdout, re.M)
    if not state or state.group(1).strip() != b"clean":
        problems.append("the superblock's state is %r, not clean: not unmounted"
                        % (state.group(1).decode() if state else "unreadable"))
    return problems


def check_files(disk, expects):
    """Each PATH=FILE: debugfs finds PATH on the image with exactly FILE's bytes."""
    problems = []
    for e in expects:
        path, _, want_file = e.partition("=")
        r = subprocess.run(["debugfs", "-R", "cat %s" % path, disk], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
        missing = b"File not found" in r.stderr
        if want_file == "-":
            if not missing:
                problems.append("debugfs: %s exists on the image; it should not" % path)
            continue
        with open(want_file, "rb") as f:
            want = f.read()
        if missing or r.stdout != want:
            problems.append("debugfs: %s on the image: %s" % (
                path, "missing" if missing else "%d bytes, not the %d expected%s" % (
                    len(r.stdout), len(want), "" if len(r.stdout) != len(want) else
                    " (they differ)")))
    return problems


def main(argv):
    ap = argparse.ArgumentParser(description="Boot Faultline in QEMU and judge the run.")
    ap.add_argument("--machine", required=True, choices=sorted(MACHINES))
    ap.add_argument("--build-dir", required=True)
    ap.add_argument("--name", required=True, help="test name, for the log file")
    ap.add_argument("--append", default="")
    ap.add_argument("--initrd", default="default", help="file, or 'none'")
    ap.add_argument("--memory", default="256M")
    ap.add_argument("--dtb", help="AArch64: boot with exactly this device tree")
    ap.add_argument("--icount", action="store_true")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--expect-status", type=int, default=0)
    ap.add_argument("--tap", action="store_true", help="require a complete, passing TAP run")
    ap.add_argument("--expect", action="append", default=[], metavar="REGEX")
    ap.add_argument("--reject", action="append", default=[], metavar="REGEX",
                    help="fail if any line of the output matches")
    ap.add_argument("--input", help="bytes for the serial console's input (\\n escapes)")
    ap.add_argument("--qemu-arg", action="append", default=[], metavar="ARG",
                    help="one more QEMU argument (repeat for several)")
    ap.add_argument("--disk", metavar="IMAGE",
                    help="attach a copy of IMAGE (logs/NAME.img) as the virtio-blk disk")
    ap.add_argument("--disk-iops", type=int, metavar="N",
                    help="with --disk: QEMU serves at most N disk requests a second")
    ap.add_argument("--no-fsck", metavar="REASON",
                    help="with --disk: do not check the copy after the run, for REASON (an "
                    "image damaged on purpose); by default e2fsck -fn must find it clean and "
                    "its superblock must say it was unmounted clean")
    ap.add_argument("--power-cut", metavar="REGEX",
                    help="kill QEMU at the first output line matching REGEX, as a power "
                    "failure: no final line or status is wanted, and the disk (checked by "
                    "e2fsck -fn) need not say it was unmounted")
    ap.add_argument("--debugfs-expect", action="append", default=[], metavar="PATH=FILE",
                    help="with --disk: after the run the image's file PATH holds exactly "
                    "FILE's bytes (FILE '-': PATH does not exist)")
    args = ap.parse_args(argv)

    arch = MACHINES[args.machine][0]
    initrd = None if args.initrd == "none" else args.initrd
    log_dir = os.path.join(args.build_dir, "logs")
    os.makedirs(log_dir, exist_ok=True)
    log_path = os.path.join(log_dir, args.name + ".log")
    extra = list(args.qemu_arg)
    disk = None
    if args.disk:
        # a fresh copy per run: the test sees the image as built, and
        # tests in parallel never share one (QEMU locks it)
        disk = os.path.join(log_dir, args.name + ".img")
        shutil.copyfile(args.disk, disk)
        extra += disk_args(args.machine, disk, args.disk_iops)
    cmd = command(args.machine, args.build_dir, args.append, initrd, args.memory,
                  args.dtb, args.icount, extra=extra)
    data = None
    if args.input is not None:
        data = args.input.encode().decode("unicode_escape").encode("latin-1")
    rc, lines = run_capture(cmd, args.timeout, log_path, data, args.power_cut)
    problems = judge(arch, rc, lines, args.expect_status, args.tap, args.expect)
    if args.power_cut and rc != CUT:
        problems.append("no line matches the power cut's %r" % args.power_cut)
    for regex in args.reject:
        bad = [l for l in lines if re.search(regex, l)]
        if bad:
            problems.append("a line matches %r: %s" % (regex, bad[0].strip()))
    if disk and args.no_fsck:
        print("qemu_run: the disk is not checked: %s" % args.no_fsck)
    elif disk:
        problems += check_fsck(disk, unmounted=not args.power_cut)
    if disk:
        problems += check_files(disk, args.debugfs_expect)
    if problems:
        print("\nFAIL %s (serial log kept in %s):" % (args.name, log_path))
        for p in problems:
            print("  - " + p)
        return 1
    print("\nPASS %s" % args.name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
