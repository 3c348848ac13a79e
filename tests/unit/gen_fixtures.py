#!/usr/bin/env python3
"""Make the host tests' fixtures in OUTDIR:
  tree/               a few files (see test_cpio.c's expected[])
  bootfs.cpio         that tree packed by tools/mkbootfs.py
  gnu.cpio            the same tree packed by GNU cpio -H newc (not aligned)
  virt-gicv2.dtb, virt-gicv3.dtb   dumped from QEMU's virt machine
  nomem.dtb           tests/unit/data/nomem.dts compiled by dtc
  x86_64.elf, aarch64.elf          static executables from tests/unit/data/tiny.c
  x86_64.segments, aarch64.segments  their PT_LOAD segments as readelf lists them
  ext2tree/           files for the ext2 images (see test_ext2.c)
  ext2-4k.img, ext2-1k.img   ext2tree by mke2fs -d, 4 KiB and 1 KiB blocks
  ext2-rev0.img       tree/ in a revision 0 ext2 (no features, 1 KiB blocks)
  ext2-tiny.img       an empty ext2 of 64 1 KiB blocks and 16 inodes (test_ext2w.c)
"""
import random
import re
import os
import shutil
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
top = os.path.dirname(os.path.dirname(here))


def run(cmd, **kw):
    subprocess.run(cmd, check=True, **kw)


def main(out):
    tree = os.path.join(out, "tree")
    shutil.rmtree(tree, ignore_errors=True)
    os.makedirs(os.path.join(tree, "sub"))
    for name, size, fill in [("a.txt", 10, b"a"), ("empty", 0, b""),
                             ("sub/b.bin", 5000, b"b"), ("sub/c.bin", 8192, b"c")]:
        with open(os.path.join(tree, name), "wb") as f:
            f.write(fill * size)
    names = ["a.txt", "empty", "sub", "sub/b.bin", "sub/c.bin"]
    run([sys.executable, os.path.join(top, "tools", "mkbootfs.py"),
         "-o", os.path.join(out, "bootfs.cpio"), "-C", tree, "a.txt", "empty", "sub"])
    with open(os.path.join(out, "gnu.cpio"), "wb") as f:
        run(["cpio", "--quiet", "-o", "-H", "newc"], cwd=tree, stdout=f,
            input="\n".join(names).encode())
    for gic in ("2", "3"):
        cpu = "cortex-a72" if gic == "2" else "max"
        run(["qemu-system-aarch64", "-machine",
             "virt,gic-version=%s,dtb-randomness=off,dumpdtb=%s" % (
                 gic, os.path.join(out, "virt-gicv%s.dtb" % gic)),
             "-cpu", cpu, "-m", "256M", "-smp", "2", "-display", "none"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", os.path.join(out, "nomem.dtb"),
         os.path.join(here, "data", "nomem.dts")])

    for arch, cc in (("x86_64", "gcc"), ("aarch64", "aarch64-linux-gnu-gcc")):
        elf = os.path.join(out, arch + ".elf")
        run([cc, "-static", "-nostdlib", "-no-pie", "-O1", "-o", elf,
             "-Wl,--build-id=none", os.path.join(here, "data", "tiny.c")])
        listing = subprocess.run(["readelf", "-lW", elf], check=True,
                                 stdout=subprocess.PIPE, text=True).stdout
        with open(os.path.join(out, arch + ".segments"), "w") as f:
            entry = re.search(r"Entry point (0x[0-9a-f]+)", listing).group(1)
            f.write("entry %s\n" % entry)
            for m in re.finditer(r"^\s*LOAD\s+(0x\S+)\s+(0x\S+)\s+\S+\s+(0x\S+)\s+(0x\S+)"
                                 r"\s+([RWE ]+?)\s+0x", listing, re.M):
                off, vaddr, filesz, memsz, flags = m.groups()
                f.write("load %s %s %s %s %s\n" % (vaddr, memsz, off, filesz,
                                                    flags.replace(" ", "") or "-"))
    make_ext2(out)


def make_ext2_tree(tree):
    """Files past each block-map boundary at 1 and 4 KiB blocks, a sparse
    file reaching the triple indirect block, a directory of many blocks,
    nested directories and symlinks (fast and slow)."""
    shutil.rmtree(tree, ignore_errors=True)
    rnd = random.Random(10)
    for d in ("dir/sub/deeper", "many", "loop/d/x"):
        os.makedirs(os.path.join(tree, d))
    files = {"hello.txt": b"hello, ext2\n", "empty": b"",
             "small.bin": rnd.randbytes(3000),
             "mid.bin": rnd.randbytes(100 * 1024),   # single indirect at 4 KiB
             "big.bin": rnd.randbytes(300 * 1024),   # double indirect at 1 KiB (> 268 KiB)
             "dir/sub/deeper/file.txt": b"deep\n"}
    for i in range(200):
        files["many/entry-with-a-longish-name-%03d" % i] = b"%d\n" % i
    for name, data in files.items():
        with open(os.path.join(tree, name), "wb") as f:
            f.write(data)
    # holes: data at 0, at 5 MiB (double indirect at 4 KiB) and at 4.5 GiB
    # (triple indirect at both block sizes, i_size_high set)
    with open(os.path.join(tree, "sparse.bin"), "wb") as f:
        for off, fill, n in ((0, b"A", 100), (5 << 20, b"B", 5000), (9 << 29, b"C", 3000)):
            f.seek(off)
            f.write(fill * n)
    os.symlink("dir/sub/deeper/file.txt", os.path.join(tree, "link"))
    os.symlink("dir/sub/deeper/" + "x" * 80, os.path.join(tree, "longlink"))


def mke2fs(args, tree, image, size):
    run(["mke2fs", "-q", "-F", "-t", "ext2"] + args + ["-d", tree, image, size],
        stdout=subprocess.DEVNULL)


def make_ext2(out):
    tree = os.path.join(out, "ext2tree")
    make_ext2_tree(tree)
    # 16 MiB of 1 KiB blocks: two groups of 8192 blocks
    for bs, size in (("4k", "8M"), ("1k", "16M")):
        mke2fs(["-b", str(int(bs[0]) * 1024), "-O", "^dir_index"], tree,
               os.path.join(out, "ext2-%s.img" % bs), size)
    mke2fs(["-b", "1024", "-r", "0"], os.path.join(out, "tree"),
           os.path.join(out, "ext2-rev0.img"), "1M")
    # the writer's ENOSPC tests: 64 blocks of 1 KiB, 16 inodes (an empty -d tree)
    empty = os.path.join(out, "ext2empty")
    shutil.rmtree(empty, ignore_errors=True)
    os.makedirs(empty)
    tiny = os.path.join(out, "ext2-tiny.img")
    mke2fs(["-b", "1024", "-N", "16", "-O", "^dir_index"], empty, tiny, "64k")
    os.truncate(tiny, 64 * 1024)    # mke2fs leaves an unwritten tail off the file


if __name__ == "__main__":
    main(sys.argv[1])
