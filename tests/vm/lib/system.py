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

A scenario with a line `#@ disk` boots as a host does instead: the real
root on a virtio disk (ext4), through the initramfs that the suite's own
kernel package built with update-initramfs when it was installed in the
tree (after the dmaguard package and NAME.policy, so the initramfs holds
both):

  $O/vm/system/disk-<suite>-<scenario>-<hash>/disk.raw, initrd.img

`#@ disk initramfs-modules=A,B` adds modules to
/etc/initramfs-tools/modules before that; `#@ disk after=OTHER` boots the
disk OTHER's run left behind (a second boot of the same host), and is
failed when OTHER did not pass. `#@ disk append=WORD` adds WORD to the
kernel command line.
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
# initramfs-tools (with busybox and zstd, as a Debian install has them)
# builds the initramfs of a disk boot; prometheus-node-exporter serves
# `run --metrics-file` (system-metrics-node-exporter); systemd-journal-remote
# ships the journal (system-journal-remote)
PACKAGES = ["systemd", "systemd-sysv", "udev", "kmod", "initramfs-tools",
            "busybox", "zstd", "prometheus-node-exporter", "systemd-journal-remote"]
# the suites of the lane (a kernel of the same name boots each tree)
DEFAULT_SUITES = ("bookworm", "trixie")
GUEST_LIB = "usr/local/lib/dmaguard-test"
APPEND = ("rdinit=/lib/systemd/systemd init_on_alloc=0 "
          "systemd.show_status=false")
DISK_APPEND = ("root=/dev/vda rw init_on_alloc=0 systemd.show_status=false")
DISK_SIZE = "3G"
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
        picked = [n for n in names
                  if any(fnmatch.fnmatch(n, g) for g in pattern.split())]
        # a second boot needs the first: run it too, before
        i = len(picked) - 1
        while i >= 0:
            after = options(picked[i]).get("after")
            if after in names and after not in picked:
                picked.insert(i, after)
                i += 1
            i -= 1
        names = picked
    return names


def _digest(paths, extra):
    h = hashlib.sha256(extra.encode())
    for p in sorted(paths):
        h.update(p.encode() + b"\0")
        with open(p, "rb") as f:
            h.update(f.read())
    return h.hexdigest()[:16]


def _inputs(tar, deb, helpers, tests, lib):
    return [deb, lib, __file__] + tests + list(helpers.values())


def image(suite, kernel):
    """Build (or reuse) the suite's cpio image; return its path."""
    tar = base_tree(suite)
    deb = find_deb()
    helpers = runner.build_helpers(runner.build_dir())
    tests = sorted(glob.glob(os.path.join(SYSTEM_DIR, "*")))
    lib = os.path.join(runner.VM_DIR, "guest", "lib.sh")
    digest = _digest(_inputs(tar, deb, helpers, tests, lib),
                     "v1 %s %s" % (os.path.basename(tar), kernel.kver))
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
        _stage_modules(root, kernel)
        tmp = out + ".tmp"
        subprocess.run("find . -mindepth 1 | LC_ALL=C sort | "
                       "cpio --quiet -o -H newc > %s" % tmp, shell=True,
                       cwd=root, check=True)
        os.rename(tmp, out)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return out


def _stage_modules(root, kernel):
    """The modules the topology needs (the cpio image has no kernel package)."""
    modtmp, _ = initramfs.stage_modules(kernel, scenarios.DEFAULT_MODULES)
    try:
        subprocess.run(["cp", "-a", os.path.join(modtmp, "lib", "modules"),
                        os.path.join(root, "usr", "lib")], check=True)
    finally:
        shutil.rmtree(modtmp, ignore_errors=True)


def options(name):
    """The `#@` options of scenario name: {"disk": "", "after": ...}."""
    opts = {}
    with open(os.path.join(SYSTEM_DIR, name + ".sh")) as f:
        for line in f:
            if line.startswith("#@"):
                for word in line[2:].split():
                    k, _, v = word.partition("=")
                    opts[k] = v
    return opts


def _chroot(root, argv, what):
    p = subprocess.run(["chroot", root] + argv, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True,
                       env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
                            "DEBIAN_FRONTEND": "noninteractive"})
    if p.returncode:
        raise initramfs.BuildError("%s in the tree failed: %s" %
                                   (what, p.stdout.strip()[-2000:]))
    return p.stdout


