"""The `system` lane: a real Debian userspace (systemd, udev, journald)
built with mmdebstrap from Debian packages, with dmaguard installed from
the .deb `make deb` built, booted as an initramfs root
(rdinit=/lib/systemd/systemd) on the suite's own kernel, with the same
machine and PCI topology as the scenario lane (qemu.py).

  ~/.cache/dmaguard/system/<suite>-<hash>.tar   the mmdebstrap tree (hash of
                                                its inputs: suite, packages,
                                                sources)
  $O/vm/system/<suite>-<hash>.cpio              the image: that tree + the
                                                .deb + modules + tests

The bookworm tree comes from the host's own apt sources; any other suite
from a private sources list naming the archives the host's apt sources use
(kernels.host_archives()): no address is written in the repository.

Each scenario is tests/vm/system/NAME.sh (sourced after guest/lib.sh by
dmaguard-test.service, after multi-user.target), with an optional
NAME.policy that dmaguard-test-setup.service puts at
/etc/dmaguard/policy.conf before dmaguard.service starts.
"""

import glob
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import initramfs  # noqa: E402
import kernels  # noqa: E402
import runner  # noqa: E402
import scenarios  # noqa: E402

SYSTEM_DIR = os.path.join(runner.VM_DIR, "system")
PACKAGES = ["systemd", "systemd-sysv", "udev", "kmod"]
# the suites of the lane (a kernel of the same name boots each tree)
DEFAULT_SUITES = ("bookworm", "trixie")
GUEST_LIB = "usr/local/lib/dmaguard-test"
APPEND = ("rdinit=/lib/systemd/systemd init_on_alloc=0 "
          "systemd.show_status=false")
TIMEOUT = 300
MEM = 2048


def log(msg):
    print("  %-8s %s" % ("SYSTEM", msg), file=sys.stderr, flush=True)


def sources(suite):
    """(mmdebstrap MIRROR arguments, text hashed into the tree's name)."""
    if suite == kernels.host_codename():
        files = sorted(glob.glob("/etc/apt/sources.list.d/*.sources") +
                       glob.glob("/etc/apt/sources.list.d/*.list"))
        if os.path.exists("/etc/apt/sources.list"):
            files.insert(0, "/etc/apt/sources.list")
        text = "".join(open(f).read() for f in files)
        return files, text
    archive, security = kernels.host_archives()
    main, sec, _ = kernels.SUITES[suite]
    lines = ["deb [signed-by=%s] %s %s main" % (kernels.KEYRING, archive, s)
             for s in main.split()]
    lines += ["deb [signed-by=%s] %s %s main" % (kernels.KEYRING, security, s)
              for s in sec.split()]
    return lines, "\n".join(lines)


