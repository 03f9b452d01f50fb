"""Build the test initramfs (an uncompressed newc cpio) for one kernel.

Contents: busybox-static with every applet linked, /init and the guest
library, the scenarios, the static dmaguard and vfio-hold binaries, and the
kernel modules the scenarios need WITH their dependencies, taken from the
kernel's own modules.dep/modules.softdep (depmod output, see kernels.py) and
re-indexed by depmod for the subset. Written in Python so device nodes need no
root and the archive is byte-for-byte reproducible (rebuilt only when the
hash of its inputs changes).
"""

import hashlib
import lzma
import os
import shutil
import subprocess
import tempfile
import time

import kernels

# where busybox is in the image; the binary is the kernel's architecture's
# (kernels.fetch_busybox)
BUSYBOX = "/bin/busybox"


class BuildError(Exception):
    pass


# ---------------------------------------------------------------- modules

def _modname(path):
    base = os.path.basename(path)
    for ext in (".ko.xz", ".ko.zst", ".ko.gz", ".ko"):
        if base.endswith(ext):
            base = base[:-len(ext)]
            break
    return base.replace("-", "_")


def read_modules_dep(moddir):
    """name -> (relative path, [dependency relative paths])."""
    deps = {}
    with open(os.path.join(moddir, "modules.dep")) as f:
        for line in f:
            if ":" not in line:
                continue
            path, rest = line.split(":", 1)
            deps[_modname(path)] = (path, rest.split())
    return deps


def read_softdeps(moddir):
    """name -> [soft dependency names] (pre and post)."""
    soft = {}
    path = os.path.join(moddir, "modules.softdep")
    if not os.path.exists(path):
        return soft
    with open(path) as f:
        for line in f:
            words = line.split()
            if len(words) < 3 or words[0] != "softdep":
                continue
            names = [w.replace("-", "_") for w in words[2:]
                     if w not in ("pre:", "post:")]
            soft.setdefault(words[1].replace("-", "_"), []).extend(names)
    return soft


def read_builtin(moddir):
    names = set()
    path = os.path.join(moddir, "modules.builtin")
    if os.path.exists(path):
        with open(path) as f:
            names = {_modname(line.strip()) for line in f if line.strip()}
    return names


def module_closure(moddir, wanted):
    """Return (load order of names, {name: relpath}) for wanted + deps.

    Unknown names are an error unless built into the kernel; soft
    dependencies are followed when the module exists.
    """
    deps = read_modules_dep(moddir)
    soft = read_softdeps(moddir)
    builtin = read_builtin(moddir)
    order, paths, visiting = [], {}, set()

    def visit(name, required):
        name = name.replace("-", "_")
        if name in paths:
            return
        if name not in deps:
            if required and name not in builtin:
                raise BuildError("module %s not found in %s/modules.dep"
                                 % (name, moddir))
            return
        if name in visiting:
            return
        visiting.add(name)
        path, hard = deps[name]
        for d in hard:
            visit(_modname(d), True)
        paths[name] = path
        order.append(name)
        for s in soft.get(name, []):
            visit(s, False)

    for w in wanted:
        visit(w, True)
    return order, paths


def _read_module(path):
    if path.endswith(".xz"):
        with lzma.open(path) as f:
            return f.read()
    if path.endswith(".zst"):
        return subprocess.run(["zstd", "-dc", path], check=True,
                              stdout=subprocess.PIPE).stdout
    if path.endswith(".gz"):
        import gzip
        with gzip.open(path) as f:
            return f.read()
    with open(path, "rb") as f:
        return f.read()


def _plain_relpath(rel):
    for ext in (".xz", ".zst", ".gz"):
        if rel.endswith(".ko" + ext):
            return rel[:-len(ext)]
    return rel


