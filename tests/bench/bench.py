"""`make bench`: boot one bookworm VM with one vCPU, run tests/bench/guest/
bench.sh in it, and turn its "BENCH ..." console records into a table and
build/bench.json. Then the boot figure: the system lane's image (a Debian
userspace with the dmaguard package, tests/vm/lib/system.py) booted in
pairs, dmaguard.service enabled and masked, on the same clock. Method and
latest numbers: tests/bench/README.md.

The VM platform (tests/vm/lib) is used as a library: the kernel cache, the
image builder and the QEMU runner are the same as for `make check`; the
image additionally carries the static helpers of tests/bench/guest/*.c.

Environment: BENCH_ROUNDS (pairs, default 10; 0: no VM bench), BENCH_BOOTS
(boot pairs, default 3; 0: no boot figure), BENCH_SCALE (loop sizes in
percent, default 100), BENCH_KERNEL (default bookworm), BENCH_ONLY (scale:
the rule-scale figure alone), O (build dir).
Exit 0 when the benchmark ran (targets missed or not), 1 when it could not
measure.
"""

import json
import os
import re
import subprocess
import sys
import time

sys.dont_write_bytecode = True
BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(BENCH_DIR))
sys.path.insert(0, os.path.join(REPO, "tests", "vm", "lib"))
sys.path.insert(0, BENCH_DIR)
import initramfs  # noqa: E402
import kernels  # noqa: E402
import qemu  # noqa: E402
import runner  # noqa: E402
import scenarios  # noqa: E402
import system  # noqa: E402
import report  # noqa: E402

GUEST = os.path.join(BENCH_DIR, "guest")
SCENARIO = os.environ.get("BENCH_SCENARIO") or os.path.join(GUEST, "bench.sh")
LDLIBS = ["-lbpf", "-lelf", "-lz", "-lzstd"]
START, END = "===== bench data =====", "===== end of bench data ====="
# The boot figure's scenario in the system image (tests/vm/system/), and
# what each state masks on the kernel command line: the image is the same
# file either way, and both boots have systemd mask one unit (one that does
# not exist "with" dmaguard).
BOOT_SCENARIO = "bench-boot"
BOOT_MASK = {"with": "dmaguard-bench-none.service", "without": "dmaguard.service"}
BOOT_TIMEOUT = 900


def out_dir():
    o = os.environ.get("O") or "build"
    return o if os.path.isabs(o) else os.path.join(REPO, o)


def build_bench_helpers(out):
    """Compile tests/bench/guest/*.c statically, as the VM platform does its
    own helpers; return {name: path} for /bin in the image."""
    helpers = {}
    os.makedirs(out, exist_ok=True)
    for fn in sorted(os.listdir(GUEST)):
        if not fn.endswith(".c"):
            continue
        src, dst = os.path.join(GUEST, fn), os.path.join(out, fn[:-2])
        helpers[fn[:-2]] = dst
        if os.path.exists(dst) and os.path.getmtime(dst) >= os.path.getmtime(src):
            continue
        print("  CC       " + os.path.relpath(dst), file=sys.stderr, flush=True)
        tmp = "%s.tmp%d" % (dst, os.getpid())
        subprocess.run([os.environ.get("CC", "gcc"), "-static", "-O2", "-Wall",
                        "-Wextra", "-Werror", "-std=gnu11", "-D_GNU_SOURCE", src,
                        "-o", tmp] + LDLIBS, check=True)
        os.rename(tmp, dst)
    return helpers


def prepare(suite, sc, bench_out):
    kernel = kernels.fetch(suite)
    helpers = runner.build_helpers(runner.build_dir())
    helpers.update(build_bench_helpers(os.path.join(bench_out, "bin")))
    mods = list(scenarios.DEFAULT_MODULES)
    mods += [m for m in sc.modules + sc.noload if m not in mods]
    initrd = initramfs.build(kernel, os.path.join(bench_out, "initramfs"), [sc],
                             runner.dmaguard_bin(), helpers, mods)
    return kernel, initrd


class IcountBoot(qemu.Boot):
    """The platform's VM with QEMU's instruction counter as the guest clock:
    every guest instruction advances virtual time by 2^shift ns (an idle
    vCPU's clock runs in real time to its next timer), so CLOCK_MONOTONIC
    in the guest counts instructions executed and other load on the host
    cannot move CPU work."""

    shift = 3

    def argv(self, hostchan, qmp):
        argv = super().argv(hostchan, qmp)
        i = argv.index("-accel")
        return argv[:i + 2] + ["-icount", "shift=%d,sleep=on" % self.shift] + argv[i + 2:]


class BootError(Exception):
    pass


def boot_order(r):
    return ("with", "without") if r % 2 == 0 else ("without", "with")


def boot_pairs(suite, kernel, image, pairs, boot_cls, bench_out):
    """Boot the system image `pairs` times in each state, alternating which
    goes first; return the guest's BENCH records."""
    records = []
    for r in range(pairs):
        for state in boot_order(r):
            log = os.path.join(bench_out, "boot-%s-%d-%s.log" % (suite, r, state))
            con = BootConsole()
            append = "%s systemd.mask=%s dmaguard.bench=%s dmaguard.bench_round=%d" % (
                system.APPEND, BOOT_MASK[state], state, r)
            res = boot_cls(kernel, image, BOOT_SCENARIO, log, append=append,
                           timeout=BOOT_TIMEOUT, echo=con.line, smp=1,
                           mem=system.MEM).run()
            if res.status != "PASS" or not con.ended or not con.records:
                raise BootError("boot %d (%s): %s %s (log: %s)" % (
                    r + 1, state, res.status, res.reason or "no records",
                    os.path.relpath(log)))
            _, f = report.parse_record(con.records[0])
            print("  boot %d of %d, %-7s multi-user.target at %.1f s guest time (%ds)" % (
                r + 1, pairs, state + ":", f["multi_user_us"] / 1e6, res.seconds),
                flush=True)
            records += con.records
    return records


