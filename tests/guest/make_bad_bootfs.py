#!/usr/bin/env python3
"""Make broken bootfs archives for the boot tests, from a good one:
  truncated.cpio   the good archive cut in the middle of a file's data
  misaligned.cpio  valid newc, but file data not page-aligned (no padding)
  garbage.cpio     a page of bytes that is no cpio at all
"""
import os
import stat
import sys


def newc_entry(name, mode, data, ino):
    namesize = len(name) + 1
    hdr = b"070701" + b"".join(b"%08X" % f for f in
                               [ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, namesize, 0])
    out = hdr + name.encode() + b"\0"
    out += b"\0" * (-len(out) % 4)
    out += data + b"\0" * (-len(data) % 4)
    return out


def main(good, outdir):
    data = open(good, "rb").read()
    motd = data.find(b"Welcome")
    if motd < 0:
        sys.exit("make_bad_bootfs: %s has no etc/motd" % good)
    with open(os.path.join(outdir, "truncated.cpio"), "wb") as f:
        f.write(data[:motd + 20])
    with open(os.path.join(outdir, "misaligned.cpio"), "wb") as f:
        f.write(newc_entry("etc/motd", stat.S_IFREG | 0o644, b"not aligned\n", 1) +
                newc_entry("TRAILER!!!", 0, b"", 2))
    with open(os.path.join(outdir, "garbage.cpio"), "wb") as f:
        f.write(bytes((i * 7 + 3) & 0xff for i in range(4096)))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