def stage_modules(kernel, wanted):
    """Copy the closure of wanted (decompressed) into a temp tree and run
    depmod on it. Returns (tmpdir, load order)."""
    order, paths = module_closure(kernel.moddir, wanted)
    tmp = tempfile.mkdtemp(prefix="dmaguard-mods-")
    mdir = os.path.join(tmp, "lib", "modules", kernel.kver)
    os.makedirs(mdir)
    for name in order:
        rel = _plain_relpath(paths[name])
        dst = os.path.join(mdir, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        with open(dst, "wb") as f:
            f.write(_read_module(os.path.join(kernel.moddir, paths[name])))
    for extra in ("modules.builtin", "modules.builtin.modinfo", "modules.order"):
        src = os.path.join(kernel.moddir, extra)
        if os.path.exists(src):
            shutil.copy(src, mdir)
        else:       # 7.x packages ship none; depmod warns without them
            open(os.path.join(mdir, extra), "w").close()
    subprocess.run(["depmod", "-b", tmp, kernel.kver], check=True)
    with open(os.path.join(mdir, "load-order"), "w") as f:
        f.write("\n".join(order) + "\n")
    return tmp, order


# ---------------------------------------------------------------- cpio

class Cpio:
    """Minimal newc writer: directories, files, symlinks, device nodes."""

    def __init__(self, out):
        self.out = out
        self.ino = 1000
        self.dirs = set()

    def _entry(self, name, mode, data=b"", rdev=(0, 0)):
        self.ino += 1
        nameb = name.encode() + b"\0"
        hdr = "070701" + "".join("%08x" % v for v in (
            self.ino, mode, 0, 0, 1, 0, len(data), 0, 0,
            rdev[0], rdev[1], len(nameb), 0))
        self.out.write(hdr.encode() + nameb)
        self.out.write(b"\0" * ((4 - (110 + len(nameb)) % 4) % 4))
        self.out.write(data)
        self.out.write(b"\0" * ((4 - len(data) % 4) % 4))

    def mkdir(self, name):
        name = name.strip("/")
        if not name or name in self.dirs:
            return
        self.mkdir(os.path.dirname(name))
        self.dirs.add(name)
        self._entry(name, 0o040755)

    def file(self, name, data, mode=0o644):
        name = name.strip("/")
        self.mkdir(os.path.dirname(name))
        self._entry(name, 0o100000 | mode, data)

    def symlink(self, name, target):
        name = name.strip("/")
        self.mkdir(os.path.dirname(name))
        self._entry(name, 0o120777, target.encode())

    def chardev(self, name, major, minor, mode=0o600):
        name = name.strip("/")
        self.mkdir(os.path.dirname(name))
        self._entry(name, 0o020000 | mode, rdev=(major, minor))

    def tree(self, src, dst):
        """Copy a host directory tree (files and dirs) under dst."""
        for dirpath, dirnames, filenames in os.walk(src):
            dirnames.sort()
            rel = os.path.relpath(dirpath, src)
            base = dst if rel == "." else os.path.join(dst, rel)
            self.mkdir(base)
            for fn in sorted(filenames):
                p = os.path.join(dirpath, fn)
                with open(p, "rb") as f:
                    mode = 0o755 if os.access(p, os.X_OK) else 0o644
                    self.file(os.path.join(base, fn), f.read(), mode)

    def trailer(self):
        self._entry("TRAILER!!!", 0)


def _busybox_applets():
    # the host's busybox names the applets: an arm64 one cannot run here,
    # and both are the same Debian busybox-static version
    out = subprocess.run([BUSYBOX, "--list-full"], check=True, text=True,
                         stdout=subprocess.PIPE).stdout
    return sorted(a for a in out.split() if a != "linuxrc")


def _read(path):
    with open(path, "rb") as f:
        return f.read()


def _inputs_hash(kernel, files, modules):
    h = hashlib.sha256()
    h.update(("v3 %s %s\n" % (kernel.kver, " ".join(sorted(modules)))).encode())
    for name, path in sorted(files.items()):
        h.update(name.encode() + b"\0" + _read(path))
    return h.hexdigest()


def _collect_files(vmdir, scenarios, dmaguard, helpers):
    """{path in the image: host path} for everything but busybox/modules."""
    files = {
        "init": os.path.join(vmdir, "guest", "init"),
        "bin/dmaguard": dmaguard,
        BUSYBOX.lstrip("/"): kernels.fetch_busybox(),
    }
    # the older build the upgrade scenarios take over from (make vm builds it;
    # without it they SKIP)
    old = os.environ.get("DMAGUARD_OLD_BIN") or os.path.join(
        os.path.dirname(os.path.abspath(dmaguard)), "oldfmt", "dmaguard")
    if os.path.isfile(old):
        files["bin/dmaguard-old"] = old
    # the same format's other build (globals laid out otherwise): attack-gate-*
    other = os.path.join(os.path.dirname(os.path.abspath(dmaguard)),
                         "otherbuild", "dmaguard")
    if os.path.isfile(other):
        files["bin/dmaguard-other"] = other
    # the rule-index differential test (make builds it beside dmaguard)
    diff = os.path.join(os.path.dirname(os.path.abspath(dmaguard)),
                        "tests", "vm", "match", "match-diff")
    if os.path.isfile(diff):
        files["bin/match-diff"] = diff
    # the CO-RE differential test (make builds it beside dmaguard)
    core = os.path.join(os.path.dirname(os.path.abspath(dmaguard)),
                        "tests", "vm", "core", "core-agrees")
    if os.path.isfile(core):
        files["bin/core-agrees"] = core
    guest = os.path.join(vmdir, "guest")
    for fn in sorted(os.listdir(guest)):
        if fn.endswith(".sh"):
            files["vm/" + fn] = os.path.join(guest, fn)
    for name, path in helpers.items():
        files["bin/" + name] = path
    for sc in scenarios:
        files["vm/scenarios/%s.sh" % sc.name] = sc.path
    return files


def build(kernel, outdir, scenarios, dmaguard, helpers, modules):
    """Build (or reuse) outdir/initramfs-<kver>-<hash>.cpio; return its path.

    The name carries the hash of the inputs, so runs sharing a checkout (a
    demo next to a test run) never swap each other's image mid-run."""
    vmdir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    files = _collect_files(vmdir, scenarios, dmaguard, helpers)
    for name, path in files.items():
        if not os.path.isfile(path):
            raise BuildError("missing input for /%s: %s" % (name, path))
    os.makedirs(outdir, exist_ok=True)
    digest = _inputs_hash(kernel, files, modules)[:16]
    out = os.path.join(outdir, "initramfs-%s-%s.cpio" % (kernel.kver, digest))
    if os.path.exists(out):
        os.utime(out)
        return out
    modtmp, order = stage_modules(kernel, modules)
    fd, tmp = tempfile.mkstemp(prefix=".initramfs-", dir=outdir)
    try:
        with os.fdopen(fd, "wb") as f:
            _write_image(Cpio(f), files, modtmp, order)
        os.chmod(tmp, 0o644)
        os.rename(tmp, out)
    finally:
        shutil.rmtree(modtmp, ignore_errors=True)
        if os.path.exists(tmp):
            os.unlink(tmp)
    _prune(outdir, kernel.kver, keep=out)
    return out


def _prune(outdir, kver, keep, max_age=3600, newest=4):
    """Drop old images of kver: those unused for max_age seconds, beyond the
    newest few (another run may still be booting one of those)."""
    prefix = "initramfs-%s-" % kver
    imgs = [os.path.join(outdir, f) for f in os.listdir(outdir)
            if f.startswith(prefix) and f.endswith(".cpio")]
    imgs.sort(key=os.path.getmtime, reverse=True)
    now = time.time()
    for path in imgs[newest:]:
        if path != keep and now - os.path.getmtime(path) > max_age:
            try:
                os.unlink(path)
            except OSError:
                pass


def _write_image(cpio, files, modtmp, order):
    for d in ("dev", "proc", "sys", "tmp", "run", "root", "etc", "mnt",
              "lib", "bin", "sbin", "usr/bin", "usr/sbin", "var"):
        cpio.mkdir(d)
    # The kernel opens /dev/console for init before devtmpfs is mounted.
    cpio.chardev("dev/console", 5, 1)
    cpio.chardev("dev/null", 1, 3, 0o666)
    for name, path in sorted(files.items()):
        exe = name == "init" or name.startswith("bin/")
        cpio.file(name, _read(path), 0o755 if exe else 0o644)
    for applet in _busybox_applets():
        if applet.strip("/") not in files:
            cpio.symlink(applet, "/bin/busybox")
    cpio.file("etc/passwd", b"root:x:0:0:root:/root:/bin/sh\n"
              b"nobody:x:65534:65534:nobody:/:/bin/sh\n")
    cpio.file("etc/group", b"root:x:0:\nnogroup:x:65534:\n")
    cpio.file("etc/dmaguard-modules", ("\n".join(order) + "\n").encode())
    cpio.tree(os.path.join(modtmp, "lib"), "lib")
    cpio.trailer()
