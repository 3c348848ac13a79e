"""Debian packages the project's scripts need: which are missing, and
installing them (as root; otherwise the exact apt-get command is printed).
Standard library only; used by ./faultline and tools/build_newlib.py."""
import os
import shutil
import subprocess
import sys


def is_debian():
    return shutil.which("dpkg-query") is not None


def missing(pkgs):
    """The packages of pkgs that dpkg does not list as installed."""
    out = []
    for p in pkgs:
        r = subprocess.run(["dpkg-query", "-W", "-f=${Status}", p],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        if "install ok installed" not in r.stdout:
            out.append(p)
    return out


def _die(prog, msg):
    sys.stderr.write("%s: %s\n" % (prog, msg))
    sys.exit(2)


def ensure(pkgs, prog):
    """Install what is missing (exit 2 with the command when that cannot be done).
    On a system without dpkg nothing is checked: the caller decides."""
    need = missing(pkgs)
    if not need:
        return
    cmd = "apt-get update && apt-get install -y " + " ".join(need)
    if os.geteuid() != 0:
        _die(prog, "missing Debian packages; as root run:\n  " + cmd)
    print("%s: installing %s" % (prog, " ".join(need)), flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if subprocess.run(["apt-get", "update", "-q"], env=env).returncode != 0 or \
       subprocess.run(["apt-get", "install", "-y", "-q"] + need, env=env).returncode != 0:
        _die(prog, "could not install: %s (tried: %s)" % (" ".join(need), cmd))
    still = missing(need)
    if still:
        _die(prog, "packages still missing after apt-get: " + " ".join(still))
