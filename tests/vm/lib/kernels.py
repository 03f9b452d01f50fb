"""Fetch Debian kernels for the VM tests and cache them.

A kernel is named by its Debian suite (bookworm, bullseye, trixie,
trixie-backports) and the lane's architecture (arch.py, VM_ARCH). The suite's
`linux-image-amd64` (or `-arm64`) metapackage is resolved to
the versioned package(s) through a PRIVATE apt configuration (own sources.list,
state and cache directories under the cache dir); the system's apt setup is
never touched. Everything lands in ${XDG_CACHE_HOME:-$HOME/.cache}/dmaguard:

  debs/                      downloaded .deb files (reused by name)
  apt/<suite>[-arm64]/       private apt sources, lists and cache
  kernels/<suite>[-arm64].json  the resolution: packages, versions, release
  kernels/<kver>/root/       the extracted packages, with depmod run on them
  tools/arm64/busybox        busybox-static of the arm64 lane's guests

Once kernels/<suite>.json and kernels/<kver>/.complete exist, nothing touches
the network again; DMAGUARD_VM_REFRESH=1 re-resolves the metapackage.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

import arch as vmarch

KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"

# suite -> (suites of the archive, suites of the security archive, default
# release for -t). The archives' addresses come from the host's own apt
# sources at run time (host_archives()); none is written here.
SUITES = {
    "bullseye": ("bullseye bullseye-updates", "bullseye-security", None),
    "bookworm": ("bookworm bookworm-updates", "bookworm-security", None),
    "trixie": ("trixie trixie-updates", "trixie-security", None),
    "trixie-backports": ("trixie trixie-updates trixie-backports",
                         "trixie-security", "trixie-backports"),
}


# The kernel matrix when KERNELS is not set: every suite, oldest first. The
# one default for `make vm`, `make check`, tests/vm/run.sh and boot.sh
# (which boots the first of KERNELS).
DEFAULT_SUITES = ("bullseye", "bookworm", "trixie", "trixie-backports")


def selected_suites():
    """The suites KERNELS names, or DEFAULT_SUITES."""
    return (os.environ.get("KERNELS") or " ".join(DEFAULT_SUITES)).split()


def host_codename():
    try:
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("VERSION_CODENAME="):
                    return line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return ""


def host_archives():
    """(archive URI, security archive URI) from the host's apt sources.

    `apt-get indextargets` lists what the host's sources.list(.d) name,
    in either format, without touching the network. The Debian archive is
    the source of a plain suite (bookworm, bookworm-updates), the security
    archive the source of a `-security` suite. DMAGUARD_DEBIAN_ARCHIVE and
    DMAGUARD_DEBIAN_SECURITY override them for hosts without such sources.
    """
    env = (os.environ.get("DMAGUARD_DEBIAN_ARCHIVE"),
           os.environ.get("DMAGUARD_DEBIAN_SECURITY"))
    if all(env):
        return env
    p = subprocess.run(["apt-get", "indextargets", "--format",
                        "$(REPO_URI) $(RELEASE) $(TARGET_OF)"],
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        raise FetchError("apt-get indextargets failed: %s" % p.stderr.strip())
    # Debian's own suites only: a third-party repository names its own.
    codenames = {s.split("-")[0] for s in SUITES} | {host_codename()}
    archive = security = None
    for line in p.stdout.splitlines():
        fields = line.split()
        if len(fields) != 3 or fields[2] != "deb":
            continue
        uri, release = fields[0].rstrip("/"), fields[1]
        if release.split("-")[0] not in codenames:
            continue
        if release.endswith("-security"):
            security = security or uri
        else:
            archive = archive or uri
    archive = env[0] or archive
    security = env[1] or security
    missing = [what for what, uri in
               (("the archive (a suite such as bookworm)", archive),
                ("the security archive (a -security suite)", security))
               if not uri]
    if missing:
        raise FetchError("the host's apt sources name neither %s; set "
                         "DMAGUARD_DEBIAN_ARCHIVE and DMAGUARD_DEBIAN_SECURITY"
                         % " nor ".join(missing))
    return archive, security

# Dependencies of the versioned image package that carry the kernel or its
# modules (7.x in backports splits them out of linux-image-<ver>).
PAYLOAD_PREFIXES = ("linux-image-", "linux-binary-", "linux-modules-")


class FetchError(Exception):
    pass


def cache_dir():
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(
        os.path.expanduser("~"), ".cache")
    return os.path.join(base, "dmaguard")


def log(msg):
    print("  KERNEL   " + msg, file=sys.stderr, flush=True)


class PrivateApt:
    """apt-get/apt-cache confined to apt/<suite>/ under the cache dir."""

    def __init__(self, suite, arch=None, security=True):
        self.arch = arch or vmarch.current()
        if suite not in SUITES:
            raise FetchError("unknown kernel suite '%s' (known: %s)" %
                             (suite, ", ".join(sorted(SUITES))))
        self.suite = suite
        suites, security_suites, self.release = SUITES[suite]
        archive, security_uri = host_archives()
        self.sources = [(archive, suites)]
        name = suite + self.arch.suffix()
        if security:
            self.sources.append((security_uri, security_suites))
        else:
            name += "-nosecurity"
        self.dir = os.path.join(cache_dir(), "apt", name)

    def _setup(self):
        for sub in ("state/lists/partial", "cache/archives/partial",
                    "sources.list.d", "preferences.d"):
            os.makedirs(os.path.join(self.dir, sub), exist_ok=True)
        status = os.path.join(self.dir, "state", "status")
        if not os.path.exists(status):
            open(status, "w").close()
        lines = ["deb [signed-by=%s] %s %s main" % (KEYRING, uri, s)
                 for uri, suites in self.sources for s in suites.split()]
        with open(os.path.join(self.dir, "sources.list"), "w") as f:
            f.write("\n".join(lines) + "\n")

    def _opts(self):
        d = self.dir
        opts = {
            "Dir::Etc::SourceList": os.path.join(d, "sources.list"),
            "Dir::Etc::SourceParts": os.path.join(d, "sources.list.d"),
            "Dir::Etc::Preferences": os.path.join(d, "preferences"),
            "Dir::Etc::PreferencesParts": os.path.join(d, "preferences.d"),
            "Dir::State": os.path.join(d, "state"),
            "Dir::State::status": os.path.join(d, "state", "status"),
            "Dir::Cache": os.path.join(d, "cache"),
            "Dir::Cache::pkgcache": "",
            "Dir::Cache::srcpkgcache": "",
            "APT::Architectures": self.arch.deb,
            "APT::Architecture": self.arch.deb,
            "Acquire::Languages": "none",
            "APT::Sandbox::User": "root" if os.getuid() == 0 else "",
            "Debug::NoLocking": "1",
        }
        if self.release:
            opts["APT::Default-Release"] = self.release
        args = []
        for k, v in opts.items():
            if k == "APT::Sandbox::User" and not v:
                continue
            args += ["-o", "%s=%s" % (k, v)]
        return args

    def _run(self, tool, args, cwd=None):
        cmd = [tool] + self._opts() + args
        p = subprocess.run(cmd, cwd=cwd, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True)
        if p.returncode != 0:
            raise FetchError("%s failed (exit %d): %s" %
                             (" ".join([tool] + args), p.returncode,
                              p.stderr.strip()[-2000:]))
        return p.stdout

    def update(self):
        self._setup()
        log("%s: apt-get update (private lists in %s)" % (self.suite, self.dir))
        self._run("apt-get", ["-q", "update"])

    def candidate(self, pkg):
        """(version, [dependency names]) of pkg's candidate version."""
        out = self._run("apt-cache", ["show", "--no-all-versions", pkg])
        version, deps = None, []
        for line in out.splitlines():
            if line.startswith("Version: "):
                version = line.split(None, 1)[1].strip()
            elif line.startswith(("Depends: ", "Pre-Depends: ")):
                for alt in line.split(None, 1)[1].split(","):
                    deps.append(alt.split("|")[0].split("(")[0].strip())
        if not version:
            raise FetchError("%s: no candidate for %s" % (self.suite, pkg))
        return version, deps

    def download(self, pkg, version, dest):
        self._run("apt-get", ["-q", "download", "%s=%s" % (pkg, version)],
                  cwd=dest)


