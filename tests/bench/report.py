"""Turn the guest's "BENCH ..." records into the numbers of `make bench`
(analyse) and a readable table (table). Pure functions of the records, so
they can be checked without a VM: python3 tests/bench/report.py LOG... [SHIFT]
reads the records from console logs (the VM's, the boots') and prints the
table again.
"""

import re
import statistics
import sys

# figure key -> (label, target ratio against "without")
FIGURES = [
    ("open-reg", "open+close, regular file", 1.02),
    ("open-null", "open+close, /dev/null", 1.02),
    ("cgroup", "cgroup mkdir+rmdir", 1.02),
    ("bind", "e1000 unbind+bind", 1.05),
]
# state -> (label, whether the figure's target applies)
STATES = [
    ("with", "dmaguard, 1024 rules, daemon running", True),
    ("with1", "dmaguard, 1 rule, daemon running", True),
    ("pinned", "dmaguard pinned, daemon stopped", True),
    ("quiet", "dmaguard pinned, 1024 rules that deny no bind and judge no open "
     "(hooks not attached)", True),
    ("null", "do-nothing BPF on the same hooks", False),
]
# 1024 rules (matching rule last) against 1 rule: within 2% either way
RULES_TOLERANCE = 0.02
# the rule index: 65,536 rules against one per action, per figure
SCALE_FIGURES = [
    ("stub-bind", "pci-stub unbind+bind"),
    ("vfio-open", "VFIO group node open+close (judged)"),
]
SCALE_TARGET = 1.02
# boot to multi-user.target, dmaguard.service enabled against masked
BOOT_TARGET = 1.05
# boot figure -> (label, the start it is counted from)
BOOT_SPANS = [
    ("boot", "boot to multi-user.target, from kernel start", None),
    ("boot-userspace", "boot to multi-user.target, from PID 1 start (userspace)",
     "userspace_us"),
]


def parse_record(text):
    """'kind k=v ...' (a leading phase=X may come first) -> (kind, dict)."""
    kind, fields = None, {}
    for tok in text.split():
        if "=" in tok:
            k, v = tok.split("=", 1)
            fields[k] = int(v) if v.lstrip("-").isdigit() else v
        elif kind is None:
            kind = tok
    if kind is None:
        raise ValueError("record without a kind: %r" % text)
    return kind, fields


def spread(values):
    values = sorted(values)
    out = {"n": len(values), "median": statistics.median(values),
           "min": values[0], "max": values[-1]}
    if len(values) >= 2:
        q = statistics.quantiles(values, n=4, method="inclusive")
        out["q1"], out["q3"] = q[0], q[2]
    else:
        out["q1"] = out["q3"] = values[0]
    return out


def _loops(records):
    """{(fig, state): {round: ns_per_op}}"""
    loops = {}
    for kind, f in records:
        if kind == "loop":
            loops.setdefault((f["fig"], f["state"]), {})[f["round"]] = f["ns_per_op"]
    return loops


def _ratio(loops, fig, num, den):
    a, b = loops.get((fig, num), {}), loops.get((fig, den), {})
    rounds = sorted(set(a) & set(b))
    if not rounds:
        return None
    pairs = [(a[r], b[r]) for r in rounds]
    return {"ratio": spread([x / y for x, y in pairs]),
            "ns_per_op": {num: spread([x for x, _ in pairs]),
                          den: spread([y for _, y in pairs])},
            "pairs": [{"round": r, num: a[r], den: b[r]} for r in rounds]}


def ratio_figures(records):
    loops = _loops(records)
    figs = []
    for fig, label, target in FIGURES:
        for state, what, applies in STATES:
            r = _ratio(loops, fig, state, "without")
            if r is None:
                continue
            r.update({"figure": fig, "label": "%s: %s" % (label, what), "state": state,
                      "baseline": "without",
                      "added_per_op": statistics.median(
                          p[state] - p["without"] for p in r["pairs"])})
            if applies:
                r.update({"target_max": target, "met": r["ratio"]["median"] <= target})
            figs.append(r)
    r = _ratio(loops, "bind", "with", "with1")
    if r is not None:
        med = r["ratio"]["median"]
        r.update({"figure": "bind", "label": "e1000 unbind+bind: 1024 rules against 1",
                  "state": "with", "baseline": "with1",
                  "added_per_op": statistics.median(
                      p["with"] - p["with1"] for p in r["pairs"]),
                  "target_max": 1 + RULES_TOLERANCE, "target_min": 1 - RULES_TOLERANCE,
                  "met": abs(med - 1) <= RULES_TOLERANCE})
        figs.append(r)
    return figs + scale_figures(loops)


