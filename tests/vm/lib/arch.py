"""The VM lane's target architecture: what differs between the x86-64 lane
(q35, Intel IOMMU) and the arm64 lane (virt, SMMUv3).

VM_ARCH selects it, with make's names: `x86` (default) or `arm64`. Everything
else in tests/vm/lib asks current() instead of naming an architecture.
"""

import fnmatch
import os


class ArchError(Exception):
    pass


class Arch:
    def __init__(self, name, deb, triplet, qemu, machine, iommu_append,
                 iommu_device, console, hostchan, cpu, cc,
                 no_trampoline=(), thin=None):
        self.name = name            # make's ARCH
        self.deb = deb              # Debian's architecture
        self.triplet = triplet      # multiarch triplet
        self.qemu = qemu            # the system emulator
        self.machine = machine      # -M and its accelerator options
        self.iommu_append = iommu_append
        self.iommu_device = iommu_device    # [-device ...] or []
        self.console = console      # the console's kernel name (ttyS0, ttyAMA0)
        self.hostchan = hostchan    # the host channel's tty in the guest
        self.cpu = cpu              # -cpu
        self.cc = cc                # compiler for the guest helpers
        # suites whose kernel cannot attach BPF trampolines to its functions
        self.no_trampoline = no_trampoline
        # {suite: (globs, why)}: scenarios this lane leaves to another
        # kernel to keep `make check` in its time (VM_FULL=1 runs them)
        self.thin = thin or {}

    def not_run(self, suite, scenario):
        """Why scenario does not run on suite's kernel in this lane, or None.
        Without trampolines only the scenarios that never load dmaguard's
        programs run (TRAMPOLINE_FREE), and those written for this lane
        (arch= naming it: the clean failure)."""
        if scenario.arches and self.name in scenario.arches:
            return None
        if suite in self.no_trampoline and \
                not _matches(scenario.name, TRAMPOLINE_FREE):
            return "%s %s cannot attach BPF trampolines to kernel " \
                "functions (ftrace direct calls: arm64 from 6.4)" % \
                (self.name, suite)
        globs, why = self.thin.get(suite, ((), None))
        if _matches(scenario.name, globs) and os.environ.get("VM_FULL") != "1":
            return why
        return None

    @property
    def kernel_meta(self):
        return "linux-image-" + self.deb

    def suffix(self):
        """What cache paths of this architecture carry ("" for amd64, so the
        x86 lane's cache predates and outlives this file unchanged)."""
        return "" if self.deb == "amd64" else "-" + self.deb


def _matches(name, globs):
    return any(fnmatch.fnmatchcase(name, p) for p in globs)


# Scenarios that never load dmaguard's BPF programs: the platform facts and
# the offline commands (those also run where the kernel has no trampolines).
TRAMPOLINE_FREE = ("platform-*", "offline-generate-check", "offline-status")

# Without trampolines dmaguard cannot run: beyond the clean failure, only
# platform-groups (the group layout) runs there unless VM_FULL=1.
NO_TRAMPOLINE_THIN = ("platform-[!g]*", "offline-*")
NO_TRAMPOLINE_WHY = "platform fact without dmaguard, on a kernel dmaguard " \
    "cannot run on (VM_FULL=1 runs it)"

ARCHES = {
    "x86": Arch("x86", "amd64", "x86_64-linux-gnu", "qemu-system-x86_64",
                ["-M", "q35,kernel-irqchip=split"],
                # no_timer_check: under TCG on a loaded host the IO-APIC
                # timer check can fail and panic at boot
                "intel_iommu=on no_timer_check",
                ["-device", "intel-iommu,intremap=on,caching-mode=on"],
                "ttyS0", "ttyS1", "max", "gcc"),
    # virt's own SMMUv3 (iommu=smmuv3) translates for the whole PCIe root
    # complex; there is no -device for it. The console is the PL011 UART;
    # virt has no second one, so the host channel is a virtio console
    # (virtio-mmio, outside PCIe). pauth-impdef: QEMU's own pointer
    # authentication hash instead of emulating QARMA, several times faster
    # under TCG and the same to the guest.
    "arm64": Arch("arm64", "arm64", "aarch64-linux-gnu",
                  "qemu-system-aarch64",
                  ["-M", "virt,iommu=smmuv3,gic-version=3"],
                  "", [], "ttyAMA0", "hvc0", "max,pauth-impdef=on",
                  "aarch64-linux-gnu-gcc",
                  # BPF trampolines came to arm64 in 6.0, but attaching one
                  # to a kernel function needs ftrace direct calls: 6.4
                  no_trampoline=("bullseye", "bookworm"),
                  # the attack-* scenarios attack dmaguard's own files and
                  # commands: the same C on both architectures, run by the
                  # x86 lane on every kernel and here on the newest
                  thin={"trixie": (("attack-*", "status-metrics*",
                                    "offline-*"),
                                   "userspace scenario: on arm64 run on "
                                   "trixie-backports only (VM_FULL=1 runs "
                                   "it here too)"),
                        # what these kernels can run is the clean failure
                        # and the platform's groups
                        "bullseye": (NO_TRAMPOLINE_THIN, NO_TRAMPOLINE_WHY),
                        "bookworm": (NO_TRAMPOLINE_THIN, NO_TRAMPOLINE_WHY)}),
}


def current():
    name = os.environ.get("VM_ARCH") or "x86"
    if name not in ARCHES:
        raise ArchError("VM_ARCH=%s: known are %s" %
                        (name, " ".join(sorted(ARCHES))))
    return ARCHES[name]