def base_tree(suite):
    """The cached mmdebstrap tarball of suite; built once."""
    mirrors, text = sources(suite)
    h = hashlib.sha256(("v1 %s %s\n%s" % (suite, " ".join(PACKAGES), text))
                       .encode()).hexdigest()[:16]
    cdir = os.path.join(kernels.cache_dir(), "system")
    out = os.path.join(cdir, "%s-%s.tar" % (suite, h))
    if os.path.exists(out):
        return out
    os.makedirs(cdir, exist_ok=True)
    tmp = out + ".tmp%d" % os.getpid()
    log("mmdebstrap %s (%s)" % (suite, os.path.basename(out)))
    argv = ["mmdebstrap", "--quiet", "--mode=root", "--variant=minbase",
            "--format=tar", "--include=" + ",".join(PACKAGES),
            "--aptopt=APT::Sandbox::User \"root\"", suite, tmp] + mirrors
    try:
        subprocess.run(argv, check=True, stdin=subprocess.DEVNULL)
        os.rename(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return out


def find_deb():
    path = os.environ.get("DMAGUARD_DEB")
    if not path:
        debs = sorted(glob.glob(os.path.join(os.path.dirname(
            runner.build_dir()), "deb", "dmaguard_*.deb")))
        path = debs[-1] if debs else ""
    if not os.path.isfile(path):
        raise initramfs.BuildError("no dmaguard .deb (run make deb, or set "
                                   "DMAGUARD_DEB)")
    return path


def discover(pattern=None):
    names = sorted(os.path.basename(p)[:-3]
                   for p in glob.glob(os.path.join(SYSTEM_DIR, "system-*.sh")))
    if pattern:
        import fnmatch
        names = [n for n in names
                 if any(fnmatch.fnmatch(n, g) for g in pattern.split())]
    return names


def _digest(paths, extra):
    h = hashlib.sha256(extra.encode())
    for p in sorted(paths):
        h.update(p.encode() + b"\0")
        with open(p, "rb") as f:
            h.update(f.read())
    return h.hexdigest()[:16]


def image(suite, kernel):
    """Build (or reuse) the suite's image; return its path."""
    tar = base_tree(suite)
    deb = find_deb()
    helpers = runner.build_helpers(runner.build_dir())
    tests = sorted(glob.glob(os.path.join(SYSTEM_DIR, "*")))
    lib = os.path.join(runner.VM_DIR, "guest", "lib.sh")
    inputs = [deb, lib, __file__] + tests + list(helpers.values())
    digest = _digest(inputs, "v1 %s %s" % (os.path.basename(tar), kernel.kver))
    outdir = os.path.join(runner.build_dir(), "system")
    out = os.path.join(outdir, "%s-%s.cpio" % (suite, digest))
    if os.path.exists(out):
        return out
    os.makedirs(outdir, exist_ok=True)
    for old in glob.glob(os.path.join(outdir, suite + "-*.cpio")):
        os.unlink(old)      # 250 MB each: keep one per suite
    root = tempfile.mkdtemp(prefix="dmaguard-system-", dir=outdir)
    try:
        _populate(root, tar, deb, kernel, helpers, tests, lib)
        tmp = out + ".tmp"
        subprocess.run("find . -mindepth 1 | LC_ALL=C sort | "
                       "cpio --quiet -o -H newc > %s" % tmp, shell=True,
                       cwd=root, check=True)
        os.rename(tmp, out)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return out


def _populate(root, tar, deb, kernel, helpers, tests, lib):
    log("image %s + %s + %s" % (os.path.basename(tar), os.path.basename(deb),
                                kernel.kver))
    subprocess.run(["tar", "-C", root, "--numeric-owner", "-xpf", tar],
                   check=True)
    # the package as an admin installs it: dpkg runs its maintainer
    # scripts in the tree (the unit gets enabled; nothing starts)
    shutil.copy(deb, os.path.join(root, "tmp", "dmaguard.deb"))
    p = subprocess.run(["chroot", root, "dpkg", "-i", "/tmp/dmaguard.deb"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    if p.returncode:
        raise initramfs.BuildError("dpkg -i %s in the tree failed: %s" %
                                   (os.path.basename(deb), p.stdout.strip()))
    os.unlink(os.path.join(root, "tmp", "dmaguard.deb"))
    modtmp, _ = initramfs.stage_modules(kernel, scenarios.DEFAULT_MODULES)
    try:
        subprocess.run(["cp", "-a", os.path.join(modtmp, "lib", "modules"),
                        os.path.join(root, "usr", "lib")], check=True)
    finally:
        shutil.rmtree(modtmp, ignore_errors=True)
    gdir = os.path.join(root, GUEST_LIB)
    os.makedirs(gdir, exist_ok=True)
    shutil.copy(lib, gdir)
    for t in tests:
        dst = os.path.join(gdir, os.path.basename(t))
        shutil.copy(t, dst)
        if t.endswith(".service"):
            os.rename(dst, os.path.join(root, "etc", "systemd", "system",
                                        os.path.basename(t)))
    for name, path in helpers.items():
        shutil.copy(path, os.path.join(root, "usr", "local", "bin", name))
    wants = os.path.join(root, "etc", "systemd", "system")
    for unit, target in (("dmaguard-test-setup.service", "sysinit.target"),
                         ("dmaguard-test.service", "multi-user.target")):
        d = os.path.join(wants, target + ".wants")
        os.makedirs(d, exist_ok=True)
        os.symlink("../" + unit, os.path.join(d, unit))
    # no login prompt on the console: the test unit owns the end of the boot
    getty = os.path.join(wants, "getty.target")
    os.symlink("/dev/null", getty)
    with open(os.path.join(root, "etc", "hostname"), "w") as f:
        f.write("dmaguard-%s\n" % kernel.suite)


def log_path(suite, name):
    return os.path.join(runner.build_dir(), "logs", "system", suite,
                        name + ".log")


def main():
    import qemu
    import time
    suites = (os.environ.get("SUITES") or " ".join(DEFAULT_SUITES)).split()
    names = discover(os.environ.get("SCENARIOS"))
    if not names:
        print("system: no scenario matches")
        print("system: 0 passed, 1 failed")
        return 1
    passed = failed = 0
    for suite in suites:
        t0 = time.monotonic()
        try:
            kernel = kernels.fetch(suite)
            img = image(suite, kernel)
        except (kernels.FetchError, initramfs.BuildError, OSError,
                subprocess.CalledProcessError) as e:
            for n in names:
                print("FAIL %s/%s: cannot prepare the image: %s" % (suite, n, e),
                      flush=True)
                failed += 1
            continue
        log("%s image ready in %ds" % (suite, time.monotonic() - t0))
        for n in names:
            b = qemu.Boot(kernel, img, n, log_path(suite, n), append=APPEND,
                          timeout=TIMEOUT, mem=MEM,
                          echo=(lambda line: print(line, flush=True))
                          if os.environ.get("VM_LIVE") == "1" else None)
            res = b.run()
            name = "%s/%s" % (suite, n)
            if res.status == "PASS":
                passed += 1
                print("PASS %s (%ds)" % (name, round(res.seconds)), flush=True)
            else:
                failed += 1
                print("FAIL %s: %s (log: %s)" % (name, res.reason,
                      runner.rel(log_path(suite, n))), flush=True)
    print("system: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