def scale_figures(loops):
    """The rule index: MAX_RULES rules ("max") against one per action ("small")."""
    figs = []
    for fig, label in SCALE_FIGURES:
        for state, what in (("max", "65,536 rules of the same 2 kinds"),
                            ("kinds", "65,536 rules of 8 kinds (6 more)")):
            r = _ratio(loops, fig, state, "small")
            if r is None:
                continue
            r.update({"figure": fig, "label": "%s: %s, against 2 rules" % (label, what),
                      "state": state, "baseline": "small",
                      "added_per_op": statistics.median(
                          p[state] - p["small"] for p in r["pairs"])})
            if state == "max":
                r.update({"target_max": SCALE_TARGET,
                          "met": r["ratio"]["median"] <= SCALE_TARGET})
            figs.append(r)
    return figs


def _by_phase(records):
    """{phase: {"prog": {name: fields}, "map": [...], "total": fields}}"""
    phases = {}
    for kind, f in records:
        if "phase" not in f or kind not in ("prog", "map", "total"):
            continue
        p = phases.setdefault(f["phase"], {"prog": {}, "map": [], "total": None})
        if kind == "prog":
            p["prog"][f["name"]] = f
        elif kind == "map":
            p["map"].append(f)
        else:
            p["total"] = f
    return phases


