#!/usr/bin/env python3
"""Build newlib (the user-space C library) from Debian's newlib-source.

  tools/build_newlib.py [--arch x86_64|aarch64|all] [--out DIR] [--jobs N]

Result: DIR/<arch>/install/<target>/{include,lib/libc.a,lib/libm.a}, with
the build tree in DIR/<arch>/build, its log in DIR/<arch>/build.log and the
source extracted once into DIR/src. DIR defaults to build/newlib.

A build is reused while DIR/<arch>/stamp matches the newlib-source version,
the compiler version and the configure arguments. Missing Debian packages
are installed first (as root; otherwise the exact apt-get command is
printed). Standard library only.
"""
import argparse
import hashlib
import os
import shlex
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import debpkg  # noqa: E402

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# arch: (newlib target, tool prefix, extra target CFLAGS)
ARCHES = {
    "x86_64": ("x86_64-elf", "", []),
    # gcc 12 outline atomics need glibc's __getauxval
    "aarch64": ("aarch64-elf", "aarch64-linux-gnu-", ["-mno-outline-atomics"]),
}
PACKAGES = {"x86_64": ["gcc"], "aarch64": ["gcc-aarch64-linux-gnu"]}
BASE_PACKAGES = ["newlib-source", "make", "xz-utils"]
TOOLS = ["ar", "as", "ld", "nm", "ranlib", "readelf", "objdump", "strip"]
LOG_TAIL = 40


def die(msg, code=1):
    sys.stderr.write("build_newlib: %s\n" % msg)
    sys.exit(code)


def output(cmd):
    """stdout of cmd, stripped, or None if it fails or does not exist."""
    try:
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    except OSError:
        return None
    return r.stdout.strip() if r.returncode == 0 else None


def read(path):
    """The contents of a text file, or "" if it does not exist."""
    try:
        with open(path) as f:
            return f.read()
    except FileNotFoundError:
        return ""


def ensure_packages(pkgs):
    """Install what is missing, or say exactly how to (tools/debpkg.py)."""
    if not debpkg.is_debian():
        die("not a Debian system: newlib-source (a Debian package) is required")
    debpkg.ensure(pkgs, "build_newlib")


def newlib_version():
    return output(["dpkg-query", "-W", "-f=${Version}", "newlib-source"])


def tarball():
    files = (output(["dpkg", "-L", "newlib-source"]) or "").splitlines()
    tars = [f for f in files if f.endswith(".tar.xz") and os.path.isfile(f)]
    if not tars:
        die("newlib-source is installed but its .tar.xz is missing; "
            "reinstall it: apt-get install --reinstall newlib-source")
    return tars[0]


def extract_source(out, version):
    """Extract the tarball once into out/src (again if the package changed)."""
    src = os.path.join(out, "src")
    if read(os.path.join(src, ".debian-version")).strip() == version:
        return src
    tmp = src + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    # The tarball's top directory is newlib-salsa/, not newlib-<version>/.
    r = subprocess.run(["tar", "-xJf", tarball(), "--strip-components=1", "-C", tmp])
    if r.returncode != 0 or not os.path.isfile(os.path.join(tmp, "configure")):
        die("could not extract %s into %s" % (tarball(), tmp))
    with open(os.path.join(tmp, ".debian-version"), "w") as f:
        f.write(version + "\n")
    shutil.rmtree(src, ignore_errors=True)
    os.rename(tmp, src)
    return src


def compiler_version(cc):
    v = output([cc, "-dumpfullversion"])
    if not v:
        v = (output([cc, "--version"]) or "").split("\n")[0]
    if not v:
        die("compiler %s not found or not working" % cc)
    return v


def configure_args(arch, src, prefix):
    target, t, extra = ARCHES[arch]
    gccinc = output([t + "gcc", "-print-file-name=include"])
    if not gccinc or not os.path.isdir(gccinc):
        die("%sgcc -print-file-name=include gave no directory" % t)
    # -U__linux__: otherwise sys/config.h turns on the Linux FILE layout.
    # gcc's include dir goes first: newlib's own stdatomic.h breaks in C11.
    cflags = ["-O2", "-g", "-U__linux__", "-nostdinc", "-isystem", gccinc,
              "-fno-pie", "-fno-stack-protector", "-ffunction-sections",
              "-fdata-sections", "-Wa,--noexecstack"] + extra
    args = [os.path.join(src, "configure"), "--target=" + target, "--prefix=" + prefix,
            "--disable-multilib",  # else x86_64 also builds the failing m32/mx32 variants
            "--enable-newlib-io-long-long", "--enable-newlib-io-c99-formats",
            "MAKEINFO=true", "CC_FOR_TARGET=%sgcc" % t]
    # Without every tool variable (READELF in particular) configure silently
    # drops init_array support, and with it __libc_init_array.
    args += ["%s_FOR_TARGET=%s%s" % (tool.upper(), t, tool) for tool in TOOLS]
    return args + ["CFLAGS_FOR_TARGET=" + " ".join(cflags)]


