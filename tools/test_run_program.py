#!/usr/bin/env python3
"""ctest: `./faultline run --program FILE.c` from a tree of its own.

  test_run_program.py ARCH BUILD_DIR

First checks that bad --program arguments are refused (status 2, a clear
message). Then builds tests/guest/program/hello_program.c against newlib through the
driver, in BUILD_DIR (so the tree the other tests use is not reconfigured),
boots it, and checks its line and that its exit status 7 came back as the
driver's. Standard library only.
"""
import os
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROGRAM = os.path.join(TOP, "tests", "guest", "program", "hello_program.c")
WANT_LINE = "hello from --program (bin/hello_program, 1 argument)"
WANT_STATUS = 7


def bad_inputs(arch, bdir):
    """Each bad --program is refused with exit status 2 and a clear message, before any build."""
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        badly_named = os.path.join(tmp, "bad name.c")	# exists, but no bin/ name
        open(badly_named, "w").close()
        cases = [("/nonexistent/prog.c", "no such file"),
                 (os.path.join(TOP, "README.md"), "one C file"),
                 (badly_named, "must be 1-32 letters")]
        for arg, words in cases:
            r = subprocess.run([os.path.join(TOP, "faultline"), "run", "--arch", arch,
                                "--program", arg, "--build-dir", bdir],
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=120)
            text = r.stdout.decode("utf-8", "replace")
            if r.returncode != 2 or words not in text:
                problems.append("--program %s: status %d, %r" % (arg, r.returncode, text[-200:]))
    return problems


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip())
        return 2
    arch, bdir = sys.argv[1], sys.argv[2]
    problems = bad_inputs(arch, bdir)
    cmd = [os.path.join(TOP, "faultline"), "run", "--arch", arch, "--program", PROGRAM,
           "--build-dir", bdir]
    try:
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=600)
    except subprocess.TimeoutExpired:
        print("test_run_program: timed out")
        return 1
    out = r.stdout.decode("utf-8", "replace")
    if WANT_LINE not in out.splitlines():
        problems.append("the program's line %r is missing" % WANT_LINE)
    if r.returncode != WANT_STATUS:
        problems.append("driver exit status %d, want %d" % (r.returncode, WANT_STATUS))
    if problems:
        print(out[-3000:])
        for p in problems:
            print("test_run_program: " + p)
        return 1
    print("test_run_program: %s: ok (%s; status %d)" % (arch, WANT_LINE, WANT_STATUS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
