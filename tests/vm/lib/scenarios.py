"""Scenario files (tests/vm/scenarios/NAME.sh) and their "# vm:" headers.

Header lines anywhere in the file, one key per line:
  # vm: kernels=bookworm trixie    suites the scenario applies to (default all)
  # vm: append=lsm=...             extra kernel command line (repeatable)
  # vm: timeout=300                seconds for the whole boot (default 180)
  # vm: modules=pci-pf-stub        extra modules, put in the image and loaded
  # vm: noload=e1000               modules in the image NOT loaded at boot
                                   (the scenario loads them itself)
  # vm: smp=1 / mem=512            VM size (defaults 2 CPUs, 1024 MiB)
  # vm: arch=arm64                 lanes the scenario runs in (default all)
"""

import fnmatch
import re
import os

import arch as vmarch

DEFAULT_TIMEOUT = 180
# Loaded at boot in every VM unless a scenario says noload=.
DEFAULT_MODULES = ["e1000", "e1000e", "vfio-pci", "vfio_iommu_type1",
                   "pci-stub"]
# arm64: the host channel's virtio console (/init loads them before it
# opens the channel) and FUSE (built into the amd64 kernels): modules of
# some arm64 kernels, built into others, which may not say so (7.x ships
# no modules.builtin): taken where modules.dep lists them
ARM64_MODULES = ["virtio_mmio", "virtio_console", "fuse"]


def default_modules(modules_dep):
    """The modules every image holds, for the lane's architecture;
    modules_dep: the kernel's module names (initramfs.read_modules_dep)."""
    extra = ARM64_MODULES if vmarch.current().name == "arm64" else []
    return [m for m in extra if m in modules_dep] + DEFAULT_MODULES
KEYS = ("kernels", "append", "timeout", "modules", "noload", "smp", "mem",
        "expect-trouble", "arch")


class ScenarioError(Exception):
    pass


class Scenario:
    def __init__(self, path):
        self.path = path
        self.name = os.path.basename(path)[:-len(".sh")]
        self.kernels = None
        self.arches = None
        self.append = []
        self.timeout = DEFAULT_TIMEOUT
        self.modules = []
        self.noload = []
        self.smp = int(os.environ.get("VM_SMP") or 2)
        self.mem = 1024
        self.expect_trouble = None
        self._parse()

    def _parse(self):
        with open(self.path) as f:
            for lineno, line in enumerate(f, 1):
                if not line.startswith("# vm:"):
                    continue
                body = line[len("# vm:"):].strip()
                key, eq, value = body.partition("=")
                key, value = key.strip(), value.strip()
                where = "%s:%d" % (self.path, lineno)
                if not eq or key not in KEYS:
                    raise ScenarioError("%s: bad header '%s' (keys: %s)" %
                                        (where, body, ", ".join(KEYS)))
                self._set(key, value, where)

    def _set(self, key, value, where):
        if key in ("timeout", "smp", "mem"):
            if not value.isdigit() or int(value) == 0:
                raise ScenarioError("%s: %s wants a positive number" %
                                    (where, key))
            setattr(self, key, int(value))
        elif key == "kernels":
            self.kernels = (self.kernels or []) + value.split()
        elif key == "arch":
            bad = [a for a in value.split() if a not in vmarch.ARCHES]
            if bad:
                raise ScenarioError("%s: arch: unknown %s (known: %s)" %
                                    (where, " ".join(bad),
                                     " ".join(sorted(vmarch.ARCHES))))
            self.arches = (self.arches or []) + value.split()
        elif key == "append":
            self.append.append(value)
        elif key == "expect-trouble":
            try:
                re.compile(value)
            except re.error as e:
                raise ScenarioError("%s: expect-trouble: %s" % (where, e))
            self.expect_trouble = value
        else:
            getattr(self, key).extend(value.split())

    def applies_to(self, suite, arch=None):
        arch = arch or vmarch.current()
        if self.arches is not None and arch.name not in self.arches:
            return False
        return self.kernels is None or suite in self.kernels


def discover(scen_dir, pattern=None):
    """All scenarios, sorted; pattern is a glob (or several, space-separated)
    on the name without .sh."""
    pats = pattern.split() if pattern else ["*"]
    found = []
    for fn in sorted(os.listdir(scen_dir)):
        if not fn.endswith(".sh"):
            continue
        name = fn[:-3]
        if any(fnmatch.fnmatchcase(name, p) or fnmatch.fnmatchcase(fn, p)
               for p in pats):
            found.append(Scenario(os.path.join(scen_dir, fn)))
    return found