def disk_image(suite, kernel, name, opts):
    """Build (or reuse) scenario name's disk; return (disk.raw, initrd)."""
    tar = base_tree(suite)
    deb = find_deb()
    helpers = runner.build_helpers(runner.build_dir())
    tests = sorted(glob.glob(os.path.join(SYSTEM_DIR, "*")))
    lib = os.path.join(runner.VM_DIR, "guest", "lib.sh")
    debs = [os.path.join(kernels.cache_dir(), "debs",
                         kernels.deb_name(p, v)) for p, v in kernel.packages]
    digest = _digest(_inputs(tar, deb, helpers, tests, lib) + debs,
                     "v1 %s %s %s %r" % (os.path.basename(tar), kernel.kver,
                                         name, sorted(opts.items())))
    outdir = os.path.join(runner.build_dir(), "system")
    out = os.path.join(outdir, "disk-%s-%s-%s" % (suite, name, digest))
    disk, initrd = os.path.join(out, "disk.raw"), os.path.join(out, "initrd.img")
    if os.path.exists(initrd):
        return disk, initrd
    os.makedirs(outdir, exist_ok=True)
    for old in glob.glob(os.path.join(outdir, "disk-%s-%s-*" % (suite, name))):
        shutil.rmtree(old)
    root = tempfile.mkdtemp(prefix="dmaguard-system-", dir=outdir)
    tmp = out + ".tmp"
    try:
        _populate(root, tar, deb, kernel, helpers, tests, lib)
        policy = os.path.join(SYSTEM_DIR, name + ".policy")
        if os.path.exists(policy):
            shutil.copy(policy, os.path.join(root, "etc/dmaguard/policy.conf"))
        with open(os.path.join(root, "etc/initramfs-tools/modules"), "a") as f:
            for m in filter(None, opts.get("initramfs-modules", "").split(",")):
                f.write(m + "\n")
        with open(os.path.join(root, "etc/fstab"), "w") as f:
            f.write("/dev/vda / ext4 errors=remount-ro 0 1\n")
        # the kernel as a host gets it: its postinst runs update-initramfs,
        # whose hooks include dmaguard's
        for d in debs:
            shutil.copy(d, os.path.join(root, "tmp"))
        log("%s: installing %s (update-initramfs)" % (name, kernel.kver))
        out_text = _chroot(root, ["dpkg", "-i"] + ["/tmp/" + os.path.basename(d)
                                                   for d in debs],
                           "dpkg -i of the kernel")
        for d in debs:
            os.unlink(os.path.join(root, "tmp", os.path.basename(d)))
        built = os.path.join(root, "boot", "initrd.img-" + kernel.kver)
        if not os.path.exists(built):
            raise initramfs.BuildError("no %s after installing the kernel: %s"
                                       % (built, out_text[-1500:]))
        os.makedirs(tmp, exist_ok=True)
        shutil.copy(built, os.path.join(tmp, "initrd.img"))
        subprocess.run(["mkfs.ext4", "-q", "-L", "root", "-d", root,
                        os.path.join(tmp, "disk.raw"), DISK_SIZE], check=True)
        os.rename(tmp, out)
    finally:
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(tmp, ignore_errors=True)
    return disk, initrd


def _populate(root, tar, deb, kernel, helpers, tests, lib):
    log("image %s + %s + %s" % (os.path.basename(tar), os.path.basename(deb),
                                kernel.kver))
    subprocess.run(["tar", "-C", root, "--numeric-owner", "-xpf", tar],
                   check=True)
    # the package as an admin installs it (apt-get install ./FILE.deb): dpkg
    # runs its maintainer scripts in the tree (the unit gets enabled;
    # nothing starts)
    shutil.copy(deb, os.path.join(root, "tmp", "dmaguard.deb"))
    _chroot(root, ["apt-get", "install", "-y", "-q",
                   "/tmp/dmaguard.deb"],
            "apt-get install ./%s" % os.path.basename(deb))
    os.unlink(os.path.join(root, "tmp", "dmaguard.deb"))
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


def _boot(suite, kernel, img, n, workdir, disks):
    """The qemu.Boot of scenario n, or why it cannot run (a string)."""
    import qemu
    echo = (lambda line: print(line, flush=True)) \
        if os.environ.get("VM_LIVE") == "1" else None
    opts = options(n)
    if "disk" not in opts:
        b = qemu.Boot(kernel, img, n, log_path(suite, n), append=APPEND,
                      timeout=TIMEOUT, mem=MEM, echo=echo)
        b.disk = None
        return b
    after = opts.get("after")
    if after:
        if after not in disks:
            return "needs the disk of %s, which did not pass in this run" % after
        disk, initrd = disks.pop(after)
    else:
        base, initrd = disk_image(suite, kernel, n, opts)
        disk = os.path.join(workdir, n + ".raw")
        subprocess.run(["cp", "--sparse=always", base, disk], check=True)
    append = DISK_APPEND + " " + opts.get("append", "")
    b = qemu.Boot(kernel, initrd, n, log_path(suite, n), append=append,
                  timeout=TIMEOUT, mem=MEM, echo=echo,
                  extra_args=["-drive", "file=%s,if=virtio,format=raw" % disk])
    b.disk = (disk, initrd)
    return b


def main():
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
            img = image(suite, kernel) if any(
                "disk" not in options(n) for n in names) else None
        except (kernels.FetchError, initramfs.BuildError, OSError,
                subprocess.CalledProcessError) as e:
            for n in names:
                print("FAIL %s/%s: cannot prepare the image: %s" % (suite, n, e),
                      flush=True)
                failed += 1
            continue
        log("%s image ready in %ds" % (suite, time.monotonic() - t0))
        disks = {}          # scenario -> (disk, initrd) after its run (PASS only)
        workdir = os.path.join(runner.build_dir(), "system", "run-" + suite)
        shutil.rmtree(workdir, ignore_errors=True)
        os.makedirs(workdir)
        for n in names:
            name = "%s/%s" % (suite, n)
            try:
                boot = _boot(suite, kernel, img, n, workdir, disks)
            except (initramfs.BuildError, OSError,
                    subprocess.CalledProcessError) as e:
                failed += 1
                print("FAIL %s: cannot prepare the disk: %s" % (name, e),
                      flush=True)
                continue
            if isinstance(boot, str):
                failed += 1
                print("FAIL %s: %s" % (name, boot), flush=True)
                continue
            res = boot.run()
            if res.status == "PASS":
                passed += 1
                disks[n] = boot.disk
                print("PASS %s (%ds)" % (name, round(res.seconds)), flush=True)
            else:
                failed += 1
                print("FAIL %s: %s (log: %s)" % (name, res.reason,
                      runner.rel(log_path(suite, n))), flush=True)
        shutil.rmtree(workdir, ignore_errors=True)
    print("system: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
