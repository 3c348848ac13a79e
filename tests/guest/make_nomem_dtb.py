#!/usr/bin/env python3
"""Make a virt device tree without its memory node (for the boot test that
expects "no memory node"): dump QEMU's own, decompile with dtc, drop
memory@..., compile again."""
import re
import subprocess
import sys


def main(out):
    dtb = out + ".orig"
    subprocess.run(["qemu-system-aarch64", "-machine",
                    "virt,gic-version=2,dtb-randomness=off,dumpdtb=" + dtb,
                    "-cpu", "cortex-a72", "-m", "256M", "-display", "none"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    dts = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", dtb], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    stripped, n = re.subn(r"\n\tmemory@[0-9a-f]+ \{.*?\n\t\};", "", dts, flags=re.S)
    if n != 1:
        sys.exit("make_nomem_dtb: expected one memory node, found %d" % n)
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", out], input=stripped,
                   check=True, text=True)


if __name__ == "__main__":
    main(sys.argv[1])
