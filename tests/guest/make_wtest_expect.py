#!/usr/bin/env python3
"""The files bin/wtest (user/wtest/main.c) and bin/maptest leave on the disk, as the host
must find them there with debugfs after the run (qemu_run.py
--debugfs-expect). Keep the sizes and patterns in step with wtest.

  make_wtest_expect.py OUTDIR
"""
import os
import sys

DIRECT_SIZE = 40000
INDIRECT_SIZE = 300000
DOUBLE_AT = 6 << 20
DOUBLE_LEN = 8192
TRUNC_SIZE = 10000
WB_PAGES = 2
WB_STORE = (b"stored, page 0", b"stored, page 1")


def pattern(off, n, seed):
    """Bytes off..off+n-1 of wtest's files with this seed: (i * 7 + seed + i / 4096) mod 256."""
    return bytes((i * 7 + seed + i // 4096) & 0xff for i in range(off, off + n))


def evicted_page(i):
    """Page i of bin/maptest --evict's /evicted: a line, then 'e' to the end of the page."""
    line = b"page %02d, written through MAP_SHARED, evicted\n" % i
    return line + b"e" * (4096 - len(line))


def msynced_page(i):
    """Page i of bin/maptest --evict's /msynced: a line, then zeros."""
    line = b"msynced page %03d\n" % i
    return line + bytes(4096 - len(line))


def main(argv):
    out = argv[0]
    os.makedirs(out, exist_ok=True)
    files = {
        "small": b"hello, disk\n",
        "direct": pattern(0, DIRECT_SIZE, 1),
        "indirect": pattern(0, INDIRECT_SIZE, 2),
        "double": bytes(DOUBLE_AT) + pattern(DOUBLE_AT, DOUBLE_LEN, 3),
        "append": b"one\ntwo\n",
        "trunc": pattern(0, 5000, 4) + bytes(4000),
        "r2_c": b"A",
        "many_299": b"299\n",
        "mapped": b"mapped bytes reach the disk\n" + b"-" * 72,	# bin/maptest's /mapped
        "evicted": b"".join(evicted_page(i) for i in range(16)),	# bin/maptest --evict's
        "msynced": b"".join(msynced_page(i) for i in range(600)),	# and its /msynced
    }
    # wtest --writeback: WB_PAGES pages of the seed's pattern, two stores
    for name, seed in (("msync", 6), ("munmap", 7), ("exit", 8), ("fsync", 9), ("none", 10),
                       ("dontneed", 11)):
        data = bytearray(pattern(0, WB_PAGES * 4096, seed))
        if name != "none":		# never written back: the disk keeps the bytes write() put
            data[100:100 + len(WB_STORE[0])] = WB_STORE[0]
            data[4096 + 7:4096 + 7 + len(WB_STORE[1])] = WB_STORE[1]
        files["wb_" + name] = bytes(data)
    for name, data in files.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
