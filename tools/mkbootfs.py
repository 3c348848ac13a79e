#!/usr/bin/env python3
"""Pack a bootfs: a cpio "newc" archive in which every file's data starts
on a page boundary, so the kernel and the pager can map file pages without
copying. Alignment comes from padding entries named .bootfs-pad (a valid
cpio entry each), which readers skip.

    mkbootfs.py -o bootfs.cpio [-C DIR] PATH...
    mkbootfs.py -o bootfs.cpio --file NAME=HOSTPATH ...

Directories are added recursively, in sorted order, so the output is
deterministic (mtime and owner are zero).
"""
import argparse
import os
import stat
import sys

PAGE = 4096
PAD_NAME = ".bootfs-pad"
HDR = 110


def header(name, mode, size, ino):
    namesize = len(name.encode()) + 1
    fields = [ino, mode, 0, 0, 1, 0, size, 0, 0, 0, 0, namesize, 0]
    return b"070701" + b"".join(b"%08X" % f for f in fields)


def align4(n):
    return (n + 3) & ~3


class Writer:
    def __init__(self):
        self.out = bytearray()
        self.ino = 1

    def entry(self, name, mode, data=b""):
        name_b = name.encode()
        self.out += header(name, mode, len(data), self.ino)
        self.ino += 1
        self.out += name_b + b"\0"
        self.out += b"\0" * (align4(len(self.out)) - len(self.out))
        self.out += data
        self.out += b"\0" * (align4(len(self.out)) - len(self.out))

    def data_offset(self, name, at):
        return align4(at + HDR + len(name.encode()) + 1)

    def aligned_file(self, name, mode, data):
        """Add a file whose data starts on a page boundary."""
        if data and self.data_offset(name, len(self.out)) % PAGE:
            # A padding entry of n data bytes moves the next header by
            # hdr+name+n (all multiples of 4); pick n to land on a page.
            pad_hdr = align4(HDR + len(PAD_NAME) + 1)
            start = len(self.out) + pad_hdr
            for n in range(0, PAGE, 4):
                if self.data_offset(name, start + n) % PAGE == 0:
                    self.entry(PAD_NAME, stat.S_IFREG | 0o444, b"\0" * n)
                    break
            else:
                sys.exit("mkbootfs: cannot align %s" % name)
        self.entry(name, mode, data)

    def finish(self):
        self.entry("TRAILER!!!", 0)
        return bytes(self.out)


def collect(root, paths):
    """(archive name, host path) pairs for the given paths under root."""
    items = []
    for p in paths:
        host = os.path.join(root, p)
        if os.path.isdir(host):
            for dirpath, dirnames, filenames in os.walk(host):
                dirnames.sort()
                rel = os.path.relpath(dirpath, root)
                if rel != ".":
                    items.append((os.path.normpath(rel), dirpath))
                for f in sorted(filenames):
                    items.append((os.path.normpath(os.path.join(rel, f)),
                                  os.path.join(dirpath, f)))
        elif os.path.isfile(host):
            items.append((os.path.normpath(p), host))
        else:
            sys.exit("mkbootfs: %s: no such file or directory" % host)
    return items


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("-C", "--directory", default=".")
    ap.add_argument("--file", action="append", default=[], metavar="NAME=HOSTPATH")
    ap.add_argument("paths", nargs="*")
    args = ap.parse_args(argv)

    items = collect(args.directory, args.paths)
    for spec in args.file:
        name, sep, host = spec.partition("=")
        if not sep or not name or not os.path.isfile(host):
            sys.exit("mkbootfs: --file %s: want NAME=HOSTPATH of an existing file" % spec)
        items.append((name, host))

    w = Writer()
    for name, host in items:
        if name.startswith("/") or name.split("/")[0] == "..":
            sys.exit("mkbootfs: %s: names must be relative" % name)
        if os.path.isdir(host):
            w.entry(name, stat.S_IFDIR | 0o755)
        else:
            mode = stat.S_IFREG | (0o755 if os.access(host, os.X_OK) else 0o644)
            with open(host, "rb") as f:
                w.aligned_file(name, mode, f.read())
    data = w.finish()
    tmp = args.output + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, args.output)


if __name__ == "__main__":
    main(sys.argv[1:])
