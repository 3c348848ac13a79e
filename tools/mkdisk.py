#!/usr/bin/env python3
"""Make the ext2 disk image the fs server mounts as / (docs/fs.md).

  mkdisk.py --bin DIR --out IMG [--damage KIND | --big64]

A seed tree, then `mke2fs -q -F -t ext2 -b 4096 -O ^dir_index -d SEED IMG 16M`:

  bin/           the shell's programs, copied from DIR (the stripped bootfs programs)
  etc/motd       MOTD below
  etc/passwd     a line
  data/big       BIG_SIZE bytes of pattern() (past the 12 direct blocks: single indirect)
  data/huge      HUGE_SIZE bytes of pattern() (past 12 + 1024 blocks: double indirect)
  data/empty     nothing
  a/b/c/deep.txt "deep\\n"; a/one.txt, a/two.txt
  link           a symlink to etc/motd

bin/fstest (user/fstest/main.c) knows all of this; keep the two in step.

--big64 makes a bigger image (BIG64_IMAGE) with data/64m too: 64 MiB of
pattern(), for the page cache's budget (bin/maptest --evict).

--damage makes a broken copy for the fs server's error paths:
  badmagic   the superblock's magic zeroed: the mount fails
  truncated  the image cut to 1 MiB: the mount fails (shorter than its blocks)
  damaged    etc/motd's first block number out of range (reading it: EIO) and
             a directory loop: a/b/c/up names a (a walk round it ends: the directory, or ELOOP)
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

PROGRAMS = ["sh", "cat", "cp", "ls", "echo", "mmapcopy", "fstest"]
MOTD = "Faultline: this line comes from the ext2 disk.\n"
BIG_SIZE = 200 * 1024 + 77
HUGE_SIZE = 4 * 1024 * 1024 + 64 * 1024 + 3
SIZE = "16M"
BIG64_SIZE = 64 << 20
BIG64_IMAGE = "80M"


def pattern(n):
    """Byte i is (i * 131 + i / 4096) mod 256: every page different (fstest's pattern())."""
    page = bytes((i * 131) & 0xff for i in range(4096))
    shifted = [page.translate(bytes((b + p) & 0xff for b in range(256))) for p in range(256)]
    out = bytearray()
    for p in range((n + 4095) // 4096):
        out += shifted[p & 0xff]
    return bytes(out[:n])


def seed(tree, bindir, big64=False):
    def put(path, data):
        full = os.path.join(tree, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(data)

    for p in PROGRAMS:
        src = os.path.join(bindir, p)
        if os.path.exists(src):
            os.makedirs(os.path.join(tree, "bin"), exist_ok=True)
            shutil.copyfile(src, os.path.join(tree, "bin", p))
            os.chmod(os.path.join(tree, "bin", p), 0o755)
    put("etc/motd", MOTD.encode())
    put("etc/passwd", b"root:x:0:0:root:/:/bin/sh\n")
    put("data/big", pattern(BIG_SIZE))
    put("data/huge", pattern(HUGE_SIZE))
    put("data/empty", b"")
    if big64:
        put("data/64m", pattern(BIG64_SIZE))
    put("a/b/c/deep.txt", b"deep\n")
    put("a/one.txt", b"one\n")
    put("a/two.txt", b"two\n")
    os.symlink("etc/motd", os.path.join(tree, "link"))


def debugfs(img, *requests):
    for r in requests:
        subprocess.run(["debugfs", "-w", "-R", r, img], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", required=True, help="directory of the programs for /bin")
    ap.add_argument("--out", required=True)
    ap.add_argument("--damage", choices=["badmagic", "truncated", "damaged"])
    ap.add_argument("--big64", action="store_true", help="data/64m too, on a bigger image")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        tree = os.path.join(tmp, "seed")
        os.mkdir(tree)
        seed(tree, args.bin, args.big64)
        img = os.path.join(tmp, "disk.img")
        open(img, "wb").close()
        subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", "-b", "4096", "-O", "^dir_index",
                        "-E", "root_owner=0:0", "-d", tree, img,
                        BIG64_IMAGE if args.big64 else SIZE], check=True)
        if args.damage == "badmagic":
            with open(img, "r+b") as f:
                f.seek(1024 + 56)
                f.write(b"\0\0")
        elif args.damage == "truncated":
            os.truncate(img, 1 << 20)
        elif args.damage == "damaged":
            debugfs(img, "sif /etc/motd block[0] 268435440", "ln /a /a/b/c/up")
        tmp_out = args.out + ".tmp"
        shutil.copyfile(img, tmp_out)
        os.replace(tmp_out, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