def resolve(apt):
    """Metapackage -> [(package, version)] carrying the kernel and modules."""
    meta = apt.arch.kernel_meta
    _, deps = apt.candidate(meta)
    images = [d for d in deps if d.startswith("linux-image-") and d != meta]
    if not images:
        raise FetchError("%s: %s depends on no versioned linux-image-*" %
                         (apt.suite, meta))
    pkgs, todo, seen = [], [images[0]], set()
    while todo:
        name = todo.pop(0)
        if name in seen:
            continue
        seen.add(name)
        version, deps = apt.candidate(name)
        pkgs.append((name, version))
        todo += [d for d in deps if d.startswith(PAYLOAD_PREFIXES)
                 and d not in seen]
    return pkgs


def deb_name(pkg, version, deb_arch="amd64"):
    return "%s_%s_%s.deb" % (pkg, version.replace(":", "%3a"), deb_arch)


def find_kernel(root):
    """(kver, vmlinuz path, modules dir) inside an extracted tree."""
    for moddir_base in ("lib/modules", "usr/lib/modules"):
        base = os.path.join(root, moddir_base)
        if not os.path.isdir(base) or os.path.islink(base):
            continue
        for kver in sorted(os.listdir(base)):
            mdir = os.path.join(base, kver)
            for cand in (os.path.join(root, "boot", "vmlinuz-" + kver),
                         os.path.join(mdir, "vmlinuz")):
                if os.path.isfile(cand):
                    return kver, cand, mdir
    raise FetchError("no vmlinuz with a matching modules dir in %s" % root)


