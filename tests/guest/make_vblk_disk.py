#!/usr/bin/env python3
"""Write the virtio-blk test disk: make_vblk_disk.py OUT SECTORS.

Sector i's first 8 bytes are i (little-endian); byte j >= 8 is
(i * 7 + j) & 0xff. user/vblktest/main.c checks exactly this.
"""
import os
import struct
import sys


def sector(i):
    rest = bytes((i * 7 + j) & 0xff for j in range(8, 512))
    return struct.pack("<Q", i) + rest


def main():
    out, n = sys.argv[1], int(sys.argv[2])
    tmp = out + ".tmp"
    with open(tmp, "wb") as f:
        for i in range(n):
            f.write(sector(i))
    os.replace(tmp, out)


if __name__ == "__main__":
    main()
