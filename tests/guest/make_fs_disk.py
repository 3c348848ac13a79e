#!/usr/bin/env python3
"""Disks for the fs server's boot tests (tests/guest/CMakeLists.txt).

  make_fs_disk.py OUT ext2      a 4 MiB ext2 image (1024 blocks of 4 KiB) of a small tree
  make_fs_disk.py OUT garbage   1 MiB that is no file system at all
"""
import os
import subprocess
import sys
import tempfile


def ext2(out):
    with tempfile.TemporaryDirectory() as tree:
        os.makedirs(os.path.join(tree, "dir", "sub"))
        with open(os.path.join(tree, "hello.txt"), "w") as f:
            f.write("hello from the disk\n")
        with open(os.path.join(tree, "dir", "sub", "file.txt"), "w") as f:
            f.write("deep\n")
        os.symlink("dir/sub/file.txt", os.path.join(tree, "link"))
        if os.path.exists(out):
            os.remove(out)
        subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", "-b", "4096", "-O", "^dir_index",
                        "-d", tree, out, "4M"], check=True)


def garbage(out):
    with open(out, "wb") as f:
        f.write(bytes((i * 37 + 11) & 0xff for i in range(1 << 20)))


if __name__ == "__main__":
    {"ext2": ext2, "garbage": garbage}[sys.argv[2]](sys.argv[1])