def stamp_text(arch, args, version):
    cc = ARCHES[arch][1] + "gcc"
    digest = hashlib.sha256("\0".join(args).encode()).hexdigest()
    return "newlib-source %s\ncompiler %s %s\nconfigure %s\n" % (
        version, cc, compiler_version(cc), digest)


def run_logged(what, cmd, cwd, log):
    """Run cmd with its output appended to log; on failure show the tail and exit."""
    with open(log, "a") as f:
        f.write("\n$ %s\n" % shlex.join(cmd))
        f.flush()
        r = subprocess.run(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=f,
                           stderr=subprocess.STDOUT)
    if r.returncode != 0:
        with open(log, errors="replace") as f:
            tail = f.readlines()[-LOG_TAIL:]
        sys.stderr.write("".join(tail))
        die("%s failed (exit %d); full log: %s" % (what, r.returncode, log))


def verify(arch, libdir):
    """The build can succeed yet be unusable, so check what it produced."""
    for lib in ("libc.a", "libm.a"):
        if not os.path.isfile(os.path.join(libdir, lib)):
            die("newlib %s: %s was not installed in %s" % (arch, lib, libdir))
    nm = ARCHES[arch][1] + "nm"
    syms = output([nm, "--defined-only", os.path.join(libdir, "libc.a")])
    if syms is None:
        die("newlib %s: %s could not read libc.a" % (arch, nm))
    if not any(line.split()[-2:] in (["T", "__libc_init_array"], ["W", "__libc_init_array"])
               for line in syms.splitlines()):
        die("newlib %s: libc.a lacks __libc_init_array (configure found no "
            "init_array support; check the *_FOR_TARGET tools)" % arch)


def build(arch, out, jobs, version):
    adir = os.path.join(out, arch)
    stamp = os.path.join(adir, "stamp")
    install, tmp_install = os.path.join(adir, "install"), os.path.join(adir, "install.tmp")
    lib = os.path.join(ARCHES[arch][0], "lib")
    # Install into install.tmp and rename it only after it has been checked,
    # so an interrupted build never leaves an install that looks valid.
    args = configure_args(arch, os.path.join(out, "src"), tmp_install)
    want = stamp_text(arch, args, version)
    if read(stamp) == want and \
       os.path.isfile(os.path.join(install, lib, "libc.a")):
        print("newlib %s: cached (%s)" % (arch, version))
        return
    start = time.time()
    src = extract_source(out, version)
    shutil.rmtree(adir, ignore_errors=True)
    bdir = os.path.join(adir, "build")
    os.makedirs(bdir)
    log = os.path.join(adir, "build.log")
    print("newlib %s: building %s (log: %s)" % (arch, version, log), flush=True)
    make = ["make", "-j%d" % jobs, "MAKEINFO=true"]
    run_logged("newlib %s: configure" % arch, args, bdir, log)
    run_logged("newlib %s: make" % arch, make + ["all-target-newlib"], bdir, log)
    run_logged("newlib %s: make install" % arch, make + ["install-target-newlib"], bdir, log)
    verify(arch, os.path.join(tmp_install, lib))
    os.rename(tmp_install, install)
    with open(stamp + ".tmp", "w") as f:
        f.write(want)
    os.rename(stamp + ".tmp", stamp)
    print("newlib %s: built in %.0f s" % (arch, time.time() - start))


def main():
    ap = argparse.ArgumentParser(description="Build newlib from Debian's newlib-source.")
    ap.add_argument("--arch", default="all", choices=list(ARCHES) + ["all"])
    ap.add_argument("--out", default=os.path.join(TOP, "build", "newlib"))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    a = ap.parse_args()
    if a.jobs < 1:
        ap.error("--jobs must be at least 1")
    arches = list(ARCHES) if a.arch == "all" else [a.arch]
    ensure_packages(BASE_PACKAGES + [p for arch in arches for p in PACKAGES[arch]])
    version = newlib_version()
    if not version:
        die("cannot read the newlib-source version with dpkg-query")
    out = os.path.abspath(a.out)
    try:
        for arch in arches:
            build(arch, out, a.jobs, version)
    except KeyboardInterrupt:
        die("interrupted; the next run starts that build again", 130)


if __name__ == "__main__":
    main()
