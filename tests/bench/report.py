"""Turn the guest's "BENCH ..." records into the numbers of `make bench`
(analyse) and a readable table (table). Pure functions of the records, so
they can be checked without a VM: python3 tests/bench/report.py LOG reads
the records from a console log and prints the table again.
"""

import statistics
import sys

# figure key -> (label, state measured, state compared with, target ratio)
RATIOS = [
    ("open-reg", "open+close, regular file", "with", "without", 1.02),
    ("open-reg", "  daemon stopped, still pinned", "pinned", "without", 1.02),
    ("open-null", "open+close, /dev/null", "with", "without", 1.02),
    ("open-null", "  daemon stopped, still pinned", "pinned", "without", 1.02),
    ("cgroup", "cgroup mkdir+rmdir", "with", "without", 1.02),
    ("cgroup", "  daemon stopped, still pinned", "pinned", "without", 1.02),
    ("bind", "e1000 unbind+bind, 1024 rules", "with", "without", 1.05),
    ("bind", "e1000 unbind+bind, 1 rule", "with1", "without", 1.05),
]
# 1024 rules (matching rule last) against 1 rule: within 2% either way
RULES_TOLERANCE = 0.02


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
    for fig, label, num, den, target in RATIOS:
        r = _ratio(loops, fig, num, den)
        if r is None:
            continue
        r.update({"figure": fig, "label": label, "state": num, "baseline": den,
                  "target_max": target, "met": r["ratio"]["median"] <= target})
        figs.append(r)
    r = _ratio(loops, "bind", "with", "with1")
    if r is not None:
        med = r["ratio"]["median"]
        r.update({"figure": "bind", "label": "e1000 bind, 1024 rules vs 1 rule",
                  "state": "with", "baseline": "with1",
                  "target_max": 1 + RULES_TOLERANCE, "target_min": 1 - RULES_TOLERANCE,
                  "met": abs(med - 1) <= RULES_TOLERANCE})
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


def storms(records):
    out = []
    for kind, f in records:
        if kind != "storm":
            continue
        generated = f["binds"] + f["unbinds"]
        delivered = f["bind"] + f["unbind"]
        span = f["last_seq"] - f["first_seq"] + 1 if f["first_seq"] >= 0 else 0
        exact = delivered + f["lost"] == generated and f["other"] == 0
        seconds = (f["ns"] + f["drain_ns"]) / 1e9
        out.append({
            "name": f["name"], "driver": f["driver"], "generated": generated,
            "delivered": delivered, "lost": f["lost"], "lost_records": f["lost_records"],
            "other_events": f["other"], "first_seq": f["first_seq"],
            "last_seq": f["last_seq"], "seq_span": span,
            "seq_span_ok": span == f["events"] + f["lost"],
            "daemon_counts_ok": f.get("daemon_events") == f["events"] and
            f.get("daemon_lost") == f["lost"],
            "json_valid": f["json_ok"] == 1,
            "accounting_exact": exact,
            "storm_seconds": f["ns"] / 1e9, "drain_seconds": f["drain_ns"] / 1e9,
            "generated_per_s": generated / (f["ns"] / 1e9),
            "delivered_per_s": delivered / seconds if seconds else 0,
            "met": exact and f["lost"] == 0 and span == f["events"],
        })
    return out


def analyse(lines, host):
    records = [parse_record(t) for t in lines]
    meta = next((f for k, f in records if k == "meta"), {})
    daemon = next((f for k, f in records if k == "daemon"), {})
    figs = ratio_figures(records)
    if not figs:
        raise ValueError("no paired measurements in the records")
    return {"meta": meta, "host": host, "hooks": daemon.get("hooks"),
            "ratios": figs, "events": storms(records), "startup": startup(records),
            "bpf": bpf_figures(records)}


# ------------------------------------------------------------------ table

def _verdict(met):
    return "ok" if met else "MISSED"


def _ratio_rows(res):
    rows = ["%-34s %10s %10s  %-24s %6s  %-9s %s" % (
        "figure (per-pair ratio)", "ns/op", "baseline", "ratio median [min..max]",
        "IQR", "target", "")]
    for f in res["ratios"]:
        r = f["ratio"]
        target = "<= %.2f" % f["target_max"] if "target_min" not in f else \
            "1 +- %.0f%%" % (100 * RULES_TOLERANCE)
        rows.append("%-34s %10.0f %10.0f  %.3f [%.3f..%.3f]%s %6.3f  %-9s %s" % (
            f["label"], f["ns_per_op"][f["state"]]["median"],
            f["ns_per_op"][f["baseline"]]["median"], r["median"], r["min"], r["max"],
            "", r["q3"] - r["q1"], target, _verdict(f["met"])))
    return rows