def _ops(stats_rec):
    """Operations a one-repetition bench-loop did: the warm-up (n/10) too."""
    n = stats_rec["n"]
    return n + max(n // 10, 1)


def bpf_figures(records):
    phases = _by_phase(records)
    loaded = phases.get("loaded")
    if not loaded:
        return None
    progs = []
    for name, f in sorted(loaded["prog"].items()):
        progs.append({"name": name, "type": f["type"], "link": f["link"],
                      "verified_insns": f["verified_insns"],
                      "xlated_bytes": f["xlated_bytes"], "jited_bytes": f["jited_bytes"],
                      "per_op": {}})
    stats = {f["fig"]: f for kind, f in records if kind == "statsloop"}
    for fig, rec in stats.items():
        before, after = phases.get("before-" + fig), phases.get("after-" + fig)
        if not before or not after:
            continue
        ops = _ops(rec)
        for p in progs:
            b, a = before["prog"].get(p["name"]), after["prog"].get(p["name"])
            if not a or not b:
                continue
            runs = a["run_cnt"] - b["run_cnt"]
            ns = a["run_time_ns"] - b["run_time_ns"]
            if runs:
                p["per_op"][fig] = {"runs_per_op": runs / ops, "ns_per_run": ns / runs,
                                    "ns_per_op": ns / ops}
    total = loaded["total"] or {}
    maps = [{k: m[k] for k in ("name", "type", "key", "value", "max_entries", "memlock",
                               "pinned")} for m in loaded["map"]]
    return {"programs": progs, "maps": maps,
            "total_verified_insns": total.get("verified_insns"),
            "total_map_memlock": total.get("memlock"), "n_programs": total.get("progs"),
            "n_maps": total.get("maps")}


# The start-up profile (guest/bench.sh, startup_profile): the steps of one
# `dmaguard run` to READY=1 in the order it passes them, each ending at a
# traced event (FUNC: entry, FUNC_r: return). A step whose event the trace
# lacks (a function renamed or inlined) is counted in the next one.
PROFILE_STEPS = [
    ("main", "exec, C start-up"),
    ("daemon_load_policy_r", "policy read and parsed"),
    ("loader_open_programs", "pin directory checked and locked"),
    ("kernel_btf_read_r", "dmaguard: the kernel's BTF read (one bpf() call; sysfs < 5.11)"),
    ("btf_index_build_r", "dmaguard: the kernel's BTF indexed by type id"),
    ("core_btf_cut_r", "dmaguard: attach targets' ids, the BTF cut for CO-RE"),
    ("bpf_object__open_skeleton_r", "BPF object opened (libbpf parses the embedded ELF)"),
    ("mapsize_apply_r", "map sizes from sysfs"),
    ("bpf_object__load_vmlinux_btf_r", "libbpf: feature probe, kernel BTF parsed"),
    ("bpf_object__create_maps", "libbpf: object BTF loaded into the kernel"),
    ("bpf_object__create_maps_r", "maps created"),
    ("bpf_object_load_prog", "libbpf: CO-RE relocations (candidates searched in the cut)"),
    ("bpf_object__load_skeleton_r", "programs loaded (libbpf's target lookups, the verifier)"),
    ("loader_attach_and_pin", "policy written into the maps, pin directory made"),
    ("loader_attach_and_pin_r", "maps pinned, programs attached, links pinned"),
    ("loader_seed_nodes_r", "groups and VFIO nodes seeded from sysfs"),
]


def _pairs(events, name):
    """[(entry_ns, return_ns)] of FUNC name, in order."""
    out, start = [], None
    for e in events:
        if e["ev"] == name:
            start = e
        elif e["ev"] == name + "_r" and start is not None:
            out.append((start, e))
            start = None
    return out


def _profile_one(start, events):
    steps, last = [], start["t0_ns"]
    for ev, label in PROFILE_STEPS:
        hit = next((e for e in events if e["ev"] == ev and e["t_ns"] >= last), None)
        if hit:
            steps.append({"step": ev, "label": label, "ms": (hit["t_ns"] - last) / 1e6})
            last = hit["t_ns"]
    ready = start["t0_ns"] + start["startup_ns"]
    # the "enforcing" line comes just before READY=1
    steps.append({"step": "ready", "label": "renamed into place, reopened, status printed",
                  "ms": (ready - last) / 1e6})
    # per program: from libbpf's bpf_object_load_prog to its bpf_prog_load
    # (preparing it, the attach target looked up in kernel BTF), then the
    # load itself (the verifier and the JIT)
    progs, prep = [], None
    for i, e in enumerate(events):
        if e["ev"] == "bpf_object_load_prog":
            prep = e["t_ns"]
        elif e["ev"] == "bpf_prog_load" and e["prog"] != "-" and prep is not None:
            ret = next((r for r in events[i + 1:] if r["ev"] == "bpf_prog_load_r"), None)
            if ret:
                progs.append({"name": e["prog"], "prepare_ms": (e["t_ns"] - prep) / 1e6,
                              "load_ms": (ret["t_ns"] - e["t_ns"]) / 1e6})
            prep = None

    def total(name):
        p = _pairs(events, name)
        return {"n": len(p), "ms": sum(b["t_ns"] - a["t_ns"] for a, b in p) / 1e6}

    return {"total_ms": start["startup_ns"] / 1e6, "steps": steps, "programs": progs,
            "core_candidate_searches": total("bpf_core_add_cands"),
            "attach_one": total("attach_one"), "gates_attach": total("gates_attach"),
            "topology_scan": total("topology_scan")}


def startup_profile(records):
    # policy names ("shipped", "1024") as strings, though parse_record reads 1024 as a number
    starts = {str(f["policy"]): f for kind, f in records if kind == "profile-start"}
    out = {}
    for policy, start in starts.items():
        events = [f for kind, f in records if kind == "trace" and str(f["policy"]) == policy]
        if events:
            out[policy] = _profile_one(start, sorted(events, key=lambda e: e["t_ns"]))
    return out or None


def startup(records):
    starts = [f for kind, f in records if kind in ("start", "start-info", "storm-start")]
    stops = [f for kind, f in records if kind in ("stop", "stop-info")]
    storm_stops = [f for kind, f in records if kind == "storm-stop"]
    if not starts:
        return None
    out = {"ms_to_enforcing": spread([f["startup_ns"] / 1e6 for f in starts]),
           "vmhwm_kb_at_enforcing": spread([f["vmhwm_kb"] for f in starts])}
    if stops:
        out["vmhwm_kb_idle_daemon"] = spread([f["vmhwm_kb"] for f in stops])
    if storm_stops:
        out["vmhwm_kb_after_storm"] = spread([f["vmhwm_kb"] for f in storm_stops])
    return out


def scale_startup(records):
    """Start-up, peak RSS, kernel memory and the rule maps, per scale policy."""
    out = {}
    for kind, f in records:
        if kind in ("start-scale", "stop-scale"):
            p = out.setdefault(str(f["policy"]), {})
            key = "start" if kind == "start-scale" else "stop"
            p[key + "_ms"] = f.get("startup_ns", 0) / 1e6
            p[key + "_vmhwm_kb"] = f["vmhwm_kb"]
        elif kind == "scale-mem":
            out.setdefault(str(f["state"]), {}).setdefault("kernel_kb", []).append(
                f["kernel_kb"])
    for name, phase in _by_phase(records).items():
        if name.startswith("loaded-"):
            out.setdefault(name[len("loaded-"):], {})["maps"] = {
                m["name"]: m["memlock"] for m in phase["map"]
                if m["name"] in ("rules", "rule_index", "shapes")}
    for p in out.values():
        if "kernel_kb" in p:
            p["kernel_kb"] = spread(p["kernel_kb"])
    return out or None


def storms(records):
    out = []
    for kind, f in records:
        if kind != "storm":
            continue
        generated = f["binds"] + f["unbinds"]
        delivered = f["bind"] + f["unbind"]
        span = f["last_seq"] - f["first_seq"] + 1 if f["first_seq"] >= 0 else 0
        exact = delivered + f["lost"] == generated and f["other"] == 0
        # every seq once; the gaps inside the range are lost (drops after
        # the last delivered event show only in the kernel's counter)
        seq_ok = f["dup_seq"] == 0 and 0 <= span - f["events"] <= f["lost"]
        stalled = f.get("stalled") == 1
        seconds = (f["ns"] + f["drain_ns"]) / 1e9
        out.append({
            "name": f["name"], "driver": f["driver"], "stalled": stalled,
            "generated": generated,
            "delivered": delivered, "lost": f["lost"], "lost_records": f["lost_records"],
            "other_events": f["other"], "first_seq": f["first_seq"],
            "last_seq": f["last_seq"], "seq_span": span,
            "seq_ok": seq_ok, "duplicate_seq": f["dup_seq"],
            "daemon_counts_ok": f.get("daemon_events") == f["events"] and
            f.get("daemon_lost") == f["lost"],
            "json_valid": f["json_ok"] == 1,
            "accounting_exact": exact,
            "storm_ns": f["ns"], "drain_ns": f["drain_ns"],
            "daemon_cpu_ns": f.get("daemon_cpu_ns"),
            "daemon_cpu_ns_per_event": f["daemon_cpu_ns"] / delivered
            if delivered and f.get("daemon_cpu_ns") else None,
            "generated_per_s": generated / (f["ns"] / 1e9),
            "delivered_per_s": delivered / seconds if seconds else 0,
            # a stalled daemon must lose events (else nothing was tested)
            # and account for each; a running one must lose none
            "met": exact and seq_ok and f["json_ok"] == 1 and
            (f["lost"] > 0 if stalled else f["lost"] == 0),
        })
    return out


def boot(records):
    """The boot pairs: with / without per round, for each span; dmaguard's
    own start (systemd's InactiveExit to ActiveEnter, i.e. READY=1)."""
    by = {}
    for kind, f in records:
        if kind == "boot":
            by.setdefault(f["state"], {})[f["round"]] = f
    w, wo = by.get("with", {}), by.get("without", {})
    rounds = sorted(set(w) & set(wo))
    if not rounds:
        return None
    figs = []
    for fig, label, origin in BOOT_SPANS:
        def ms(f):
            return (f["multi_user_us"] - (f[origin] if origin else 0)) / 1e3
        pairs = [(ms(w[r]), ms(wo[r])) for r in rounds]
        ratio = spread([a / b for a, b in pairs])
        figs.append({"figure": fig, "label": label, "ratio": ratio,
                     "ms": {"with": spread([a for a, _ in pairs]),
                            "without": spread([b for _, b in pairs])},
                     "added_ms": statistics.median(a - b for a, b in pairs),
                     "pairs": [{"round": r, "with": a, "without": b}
                               for r, (a, b) in zip(rounds, pairs)],
                     "target_max": BOOT_TARGET, "met": ratio["median"] <= BOOT_TARGET})
    start = [(w[r]["dmaguard_ready_us"] - w[r]["dmaguard_start_us"]) / 1e3 for r in rounds]
    return {"figures": figs, "dmaguard_start_to_ready_ms": spread(start)}


def analyse(lines, host):
    records = [parse_record(t) for t in lines]
    meta = next((f for k, f in records if k == "meta"), {})
    daemon = next((f for k, f in records if k == "daemon"), {})
    figs = ratio_figures(records)
    boots = boot(records)
    if not figs and not boots:
        raise ValueError("no paired measurements in the records")
    if not meta:    # the boot figure alone
        meta = next(({"kernel": f["kernel"], "nproc": f["nproc"], "rounds": 0}
                     for k, f in records if k == "boot"), {})
    shift = host.get("icount_shift")
    return {"meta": meta, "host": host, "hooks": daemon.get("hooks"),
            "clock": host.get("clock", "real"),
            "ns_per_instruction": 2 ** shift if shift is not None else None,
            "ratios": figs, "events": storms(records), "startup": startup(records),
            "scale": scale_startup(records),
            "bpf": bpf_figures(records), "boot": boots,
            "startup_profile": startup_profile(records)}


# ------------------------------------------------------------------ table

def _verdict(f):
    if "met" not in f:
        return "(no target)"
    return "ok" if f["met"] else "MISSED"


class Units:
    """Under icount the guest's nanoseconds count instructions: show those."""

    def __init__(self, res):
        self.per_insn = res.get("ns_per_instruction")
        self.name = "insn" if self.per_insn else "ns"

    def of(self, ns):
        return ns / self.per_insn if self.per_insn else ns


def _ratio_rows(res, u):
    rows = ["%-60s %11s %11s %9s  %-22s %6s  %-10s" % (
        "figure: state (ratio per pair, against without)", u.name + "/op",
        "without", "added", "ratio median [min..max]", "IQR", "target")]
    for f in res["ratios"]:
        r = f["ratio"]
        if "target_min" in f:
            target = "1 +- %.0f%%" % (100 * RULES_TOLERANCE)
        elif "target_max" in f:
            target = "<= %.2f" % f["target_max"]
        else:
            target = "-"
        rows.append("%-60s %11.0f %11.0f %9.0f  %.3f [%.3f..%.3f] %6.3f  %-10s %s" % (
            f["label"], u.of(f["ns_per_op"][f["state"]]["median"]),
            u.of(f["ns_per_op"][f["baseline"]]["median"]), u.of(f["added_per_op"]),
            r["median"], r["min"], r["max"], r["q3"] - r["q1"], target, _verdict(f)))
    return rows


def _event_rows(res, u):
    rows = []
    for e in res["events"]:
        if e["met"]:
            verdict = "exact, events lost and all counted" if e["stalled"] else \
                "exact, zero loss"
        else:
            verdict = "MISSED"
        rows.append("event storm %s%s: %d generated = %d delivered + %d lost (seq %d..%d %s, "
                    "daemon's own count %s, JSON %s): %s" % (
                        e["name"], " (daemon stopped during the storm)" if e["stalled"] else "",
                        e["generated"], e["delivered"], e["lost"],
                        e["first_seq"], e["last_seq"],
                        "adds up" if e["seq_ok"] else "DOES NOT ADD UP",
                        "agrees" if e["daemon_counts_ok"] else "DIFFERS",
                        "valid" if e["json_valid"] else "INVALID", verdict))
        if e["stalled"]:
            continue
        cost = e["daemon_cpu_ns_per_event"]
        rows.append("  %.0f events/s generated and %.0f/s written (guest clock); daemon "
                    "CPU %s per event%s" % (
                        e["generated_per_s"], e["delivered_per_s"],
                        "%.0f %s" % (u.of(cost), u.name) if cost else "?",
                        ", i.e. one vCPU carries ~%.0f events/s" % (1e9 / cost)
                        if cost else ""))
    return rows


def _startup_rows(res, u):
    s = res["startup"]
    if not s:
        return []
    m = s["ms_to_enforcing"]
    rows = ["start-up to enforcing: median %.0f ms [%.0f..%.0f] guest clock over %d starts%s" % (
        m["median"], m["min"], m["max"], m["n"],
        " (~%.0f M instructions)" % (u.of(m["median"] * 1e6) / 1e6) if u.per_insn else ""),
        "daemon peak RSS (VmHWM): %d kB at enforcing%s%s" % (
            s["vmhwm_kb_at_enforcing"]["max"],
            ", %d kB idle" % s["vmhwm_kb_idle_daemon"]["max"]
            if "vmhwm_kb_idle_daemon" in s else "",
            ", %d kB after an event storm" % s["vmhwm_kb_after_storm"]["max"]
            if "vmhwm_kb_after_storm" in s else "")]
    return rows


def _scale_rows(res):
    s = res.get("scale")
    if not s:
        return []
    rows = ["rule scale (small: 2 rules; max: 65,536 of the same 2 kinds; kinds: 65,536 of 8):"]
    for name in ("small", "max", "kinds"):
        p = s.get(name)
        if not p:
            continue
        rows.append("  %-6s start-up to enforcing %.0f ms, daemon VmHWM %s kB at enforcing, "
                    "%s kB idle; kernel memory at load %s kB; map memlock %s" % (
                        name, p.get("start_ms", 0), p.get("start_vmhwm_kb", "-"),
                        p.get("stop_vmhwm_kb", "-"),
                        "%.0f" % p["kernel_kb"]["median"] if "kernel_kb" in p else "-",
                        ", ".join("%s %d" % kv for kv in sorted(p.get("maps", {}).items()))))
    return rows


def _bpf_rows(res, u):
    b = res["bpf"]
    if not b:
        return []
    rows = ["BPF programs: %d, %d instructions processed by the verifier in all; "
            "maps: %d, %d bytes memlock" % (b["n_programs"], b["total_verified_insns"],
                                             b["n_maps"], b["total_map_memlock"])]
    rows.append("  %-34s %-8s %8s %8s %8s  %s" % (
        "program", "type", "verified", "xlated", "jited",
        "runs per op x %s per run (bpf_stats on)" % u.name))
    for p in b["programs"]:
        cost = ", ".join("%s %.2f x %.0f" % (fig, c["runs_per_op"], u.of(c["ns_per_run"]))
                         for fig, c in sorted(p["per_op"].items()))
        rows.append("  %-34s %-8s %8d %8d %8d  %s" % (
            p["link"], p["type"], p["verified_insns"], p["xlated_bytes"],
            p["jited_bytes"], cost))
    rows.append("  %-16s %-14s %8s %8s %12s %s" % ("map", "type", "entries", "value",
                                                  "memlock", "pinned"))
    for m in b["maps"]:
        rows.append("  %-16s %-14s %8d %8d %12d %s" % (
            m["name"], m["type"], m["max_entries"], m["value"], m["memlock"],
            "yes" if m["pinned"] else "no"))
    return rows


def _profile_rows(res, u):
    prof = res.get("startup_profile")
    if not prof:
        return []
    pols = sorted(prof, key=lambda p: (p != "shipped", p))
    rows = ["start-up to enforcing, traced (uprobes), ms guest clock: policy " +
            ", ".join(pols),
            "  %-66s" % "step" + "".join("%10s %4s" % (p, "%") for p in pols)]
    steps = [(s["step"], s["label"]) for s in prof[pols[0]]["steps"]]
    for step, label in steps:
        cells = ""
        for p in pols:
            ms = next((s["ms"] for s in prof[p]["steps"] if s["step"] == step), None)
            cells += "%10.0f %3.0f%%" % (ms, 100 * ms / prof[p]["total_ms"]) \
                if ms is not None else "%10s %4s" % ("-", "")
        rows.append("  %-66s%s" % (label, cells))
    rows.append("  %-66s" % "total" + "".join(
        "%10.0f %4s" % (prof[p]["total_ms"], "") for p in pols))
    verified = {p["link"]: p["verified_insns"] for p in (res.get("bpf") or {}).get("programs", [])}
    rows.append("  %-26s %9s %18s" % ("program", "verified", "prepare ms (libbpf)") +
                "".join("%16s" % ("load ms " + p) for p in pols))
    first = prof[pols[0]]["programs"]
    for prog in first:
        cells = ""
        for p in pols:
            m = next((x for x in prof[p]["programs"] if x["name"] == prog["name"]), None)
            cells += "%16.0f" % m["load_ms"] if m else "%16s" % "-"
        rows.append("  %-26s %9s %18.0f%s" % (prog["name"], verified.get(prog["name"], "?"),
                                              prog["prepare_ms"], cells))
    rows.append("  %-26s %9s %18.0f%s" % (
        "all", sum(verified.get(x["name"], 0) for x in first) or "?",
        sum(x["prepare_ms"] for x in first),
        "".join("%16.0f" % sum(x["load_ms"] for x in prof[p]["programs"]) for p in pols)))
    for p in pols:
        c, a = prof[p]["core_candidate_searches"], prof[p]["attach_one"]
        rows.append("  %s: %d CO-RE candidate searches %.0f ms; %d attach+pin %.0f ms%s" % (
            p, c["n"], c["ms"], a["n"], a["ms"],
            "; gates %.0f ms" % prof[p]["gates_attach"]["ms"]
            if prof[p]["gates_attach"]["n"] else ""))
    return rows


def _boot_rows(res):
    b = res.get("boot")
    if not b:
        return []
    rows = ["%-60s %11s %11s %9s  %-22s %6s  %-10s" % (
        "boot, dmaguard.service enabled against masked (%d pairs)" % b["figures"][0]["ratio"]["n"],
        "ms with", "without", "added", "ratio median [min..max]", "IQR", "target")]
    for f in b["figures"]:
        r = f["ratio"]
        rows.append("%-60s %11.0f %11.0f %9.0f  %.3f [%.3f..%.3f] %6.3f  <= %.2f    %s" % (
            f["label"], f["ms"]["with"]["median"], f["ms"]["without"]["median"],
            f["added_ms"], r["median"], r["min"], r["max"], r["q3"] - r["q1"],
            f["target_max"], _verdict(f)))
    s = b["dmaguard_start_to_ready_ms"]
    rows.append("dmaguard.service start to READY=1 during the boot: median %.0f ms "
                "[%.0f..%.0f] guest clock" % (s["median"], s["min"], s["max"]))
    return rows


def table(res):
    meta, u = res["meta"], Units(res)
    clock = "icount: guest ns = %d x instructions" % u.per_insn if u.per_insn else \
        "host wall clock (TCG)"
    vm = ", deny hooks %s, %s pairs (order alternating)" % (
        res.get("hooks"), meta.get("rounds")) if res["ratios"] else ""
    head = ("dmaguard bench: kernel %s, %s vCPU%s, clock %s; host load %.2f before, "
            "%.2f after" % (meta.get("kernel"), meta.get("nproc"), vm, clock,
                            res["host"]["load_before"][0], res["host"]["load_after"][0]))
    rows = [head, ""]
    if res["ratios"]:
        rows += _ratio_rows(res, u) + [""] + _event_rows(res, u) + [""] + \
            _startup_rows(res, u) + _scale_rows(res) + _bpf_rows(res, u) + [""] + \
            _profile_rows(res, u) + [""]
    rows += _boot_rows(res)
    boot_figs = res["boot"]["figures"] if res.get("boot") else []
    missed = [f["label"] for f in res["ratios"] + boot_figs if f.get("met") is False] + \
        ["event storm " + e["name"] for e in res["events"] if not e["met"]]
    rows += ["", "targets missed: " + "; ".join(missed) if missed else "all targets met"]
    return "\n".join(rows)


# a unit's output on the console of the system image, through journald
UNIT_PREFIX = re.compile(r"^\[\s*[0-9.]+\] [^ :]+: ")


def _records_from_log(path):
    lines, inside = [], False
    with open(path, errors="replace") as f:
        for raw in f:
            text = raw.split("| ", 1)[1].rstrip("\n") if "| " in raw else raw.rstrip("\n")
            text = UNIT_PREFIX.sub("", text)
            if text.startswith("===== bench data"):
                inside = True
            elif text.startswith("===== end of bench data"):
                inside = False
            elif inside and text.startswith("BENCH "):
                lines.append(text[len("BENCH "):])
    return lines


if __name__ == "__main__":
    args = sys.argv[1:]
    shift = int(args.pop()) if len(args) > 1 and args[-1].isdigit() else None
    if not args:
        print("usage: report.py CONSOLE-LOG... [ICOUNT-SHIFT]", file=sys.stderr)
        sys.exit(2)
    result = analyse([r for path in args for r in _records_from_log(path)],
                     {"load_before": [0, 0, 0], "load_after": [0, 0, 0],
                      "clock": "icount" if shift is not None else "real",
                      "icount_shift": shift})
    print(table(result))