def extract(debs, kdir):
    """Extract debs into kdir/root (atomically) and run depmod there."""
    tmp = tempfile.mkdtemp(prefix=".extract-", dir=os.path.dirname(kdir))
    try:
        root = os.path.join(tmp, "root")
        os.makedirs(root)
        for deb in debs:
            subprocess.run(["dpkg-deb", "-x", deb, root], check=True)
        kver, _, _ = find_kernel(root)
        # Debian ships no modules.dep (postinst runs depmod): make our own.
        # depmod -b looks under lib/modules; point it there for merged-/usr.
        if not os.path.isdir(os.path.join(root, "lib", "modules")):
            os.makedirs(os.path.join(root, "lib"), exist_ok=True)
            os.symlink("../usr/lib/modules", os.path.join(root, "lib", "modules"))
        mdir = os.path.join(root, "lib", "modules", kver)
        for extra in ("modules.order", "modules.builtin",
                      "modules.builtin.modinfo"):
            if not os.path.exists(os.path.join(mdir, extra)):
                open(os.path.join(mdir, extra), "w").close()
        subprocess.run(["depmod", "-b", root, kver], check=True)
        open(os.path.join(tmp, ".complete"), "w").close()
        if os.path.exists(kdir):
            shutil.rmtree(kdir)
        os.rename(tmp, kdir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


class Kernel:
    def __init__(self, suite, info, arch=None):
        self.suite = suite
        self.arch = arch or vmarch.current()
        self.kver = info["kver"]
        self.packages = info["packages"]
        self.dir = os.path.join(cache_dir(), "kernels", self.kver)
        self.root = os.path.join(self.dir, "root")
        kver, self.vmlinuz, self.moddir = find_kernel(self.root)

    def __repr__(self):
        return "%s (%s)" % (self.suite, self.kver)


def download(apt, pkgs, debdir):
    """Paths of the .debs of pkgs [(name, version)], downloading what the
    cache lacks."""
    debs = []
    for pkg, version in pkgs:
        path = os.path.join(debdir, deb_name(pkg, version, apt.arch.deb))
        if not os.path.exists(path):
            if not os.path.isdir(os.path.join(apt.dir, "state", "lists")):
                apt.update()
            log("%s: downloading %s %s" % (apt.suite, pkg, version))
            with tempfile.TemporaryDirectory(dir=debdir) as tmp:
                apt.download(pkg, version, tmp)
                got = [f for f in os.listdir(tmp) if f.endswith(".deb")]
                if len(got) != 1:
                    raise FetchError("apt-get download %s gave %s" % (pkg, got))
                os.rename(os.path.join(tmp, got[0]), path)
        debs.append(path)
    return debs


def fetch(suite, arch=None):
    """Return a Kernel for suite, downloading only what the cache lacks."""
    arch = arch or vmarch.current()
    kroot = os.path.join(cache_dir(), "kernels")
    debdir = os.path.join(cache_dir(), "debs")
    os.makedirs(kroot, exist_ok=True)
    os.makedirs(debdir, exist_ok=True)
    resolved = os.path.join(kroot, suite + arch.suffix() + ".json")
    refresh = os.environ.get("DMAGUARD_VM_REFRESH") == "1"
    info = None
    if os.path.exists(resolved) and not refresh:
        with open(resolved) as f:
            info = json.load(f)
        if os.path.exists(os.path.join(kroot, info["kver"], ".complete")):
            return Kernel(suite, info, arch)
    apt = PrivateApt(suite, arch)
    if info is None:
        apt.update()
        pkgs = resolve(apt)
        log("%s: %s" % (suite, " ".join("%s=%s" % p for p in pkgs)))
    else:
        pkgs = [tuple(p) for p in info["packages"]]
    try:
        debs = download(apt, pkgs, debdir)
    except FetchError as e:
        # Seen for bullseye's arm64 kernels: the security archive lists
        # packages its pool does not serve (404). The suite's own newest
        # kernel is then the one to test.
        if "404" not in str(e):
            raise
        log("%s: %s; resolving without the security archive" %
            (suite, str(e).splitlines()[-1][:160]))
        apt = PrivateApt(suite, arch, security=False)
        apt.update()
        pkgs = resolve(apt)
        log("%s: %s" % (suite, " ".join("%s=%s" % p for p in pkgs)))
        debs = download(apt, pkgs, debdir)
    # Learn the kernel release from the image package's file list.
    kver = None
    for deb in debs:
        out = subprocess.run(["dpkg-deb", "-c", deb], check=True, text=True,
                             stdout=subprocess.PIPE).stdout
        for line in out.splitlines():
            path = line.split()[-1]
            for pre in ("./lib/modules/", "./usr/lib/modules/"):
                if path.startswith(pre) and path.count("/") >= 4:
                    kver = path[len(pre):].split("/")[0]
                    break
            if kver:
                break
        if kver:
            break
    if not kver:
        raise FetchError("%s: no lib/modules/<release> in %s" % (suite, debs))
    kdir = os.path.join(kroot, kver)
    if not os.path.exists(os.path.join(kdir, ".complete")):
        log("%s: extracting %s" % (suite, kver))
        extract(debs, kdir)
    info = {"suite": suite, "kver": kver, "packages": [list(p) for p in pkgs]}
    with open(resolved + ".tmp", "w") as f:
        json.dump(info, f, indent=1)
    os.rename(resolved + ".tmp", resolved)
    return Kernel(suite, info, arch)


def fetch_busybox(arch=None):
    """Path of a static busybox for arch: the host's for the host's own
    architecture, else busybox-static of that architecture from bookworm,
    fetched with the private apt and kept under tools/ in the cache
    (installing it would replace the host's busybox)."""
    arch = arch or vmarch.current()
    if arch.deb == "amd64":
        return "/bin/busybox"
    tdir = os.path.join(cache_dir(), "tools", arch.deb)
    done = os.path.join(tdir, "busybox")
    if os.path.isfile(done):
        return done
    os.makedirs(tdir, exist_ok=True)
    apt = PrivateApt("bookworm", arch)
    if not os.path.isdir(os.path.join(apt.dir, "state", "lists")):
        apt.update()
    version, _ = apt.candidate("busybox-static")
    log("busybox-static:%s %s" % (arch.deb, version))
    with tempfile.TemporaryDirectory(dir=tdir) as tmp:
        apt.download("busybox-static", version, tmp)
        got = [f for f in os.listdir(tmp) if f.endswith(".deb")]
        if len(got) != 1:
            raise FetchError("apt-get download busybox-static gave %s" % got)
        subprocess.run(["dpkg-deb", "-x", os.path.join(tmp, got[0]),
                        os.path.join(tmp, "root")], check=True)
        os.rename(os.path.join(tmp, "root", "bin", "busybox"), done)
    return done


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print("usage: fetch-kernel.sh SUITE...  (known: %s)" %
              " ".join(sorted(SUITES)))
        return 0 if len(argv) > 1 else 2
    rc = 0
    for suite in argv[1:]:
        try:
            k = fetch(suite)
            print("%s %s %s" % (suite, k.kver, k.vmlinuz))
        except (FetchError, subprocess.CalledProcessError) as e:
            print("fetch-kernel: %s: %s" % (suite, e), file=sys.stderr)
            rc = 1
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv))