def _event_rows(res):
    rows = []
    for e in res["events"]:
        rows.append("event storm %-8s generated %d, delivered %d + lost %d (seq %d..%d, "
                    "%s), json %s: %s; %.0f events/s generated, %.0f/s delivered" % (
                        e["name"], e["generated"], e["delivered"], e["lost"],
                        e["first_seq"], e["last_seq"],
                        "no gap" if e["seq_span_ok"] else "SEQ MISMATCH",
                        "valid" if e["json_valid"] else "INVALID",
                        _verdict(e["met"]), e["generated_per_s"], e["delivered_per_s"]))
    return rows


def _startup_rows(res):
    s = res["startup"]
    if not s:
        return []
    m = s["ms_to_enforcing"]
    rows = ["start-up to enforcing: median %.0f ms [%.0f..%.0f] over %d starts" % (
        m["median"], m["min"], m["max"], m["n"]),
        "daemon peak RSS (VmHWM): %d kB at enforcing%s%s" % (
            s["vmhwm_kb_at_enforcing"]["max"],
            ", %d kB idle" % s["vmhwm_kb_idle_daemon"]["max"]
            if "vmhwm_kb_idle_daemon" in s else "",
            ", %d kB after an event storm" % s["vmhwm_kb_after_storm"]["max"]
            if "vmhwm_kb_after_storm" in s else "")]
    return rows


def _bpf_rows(res):
    b = res["bpf"]
    if not b:
        return []
    rows = ["BPF programs: %d, %d instructions processed by the verifier in all; "
            "maps: %d, %d bytes memlock" % (b["n_programs"], b["total_verified_insns"],
                                             b["n_maps"], b["total_map_memlock"])]
    rows.append("  %-34s %-8s %8s %8s %8s  %s" % ("program", "type", "verified", "xlated",
                                                   "jited", "runs/op and ns/run"))
    for p in b["programs"]:
        cost = ", ".join("%s %.2f x %.0f ns" % (fig, c["runs_per_op"], c["ns_per_run"])
                         for fig, c in sorted(p["per_op"].items()))
        rows.append("  %-34s %-8s %8d %8d %8d  %s" % (
            p["name"], p["type"], p["verified_insns"], p["xlated_bytes"],
            p["jited_bytes"], cost))
    rows.append("  %-16s %-14s %8s %8s %12s %s" % ("map", "type", "entries", "value",
                                                  "memlock", "pinned"))
    for m in b["maps"]:
        rows.append("  %-16s %-14s %8d %8d %12d %s" % (
            m["name"], m["type"], m["max_entries"], m["value"], m["memlock"],
            "yes" if m["pinned"] else "no"))
    return rows


def table(res):
    meta = res["meta"]
    head = ("dmaguard bench: kernel %s, %s vCPU, hooks %s, %s pairs (A B A B, order "
            "alternating); host load %.2f before, %.2f after" % (
                meta.get("kernel"), meta.get("nproc"), res.get("hooks"),
                meta.get("rounds"), res["host"]["load_before"][0],
                res["host"]["load_after"][0]))
    rows = [head, ""] + _ratio_rows(res) + [""] + _event_rows(res) + [""] + \
        _startup_rows(res) + _bpf_rows(res)
    missed = [f["label"] for f in res["ratios"] if not f["met"]] + \
        ["event storm " + e["name"] for e in res["events"] if not e["met"]]
    rows += ["", "targets missed: " + "; ".join(missed) if missed else "all targets met"]
    return "\n".join(rows)


def _records_from_log(path):
    lines, inside = [], False
    with open(path, errors="replace") as f:
        for raw in f:
            text = raw.split("| ", 1)[1].rstrip("\n") if "| " in raw else raw.rstrip("\n")
            if text.startswith("===== bench data"):
                inside = True
            elif text.startswith("===== end of bench data"):
                inside = False
            elif inside and text.startswith("BENCH "):
                lines.append(text[len("BENCH "):])
    return lines


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: report.py CONSOLE-LOG", file=sys.stderr)
        sys.exit(2)
    result = analyse(_records_from_log(sys.argv[1]),
                     {"load_before": [0, 0, 0], "load_after": [0, 0, 0]})
    print(table(result))
