"""Run the VM scenarios: one fresh VM per (kernel, scenario), VM_JOBS at a
time, the longest first (their durations in the last run, kept in
BUILD/vm/durations.json, else their timeouts). Prints `PASS kernel/name (Ns)` / `FAIL kernel/name: reason (log: ...)`
per scenario and ends with `vm: N passed, N failed`.

Environment: KERNELS (suites, default kernels.DEFAULT_SUITES), SCENARIOS (globs on the
name), VM_JOBS (parallel VMs, default 2), VM_LIVE=1 (stream every console to
stdout), O (build dir, default build), DMAGUARD_BIN (default $O/dmaguard).
"""

import concurrent.futures
import json
import os
import subprocess
import sys
import threading

sys.dont_write_bytecode = True   # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import arch as vmarch  # noqa: E402
import initramfs  # noqa: E402
import kernels  # noqa: E402
import qemu  # noqa: E402
import scenarios  # noqa: E402

VM_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(os.path.dirname(VM_DIR))
SCEN_DIR = os.path.join(VM_DIR, "scenarios")
LDLIBS = ["-lbpf", "-lelf", "-lz", "-lzstd"]
# the closing line's word (tests/check.sh adds the lanes up by it)
LANE = "vm" if vmarch.current().name == "x86" else "vm-" + vmarch.current().name


def build_dir():
    # make's default O per ARCH: build/ for x86, build/arm64/ for arm64
    o = os.environ.get("O") or \
        ("build" if vmarch.current().name == "x86" else "build/arm64")
    return os.path.join(o if os.path.isabs(o) else os.path.join(REPO, o), "vm")


def build_helpers(out):
    """Compile every tests/vm/guest/*.c statically into out/; return
    {name: path}. They go to /bin in the image. Each is linked with
    Debian's static libbpf (unused archives add nothing)."""
    guest = os.path.join(VM_DIR, "guest")
    helpers = {}
    os.makedirs(out, exist_ok=True)
    for fn in sorted(os.listdir(guest)):
        if not fn.endswith(".c"):
            continue
        src = os.path.join(guest, fn)
        dst = os.path.join(out, fn[:-2])
        helpers[fn[:-2]] = dst
        if os.path.exists(dst) and \
                os.path.getmtime(dst) >= os.path.getmtime(src):
            continue
        print("  CC       " + rel(dst), file=sys.stderr, flush=True)
        tmp = "%s.tmp%d" % (dst, os.getpid())   # concurrent runs
        cc = os.environ.get("CC") if vmarch.current().name == "x86" else None
        subprocess.run([cc or vmarch.current().cc, "-static", "-O2",
                        "-Wall", "-Wextra", "-Werror", "-std=gnu11",
                        "-D_GNU_SOURCE", src, "-o", tmp] + LDLIBS,
                       check=True)
        os.rename(tmp, dst)
    return helpers


def dmaguard_bin():
    path = os.environ.get("DMAGUARD_BIN") or os.path.join(
        os.path.dirname(build_dir()), "dmaguard")
    if not os.path.isfile(path):
        raise initramfs.BuildError("no dmaguard binary at %s (run make, or set "
                                   "DMAGUARD_BIN)" % path)
    return path


def prepare(suite, image_scenarios):
    """Fetch the kernel and build its initramfs holding image_scenarios."""
    out = build_dir()
    kernel = kernels.fetch(suite)
    mods = scenarios.default_modules(
        initramfs.read_modules_dep(kernel.moddir))
    for sc in image_scenarios:
        mods += [m for m in sc.modules + sc.noload if m not in mods]
    initrd = initramfs.build(kernel, os.path.join(out, "initramfs"),
                             image_scenarios, dmaguard_bin(),
                             build_helpers(out), mods)
    return kernel, initrd


def log_path(suite, name):
    return os.path.join(build_dir(), "logs", suite, name + ".log")


def boot(kernel, initrd, suite, sc, echo=None):
    """Boot sc once; a machine that hung before init (silent console, see
    qemu.Boot.SILENT_BOOT_LIMIT) is booted once more, and the result says
    so. Its log is kept beside the retry's as NAME.silent.log."""
    path = log_path(suite, sc.name)
    silent_log = path[:-len(".log")] + ".silent.log"
    if os.path.exists(silent_log):
        os.remove(silent_log)       # an earlier run's
    for attempt in (1, 2):
        b = qemu.Boot(kernel, initrd, sc.name, path,
                      append=" ".join(sc.append), timeout=sc.timeout,
                      echo=echo, expect_trouble=sc.expect_trouble,
                      smp=sc.smp, mem=sc.mem)
        result = b.run()
        if not b.silent_boot or attempt == 2:
            break
        os.replace(path, silent_log)
    if attempt == 2:
        result.note += " (second boot: the first hung before init, %s)" % \
            rel(silent_log)
    return result