class Console:
    """Collects the BENCH records between the markers; shows progress."""

    def __init__(self):
        self.inside = False
        self.started = False
        self.ended = False
        self.records = []
        self.failure = None
        self.t0 = time.monotonic()

    def line(self, text):
        if text.startswith(START):
            self.inside = self.started = True
        elif text.startswith(END):
            self.inside, self.ended = False, True
        elif self.inside and text.startswith("BENCH "):
            self.records.append(text[len("BENCH "):])
        if text.startswith("[bench]") or "FAIL" in text and "[scenario]" in text:
            print("  %4ds %s" % (time.monotonic() - self.t0, text), flush=True)


def run_vm(suite, rounds, scale, boot_cls, bench_out):
    """The VM bench: its records, or None after saying why it failed."""
    log = os.path.join(bench_out, "console-%s.log" % suite)
    try:
        sc = scenarios.Scenario(SCENARIO)
        sc.append.append("bench.rounds=%d bench.scale=%d" % (rounds, scale))
        if os.environ.get("BENCH_ONLY"):
            sc.append.append("bench.only=%s" % os.environ["BENCH_ONLY"])
        kernel, initrd = prepare(suite, sc, bench_out)
    except (scenarios.ScenarioError, kernels.FetchError, initramfs.BuildError,
            subprocess.CalledProcessError, OSError, ValueError) as e:
        print("bench: cannot prepare the VM: %s" % e)
        return None
    print("bench: %s, 1 vCPU, %d pairs; console log %s (host load %.2f)"
          % (suite, rounds, os.path.relpath(log), os.getloadavg()[0]), flush=True)
    con = Console()
    res = boot_cls(kernel, initrd, sc.name, log, append=" ".join(sc.append),
                   timeout=sc.timeout, echo=con.line, smp=sc.smp, mem=sc.mem).run()
    if res.status != "PASS" or not con.ended:
        print("bench: the VM run failed: %s %s (log: %s)"
              % (res.status, res.reason, os.path.relpath(log)))
        return None
    return con.records


def run_boots(suite, pairs, boot_cls, bench_out):
    """The boot figure's records, or None after saying why it failed."""
    try:
        kernel = kernels.fetch(suite)
        image = system.image(suite, kernel)
    except (kernels.FetchError, initramfs.BuildError, subprocess.CalledProcessError,
            OSError) as e:
        print("bench: cannot prepare the system image (make deb first): %s" % e)
        return None
    print("bench: boot figure: %s, %s, 1 vCPU, %d pairs" % (
        suite, os.path.relpath(image), pairs), flush=True)
    try:
        return boot_pairs(suite, kernel, image, pairs, boot_cls, bench_out)
    except BootError as e:
        print("bench: %s" % e)
        return None


class BootConsole(Console):
    """The unit's output reaches the console through journald, as
    "[ 48.8] guest-run[164]: TEXT"."""

    PREFIX = re.compile(r"^\[\s*[0-9.]+\] [^ :]+: ")

    def line(self, text):
        super().line(self.PREFIX.sub("", text))


def main():
    suite = os.environ.get("BENCH_KERNEL") or "bookworm"
    rounds = int(os.environ.get("BENCH_ROUNDS") or "10")
    boots = int(os.environ.get("BENCH_BOOTS") or "3")
    scale = int(os.environ.get("BENCH_SCALE") or "100")
    clock = os.environ.get("BENCH_CLOCK") or "icount"
    if clock not in ("icount", "real"):
        print("bench: BENCH_CLOCK must be icount or real")
        return 1
    bench_out = os.path.join(out_dir(), "bench")
    load_before = os.getloadavg()
    IcountBoot.shift = int(os.environ.get("BENCH_ICOUNT_SHIFT") or IcountBoot.shift)
    boot_cls = IcountBoot if clock == "icount" else qemu.Boot
    t0 = time.monotonic()
    records, failed = [], False
    if rounds > 0:
        vm = run_vm(suite, rounds, scale, boot_cls, bench_out)
        failed |= vm is None
        records += vm or []
    if boots > 0:
        boot = run_boots(suite, boots, boot_cls, bench_out)
        failed |= boot is None
        records += boot or []
    host = {"clock": clock, "icount_shift": IcountBoot.shift if clock == "icount" else None,
            "load_before": load_before, "load_after": os.getloadavg(),
            "cpus": os.cpu_count(), "seconds": round(time.monotonic() - t0, 1)}
    if not records:
        return 1
    try:
        result = report.analyse(records, host)
    except (ValueError, KeyError) as e:
        print("bench: cannot read the records: %s (logs: %s)" % (
            e, os.path.relpath(bench_out)))
        return 1
    print(report.table(result))
    path = os.path.join(out_dir(), "bench.json")
    with open(path, "w") as f:
        json.dump(result, f, indent=2, sort_keys=True)
        f.write("\n")
    print("bench: wrote %s" % os.path.relpath(path))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
