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
                 no_trampoline=()):
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

    def without_trampolines(self, suite, scenario):
        """Why scenario cannot run on suite's kernel of this architecture,
        or None. Without trampolines only the scenarios that never load
        dmaguard's programs run (TRAMPOLINE_FREE), and those that assert
        the clean failure (kernels= naming the suite)."""
        if suite not in self.no_trampoline:
            return None
        if scenario.kernels and suite in scenario.kernels:
            return None
        if any(fnmatch.fnmatchcase(scenario.name, p) for p in TRAMPOLINE_FREE):
            return None
        return "%s %s cannot attach BPF trampolines to kernel functions " \
            "(ftrace direct calls: arm64 from 6.4)" % (self.name, suite)

    @property
    def kernel_meta(self):
        return "linux-image-" + self.deb

    def suffix(self):
        """What cache paths of this architecture carry ("" for amd64, so the
        x86 lane's cache predates and outlives this file unchanged)."""
        return "" if self.deb == "amd64" else "-" + self.deb


# Scenarios that never load dmaguard's BPF programs: the platform facts and
# the offline commands (those also run where the kernel has no trampolines).
TRAMPOLINE_FREE = ("platform-*", "offline-generate-check", "offline-status")

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
                  no_trampoline=("bullseye", "bookworm")),
}


def current():
    name = os.environ.get("VM_ARCH") or "x86"
    if name not in ARCHES:
        raise ArchError("VM_ARCH=%s: known are %s" %
                        (name, " ".join(sorted(ARCHES))))
    return ARCHES[name]