def rel(path):
    try:
        return os.path.relpath(path)
    except ValueError:
        return path


def main():
    suites = kernels.selected_suites()
    pattern = os.environ.get("SCENARIOS") or None
    jobs = int(os.environ.get("VM_JOBS") or "2")
    live = os.environ.get("VM_LIVE") == "1"
    try:
        every = scenarios.discover(SCEN_DIR)
        selected = scenarios.discover(SCEN_DIR, pattern)
    except (scenarios.ScenarioError, OSError) as e:
        print(LANE + ": %s" % e)
        print(LANE + ": 0 passed, 1 failed")
        return 1
    if not selected:
        print(LANE + ": no scenario matches SCENARIOS='%s'" % pattern)
        print(LANE + ": 0 passed, 1 failed")
        return 1
    passed, failed, skipped = 0, 0, 0
    out_lock = threading.Lock()
    work = []
    arch = vmarch.current()
    for suite in suites:
        todo = [sc for sc in selected if sc.applies_to(suite)]
        # one line per reason for what this lane does not run (README)
        reasons = {}
        for sc in todo:
            why = arch.not_run(suite, sc)
            if why:
                reasons.setdefault(why, []).append(sc)
        for why, scs in reasons.items():
            print("SKIP %s%s/%d scenarios: %s: %s" %
                  (suite, arch.suffix(), len(scs), why,
                   " ".join(sc.name for sc in scs)), flush=True)
            skipped += len(scs)
            todo = [sc for sc in todo if sc not in scs]
        if not todo:
            continue
        try:
            kernel, initrd = prepare(suite, every)
        except (kernels.FetchError, initramfs.BuildError,
                subprocess.CalledProcessError, OSError) as e:
            for sc in todo:
                print("FAIL %s/%s: cannot prepare the VM: %s" % (suite, sc.name, e),
                      flush=True)
                failed += 1
            continue
        work += [(kernel, initrd, suite, sc) for sc in todo]

    # Longest first, so that no long scenario starts last and runs alone
    # while the other VM slots idle: the durations of the last run here
    # where known, else the scenario's timeout as its measure.
    durations = _load_durations()
    work.sort(key=lambda it: -durations.get("%s/%s" % (it[2], it[3].name),
                                            it[3].timeout))

    def echo_for(suite, sc):
        if not live:
            return None
        tag = "%s/%s| " % (suite, sc.name)
        return lambda line: print(tag + line, flush=True)

    def one(item):
        kernel, initrd, suite, sc = item
        try:
            res = boot(kernel, initrd, suite, sc, echo_for(suite, sc))
        except Exception as e:  # a runner bug must not hide other results
            res = qemu.Result("FAIL", "runner error: %r" % e)
        return item, res

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as ex:
        for (kernel, initrd, suite, sc), res in _as_completed(ex, one, work):
            with out_lock:
                durations["%s/%s" % (suite, sc.name)] = res.seconds
                name = "%s%s/%s" % (suite, arch.suffix(), sc.name)
                if res.status == "PASS":
                    passed += 1
                    print("PASS %s (%ds)%s" % (name, round(res.seconds), res.note),
                          flush=True)
                elif res.status == "SKIP":
                    skipped += 1
                    print("SKIP %s: %s (%ds)%s" % (name, res.reason,
                                                   round(res.seconds), res.note),
                          flush=True)
                else:
                    failed += 1
                    print("FAIL %s: %s (log: %s)%s" %
                          (name, res.reason, rel(log_path(suite, sc.name)), res.note),
                          flush=True)
    _save_durations(durations)
    if skipped:
        print(LANE + ": %d skipped" % skipped)
    print(LANE + ": %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def _durations_path():
    return os.path.join(build_dir(), "durations.json")


def _load_durations():
    """{suite/scenario: seconds} of earlier runs in this build directory."""
    try:
        with open(_durations_path()) as f:
            d = json.load(f)
        return {k: float(v) for k, v in d.items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def _save_durations(durations):
    tmp = "%s.tmp%d" % (_durations_path(), os.getpid())
    try:
        os.makedirs(build_dir(), exist_ok=True)
        with open(tmp, "w") as f:
            json.dump(durations, f, indent=0, sort_keys=True)
        os.replace(tmp, _durations_path())
    except OSError as e:
        print(LANE + ": cannot keep the scenarios' durations: %s" % e,
              file=sys.stderr)


def _as_completed(ex, fn, items):
    futures = [ex.submit(fn, it) for it in items]
    for f in concurrent.futures.as_completed(futures):
        yield f.result()


if __name__ == "__main__":
    sys.exit(main())
