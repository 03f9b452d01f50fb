"""`make bench`: boot one bookworm VM with one vCPU, run tests/bench/guest/
bench.sh in it, and turn its "BENCH ..." console records into a table and
build/bench.json. Method and latest numbers: tests/bench/README.md.

The VM platform (tests/vm/lib) is used as a library: the kernel cache, the
image builder and the QEMU runner are the same as for `make check`; the
image additionally carries the static helpers of tests/bench/guest/*.c.

Environment: BENCH_ROUNDS (pairs, default 10), BENCH_SCALE (loop sizes in
percent, default 100), BENCH_KERNEL (default bookworm), O (build dir).
Exit 0 when the benchmark ran (targets missed or not), 1 when it could not
measure.
"""

import json
import os
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
import report  # noqa: E402

GUEST = os.path.join(BENCH_DIR, "guest")
SCENARIO = os.environ.get("BENCH_SCENARIO") or os.path.join(GUEST, "bench.sh")
LDLIBS = ["-lbpf", "-lelf", "-lz", "-lzstd"]
START, END = "===== bench data =====", "===== end of bench data ====="


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
    vCPU warps to the next timer), so CLOCK_MONOTONIC in the guest counts
    instructions executed and other load on the host cannot move it."""

    shift = 3

    def argv(self, hostchan, qmp):
        argv = super().argv(hostchan, qmp)
        i = argv.index("-accel")
        return argv[:i + 2] + ["-icount", "shift=%d,sleep=on" % self.shift] + argv[i + 2:]


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


def main():
    suite = os.environ.get("BENCH_KERNEL") or "bookworm"
    rounds = int(os.environ.get("BENCH_ROUNDS") or "10")
    scale = int(os.environ.get("BENCH_SCALE") or "100")
    clock = os.environ.get("BENCH_CLOCK") or "icount"
    if clock not in ("icount", "real"):
        print("bench: BENCH_CLOCK must be icount or real")
        return 1
    bench_out = os.path.join(out_dir(), "bench")
    log = os.path.join(bench_out, "console-%s.log" % suite)
    try:
        sc = scenarios.Scenario(SCENARIO)
        sc.append.append("bench.rounds=%d bench.scale=%d" % (rounds, scale))
        kernel, initrd = prepare(suite, sc, bench_out)
    except (scenarios.ScenarioError, kernels.FetchError, initramfs.BuildError,
            subprocess.CalledProcessError, OSError, ValueError) as e:
        print("bench: cannot prepare the VM: %s" % e)
        return 1
    load_before = os.getloadavg()
    print("bench: %s, 1 vCPU, %d pairs; console log %s (host load %.2f)"
          % (suite, rounds, os.path.relpath(log), load_before[0]), flush=True)
    con = Console()
    IcountBoot.shift = int(os.environ.get("BENCH_ICOUNT_SHIFT") or IcountBoot.shift)
    boot = IcountBoot if clock == "icount" else qemu.Boot
    b = boot(kernel, initrd, sc.name, log, append=" ".join(sc.append),
                  timeout=sc.timeout, echo=con.line, smp=sc.smp, mem=sc.mem)
    res = b.run()
    host = {"clock": clock, "icount_shift": IcountBoot.shift if clock == "icount" else None, "load_before": load_before, "load_after": os.getloadavg(),
            "cpus": os.cpu_count(), "vm_seconds": round(res.seconds, 1)}
    if res.status != "PASS" or not con.ended:
        print("bench: the VM run failed: %s %s (log: %s)"
              % (res.status, res.reason, os.path.relpath(log)))
        return 1
    try:
        result = report.analyse(con.records, host)
    except (ValueError, KeyError) as e:
        print("bench: cannot read the records: %s (log: %s)" % (e, os.path.relpath(log)))
        return 1
    print(report.table(result))
    path = os.path.join(out_dir(), "bench.json")
    with open(path, "w") as f:
        json.dump(result, f, indent=2, sort_keys=True)
        f.write("\n")
    print("bench: wrote %s" % os.path.relpath(path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
