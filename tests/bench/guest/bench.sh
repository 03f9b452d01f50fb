# `make bench`: what dmaguard costs while always on (tests/bench/README.md).
# Runs as a VM scenario, sourced after lib.sh and dg_discover. Every number
# goes to the console as one "BENCH <kind> key=value ..." line between the
# data markers; tests/bench/bench.py computes the ratios from them.
#
# One vCPU, so nothing runs beside the loop being timed:
# vm: smp=1
# vm: kernels=bookworm
# vm: timeout=1800
. /vm/dmaguard.sh

# Sizes, scaled by bench.scale=PERCENT (quick trial runs); rounds by
# bench.rounds=N. Each timed run is REPS repetitions of N iterations.
ROUNDS=10 SCALE=100 REPS=3 SETTLE=1 ONLY=
for word in $(cat /proc/cmdline); do
	case "$word" in
	bench.only=*) ONLY=${word#*=} ;;
	bench.rounds=*) ROUNDS=${word#*=} ;;
	bench.scale=*) SCALE=${word#*=} ;;
	bench.settle=*) SETTLE=${word#*=} ;;
	esac
done
scaled() {
	local v=$(($1 * SCALE / 100))
	[ "$v" -gt 0 ] || v=1
	echo "$v"
}
N_OPEN=$(scaled 10000)
N_CGROUP=$(scaled 200)
N_BIND=$(scaled 2)
STORM_STUB=$(scaled 2000)
STORM_E1000=$(scaled 20)
STORM_STALLED=$(scaled 1000)
N_STUB=$(scaled 100)
N_VFIO=$(scaled 2000)

P1024=/tmp/policy-1024.conf
P1=/tmp/policy-1.conf
P1024Q=/tmp/policy-1024-quiet.conf
PMAX=/tmp/policy-max.conf
PKINDS=/tmp/policy-kinds.conf
PSMALL=/tmp/policy-small.conf
MAX_RULES=65536
FILE=/tmp/bench-file
CG=/sys/fs/cgroup
BIND_DEV=$SHARED_A
STUB_DEV=$SHARED_B
DAEMON_PID=
DAEMON_LOG=/tmp/daemon.log
NULL_PIN=/sys/fs/bpf/bench-null
# how dmaguard attaches its deny hooks here: BPF LSM if bpf is an active LSM
if grep -q bpf /sys/kernel/security/lsm; then HOOKS=lsm; else HOOKS=fmod_ret; fi

rec() {
	echo "BENCH $*"
}

progress() {
	echo "[bench] $*"
}

# The 1024-rule policy (1023 rules that match nothing here, then the rule
# that allows the e1000 devices: every bind walks the whole list) and the
# 1-rule policy (that rule alone). default bind deny: should the last rule
# not match, the bind loop fails instead of measuring a shorter walk.
# gen_policy QUIET FILE: QUIET=1 writes the same 1024 rules with every deny
# made audit (bind) or allow (open): a policy that can deny no bind and
# judges no open, for which dmaguard attaches neither hot-path hook.
gen_policy() {
	awk -v quiet="$1" 'BEGIN {
		deny_bind = quiet ? "audit" : "deny"
		deny_open = quiet ? "allow" : "deny"
		print "# 1023 rules that match nothing in the VM, then the one that does"
		print "mode enforce"
		print quiet ? "default bind allow" : "default bind deny"
		print "default open allow"
		for (i = 0; i < 1023; i++) {
			k = i % 6
			if (k == 0)
				printf "%s bind device=0000:7f:%02x.%d\n", deny_bind, i % 32, i % 8
			else if (k == 1)
				printf "allow bind id=1af4:%04x driver=virtio-pci\n", 4096 + i
			else if (k == 2)
				printf "audit bind class=0x0c03%02x group=%d\n", i % 64, 1000 + i
			else if (k == 3)
				printf "%s bind driver=nvme%d dma=kernel\n", deny_bind, i
			else if (k == 4)
				printf "allow open group=%d uid=%d comm=qemu-%d\n", 1000 + i, 1000 + i, i
			else
				printf "%s open device=0000:7e:%02x.0 gid=%d\n", deny_open, i % 32, i
		}
		print "allow bind id=8086:100e"
	}' >"$2"
}

write_policies() {
	gen_policy 0 "$P1024"
	gen_policy 1 "$P1024Q"
	printf 'mode enforce\ndefault bind deny\ndefault open allow\nallow bind id=8086:100e\n' >"$P1"
	chmod 600 "$P1024" "$P1024Q" "$P1"
	# valid (exit 0 or 1: the devices bound now that default deny would refuse)
	dmaguard check "$P1024" >/tmp/check.log 2>&1
	[ $? -le 1 ] || { cat /tmp/check.log; fail "$P1024 is not a valid policy"; }
	expect_eq "$(grep -cE '^(allow|deny|audit) (bind|open)' "$P1024")" 1024 "rules in $P1024"
	expect_eq "$(grep -cE '^(allow|audit) (bind|open)' "$P1024Q")" 1024 "allow/audit rules in $P1024Q"
}

# daemon_start POLICY [RUN-OPTIONS...]: `dmaguard run` via bench-start,
# which times it to "enforcing"; the record goes out with the given kind.
daemon_start() {
	local kind=$1 policy=$2 out
	shift 2
	: >"$DAEMON_LOG"
	out=$(bench-start "$DAEMON_LOG" dmaguard run --policy "$policy" "$@")
	case "$out" in
	startup_ns=*) ;;
	*)	sed 's/^/    | /' "$DAEMON_LOG"
		fail "dmaguard run did not start: $out" ;;
	esac
	DAEMON_PID=$(echo "$out" | sed 's/.* pid=\([0-9]*\).*/\1/')
	rec "$kind $out"
}

vmhwm() {
	sed -n 's/^VmHWM:[ \t]*\([0-9]*\).*/\1/p' "/proc/$1/status"
}

# daemon_stop KIND: record the daemon's peak RSS, SIGTERM it, wait until it
# is gone (it is init's child now) and check it stopped cleanly.
daemon_stop() {
	local n=0
	rec "$1 pid=$DAEMON_PID vmhwm_kb=$(vmhwm "$DAEMON_PID")"
	kill -TERM "$DAEMON_PID" || fail "cannot signal the daemon"
	while [ -e "/proc/$DAEMON_PID" ] &&
	    ! grep -q '^State:[[:space:]]*Z' "/proc/$DAEMON_PID/status" 2>/dev/null; do
		n=$((n + 1))
		[ "$n" -lt 3000 ] || fail "the daemon did not stop in 30 s"
		usleep 10000
	done
	grep -q '^dmaguard run: stopped' "$DAEMON_LOG" || {
		sed 's/^/    | /' "$DAEMON_LOG"
		fail "the daemon did not stop cleanly"
	}
	DAEMON_PID=
}

unload() {
	dmaguard unload >/tmp/unload.log 2>&1 || {
		cat /tmp/unload.log
		fail "dmaguard unload failed"
	}
	[ ! -e "$DG_PIN" ] || fail "$DG_PIN still exists after unload"
	[ "$(bpf_prog_count)" -eq 0 ] || fail "BPF programs left after unload: $(bpf-progs)"
}

# measure ROUND STATE FIG CMD...: one timed run, one record.
measure() {
	local round=$1 state=$2 fig=$3 out
	shift 3
	out=$("$@") || fail "$fig ($state): $out"
	rec "loop round=$round state=$state fig=$fig $out"
}

# Loading and unloading leave work behind (RCU callbacks freeing programs
# and trampolines, the daemon's first poll): let it finish before timing.
settle() {
	sleep "$SETTLE"
}

measure_common() {
	measure "$1" "$2" open-reg bench-loop open "$FILE" "$N_OPEN" "$REPS"
	measure "$1" "$2" open-null bench-loop open /dev/null "$N_OPEN" "$REPS"
	measure "$1" "$2" cgroup bench-loop cgroup "$CG" "$N_CGROUP" "$REPS"
}

bind_loop() {
	measure "$1" "$2" bind bench-loop bind "$BIND_DEV" e1000 "$N_BIND" "$REPS"
}

reload() {
	dmaguard reload --policy "$1" >/tmp/reload.log 2>&1 || {
		cat /tmp/reload.log
		fail "dmaguard reload $1 failed"
	}
}

# with: loaded, daemon running (without --all, as deployed), 1024 rules;
# then the bind loop again with 1 rule (the order of the two alternates);
# then pinned: the daemon stopped, enforcement (1024 rules) left in force;
# then quiet: pinned with P1024Q, where neither hot-path hook is attached.
state_with() {
	local round=$1
	daemon_start start "$P1024" --output /tmp/events.txt
	settle
	measure_common "$round" with
	if [ $((round % 2)) -eq 0 ]; then
		bind_loop "$round" with
		reload "$P1"
		bind_loop "$round" with1
	else
		reload "$P1"
		bind_loop "$round" with1
		reload "$P1024"
		bind_loop "$round" with
	fi
	daemon_stop stop
	reload "$P1024"
	settle
	measure_common "$round" pinned
	reload "$P1024Q"
	ls "$DG_PIN/links" | grep -qE 'kernfs|file_open' &&
		fail "hot-path hooks attached under $P1024Q: $(ls "$DG_PIN/links")"
	settle
	measure_common "$round" quiet
	unload
}

# null: no dmaguard, but a do-nothing BPF program on the open and kernfs
# hooks, attached as dmaguard attaches them: the floor of any BPF hook there.
state_null() {
	local out
	out=$(bench-nullhook "$NULL_PIN" "$HOOKS") || fail "bench-nullhook: $out"
	settle
	measure_common "$1" null
	rm -r "$NULL_PIN"
	settle
	[ "$(bpf_prog_count)" -eq 0 ] || fail "null hooks still loaded: $(bpf-progs)"
}

state_without() {
	settle
	measure_common "$1" without
	bind_loop "$1" without
}

# ------------------------------------------------------------ figures 1-3, 5

ratio_rounds() {
	local r=0
	while [ "$r" -lt "$ROUNDS" ]; do
		progress "round $((r + 1)) of $ROUNDS"
		if [ $((r % 2)) -eq 0 ]; then
			state_with "$r"
			state_null "$r"
			state_without "$r"
		else
			state_without "$r"
			state_null "$r"
			state_with "$r"
		fi
		r=$((r + 1))
	done
}

# The programs' verifier figures and the maps' memory, then where the time
# goes: with kernel.bpf_stats_enabled the kernel counts each program's runs
# and run time (this costs time itself, so only here, after the ratios).
bpf_figures() {
	local fig
	daemon_start start-info "$P1024" --output /tmp/events.txt
	bench-bpfinfo "$DG_PIN" >/tmp/bpfinfo.txt || fail "bench-bpfinfo failed"
	sed 's/^/BENCH phase=loaded /' /tmp/bpfinfo.txt
	echo 1 >/proc/sys/kernel/bpf_stats_enabled || fail "cannot enable bpf stats"
	for fig in open-reg open-null cgroup bind; do
		bench-bpfinfo "$DG_PIN" | sed "s/^/BENCH phase=before-$fig /"
		case $fig in
		open-reg) out=$(bench-loop open "$FILE" "$N_OPEN" 1) ;;
		open-null) out=$(bench-loop open /dev/null "$N_OPEN" 1) ;;
		cgroup) out=$(bench-loop cgroup "$CG" "$N_CGROUP" 1) ;;
		bind) out=$(bench-loop bind "$BIND_DEV" e1000 "$N_BIND" 1) ;;
		esac || fail "$fig with stats: $out"
		bench-bpfinfo "$DG_PIN" | sed "s/^/BENCH phase=after-$fig /"
		rec "statsloop fig=$fig $out"
	done
	echo 0 >/proc/sys/kernel/bpf_stats_enabled
	daemon_stop stop-info
	unload
}

# Where start-up goes: an entry and a return uprobe on each step of `run`
# (dmaguard's functions and libbpf's, found in /bin/dmaguard's symbol table
# by bench-uprobes), traced on CLOCK_MONOTONIC, the clock bench-start times
# with; each event becomes a "trace" record (report.py: startup_breakdown).
# bpf_prog_load's entry carries the program's name.
PROFILE_FUNCS="main daemon_load_policy loader_open_programs kernel_btf_read btf_index_build
	core_btf_cut bpf_object__open_skeleton mapsize_apply bpf_object__load_skeleton bpf_object__load_vmlinux_btf
	btf_load_into_kernel bpf_object__create_maps bpf_core_add_cands bpf_object_load_prog
	bpf_prog_load=name=+0(%si):string loader_attach_and_pin attach_one gates_attach
	topology_scan loader_seed_nodes"
TRACE=/sys/kernel/tracing

# profile NAME POLICY: one start of `dmaguard run`, traced.
profile() {
	echo >"$TRACE/trace"
	echo 1 >"$TRACE/events/dg/enable" || fail "cannot enable the uprobes"
	daemon_start "profile-start policy=$1" "$2" --output /tmp/events.txt
	echo 0 >"$TRACE/events/dg/enable"
	# "dmaguard-191 [000] DNZff 17.208852: bpf_prog_load: (0x414e60) name="probe_enter""
	awk -v policy="$1" '!/^#/ {
		for (i = 1; i < NF; i++)
			if ($i ~ /^[0-9]+\.[0-9]+:$/)
				break
		if (i >= NF)
			next
		split(substr($i, 1, length($i) - 1), t, ".")
		ev = substr($(i + 1), 1, length($(i + 1)) - 1)
		prog = "-"
		if (match($0, /name="[^"]*"/))
			prog = substr($0, RSTART + 6, RLENGTH - 7)
		# as a string: busybox awk reads "012345" as octal
		printf "BENCH trace policy=%s t_ns=%s%s000 ev=%s prog=%s\n", policy,
			t[1], t[2], ev, prog
	}' "$TRACE/trace"
	daemon_stop stop-profile
	unload
}

startup_profile() {
	local shipped=/tmp/policy-shipped.conf
	printf 'mode enforce\ndefault bind allow\ndefault open allow\n' >"$shipped"
	chmod 600 "$shipped"
	grep -q " $TRACE " /proc/mounts || mount -t tracefs nodev "$TRACE" ||
		fail "cannot mount tracefs on $TRACE"
	echo mono >"$TRACE/trace_clock" || fail "no mono trace clock"
	echo 8192 >"$TRACE/buffer_size_kb"
	# a step missing from the symbol table is left out, and said
	bench-uprobes /bin/dmaguard $PROFILE_FUNCS >/tmp/uprobes 2>/tmp/uprobes.err ||
		sed 's/^/[bench] /' /tmp/uprobes.err
	while read -r probe; do
		echo "$probe" >>"$TRACE/uprobe_events" || fail "cannot add uprobe: $probe"
	done </tmp/uprobes
	# the shipped policy (as dmaguard.service starts at boot), then the 1024 rules
	profile shipped "$shipped"
	profile 1024 "$P1024"
	echo >"$TRACE/uprobe_events"
}

# ------------------------------------------------------------ figure 7

# The rule index at its limit, against the same kinds of rule with one rule
# each: "small" is one rule per action, the two that decide here (the
# stub's bind by device, the VFIO node's open by uid); "max" is MAX_RULES
# rules of those two kinds, the deciding ones last; "kinds" is MAX_RULES
# rules of eight kinds (filler_rules), then the two, so the cost of each
# kind of rule a policy adds shows. Both actions default to deny, so a
# rule that failed to match would fail the loop instead of measuring less;
# opens of the VFIO group node are judged.
write_scale_policies() {
	local head='mode enforce
default bind deny
default open deny'
	local tail="allow bind device=$STUB_DEV
allow open uid=0"
	{
		echo "$head"
		awk -v n=$((MAX_RULES / 2 - 1)) 'BEGIN {
			for (i = 0; i < n; i++) {
				printf "deny bind device=0000:%02x:%02x.%d\n", 128 + i % 128, int(i / 128) % 32, int(i / 4096)
				printf "deny open uid=%d\n", 200000 + i
			}
		}'
		echo "$tail"
	} >"$PMAX"
	{ echo "$head"; filler_rules $((MAX_RULES - 2)); echo "$tail"; } >"$PKINDS"
	printf '%s\n%s\n' "$head" "$tail" >"$PSMALL"
	chmod 600 "$PMAX" "$PKINDS" "$PSMALL"
	expect_eq "$(grep -cE '^(allow|deny|audit) (bind|open)' "$PMAX")" "$MAX_RULES" \
		"rules in $PMAX"
	expect_eq "$(grep -cE '^(allow|deny|audit) (bind|open)' "$PKINDS")" "$MAX_RULES" \
		"rules in $PKINDS"
}

# The stub on the second e1000, the e1000e on vfio-pci: what the loops use.
scale_devices() {
	expect_ok unbind "$STUB_DEV"
	expect_ok set_override "$STUB_DEV" pci-stub
	expect_ok probe "$STUB_DEV"
	expect_eq "$(driver_of "$STUB_DEV")" pci-stub "driver of $STUB_DEV"
	modprobe vfio-pci || fail "no vfio-pci"
	vfio_bind "$ISOLATED" || fail "cannot bind $ISOLATED to vfio-pci"
	VFIO_NODE=$(vfio_group_node "$ISOLATED")
	[ -c "$VFIO_NODE" ] || fail "no VFIO group node for $ISOLATED"
}

scale_loops() {
	measure "$1" "$2" stub-bind bench-loop bind "$STUB_DEV" pci-stub "$N_STUB" "$REPS"
	measure "$1" "$2" vfio-open bench-loop open "$VFIO_NODE" "$N_VFIO" "$REPS"
}

load_pinned() {
	dmaguard load --policy "$1" >/tmp/load.log 2>&1 || {
		cat /tmp/load.log
		fail "dmaguard load $1 failed"
	}
}

policy_file() {
	case $1 in
	max) echo "$PMAX" ;;
	kinds) echo "$PKINDS" ;;
	*) echo "$PSMALL" ;;
	esac
}

slab_kb() {
	awk '/^(Slab|VmallocUsed):/ { n += $2 } END { print n }' /proc/meminfo
}

# One round: the three policies in a rotating order, swapped by reload as
# an admin would. The kernel memory each costs is taken at load (slab and
# vmalloc, against before the load).
scale_round() {
	local round=$1 order kb0 p first=1
	case $((round % 3)) in
	0) order="max small kinds" ;;
	1) order="small kinds max" ;;
	*) order="kinds max small" ;;
	esac
	for p in $order; do
		if [ -n "$first" ]; then
			kb0=$(slab_kb)
			load_pinned "$(policy_file "$p")"
			rec "scale-mem round=$round state=$p kernel_kb=$(($(slab_kb) - kb0))"
			first=
		else
			reload "$(policy_file "$p")"
		fi
		settle
		scale_loops "$round" "$p"
	done
	unload
}

# Start-up, peak RSS and the maps at MAX_RULES, against the small policy.
scale_startup() {
	local p
	for p in small max kinds; do
		daemon_start "start-scale policy=$p" "$(policy_file "$p")" --output /tmp/events.txt
		bench-bpfinfo "$DG_PIN" | sed "s/^/BENCH phase=loaded-$p /"
		daemon_stop "stop-scale policy=$p"
		unload
	done
}

scale_rounds() {
	local r=0
	write_scale_policies
	scale_devices
	while [ "$r" -lt "$ROUNDS" ]; do
		progress "rule scale: round $((r + 1)) of $ROUNDS"
		scale_round "$r"
		r=$((r + 1))
	done
	scale_startup
}

# ------------------------------------------------------------ figure 4

# count_events FILE: delivered events per type, the seq range and the lost
# records of a --json event file, as key=value pairs.
count_events() {
	awk '
	{ lines++ }
	/"type":"lost"/ {
		lost_records++
		if (match($0, /"count":[0-9]+/))
			lost += substr($0, RSTART + 8, RLENGTH - 8)
		next
	}
	{
		if (match($0, /"type":"[a-z]+"/))
			type = substr($0, RSTART + 8, RLENGTH - 9)
		else
			type = "none"
		n[type]++
		if (match($0, /"seq":[0-9]+/)) {
			seq = substr($0, RSTART + 6, RLENGTH - 6) + 0
			if (seq in seen) dups++
			seen[seq] = 1
			if (!have || seq < first) first = seq
			if (!have || seq > last) last = seq
			have = 1
			events++
		}
	}
	END {
		other = events - n["bind"] - n["unbind"]
		printf "lines=%d events=%d bind=%d unbind=%d other=%d lost=%d lost_records=%d first_seq=%d last_seq=%d dup_seq=%d\n",
			lines, events, n["bind"], n["unbind"], other, lost + 0, lost_records + 0,
			have ? first : -1, have ? last : -1, dups + 0
	}' "$1"
}

# daemon_cpu_ns: CPU time the daemon has used (schedstat: on-CPU ns)
daemon_cpu_ns() {
	cut -d' ' -f1 "/proc/$DAEMON_PID/schedstat"
}

# delivered FILE: bind + unbind events and lost counts in FILE so far
delivered() {
	awk '/"type":"(bind|unbind)"/ { n++ }
	/"type":"lost"/ { if (match($0, /"count":[0-9]+/)) n += substr($0, RSTART + 8, RLENGTH - 8) }
	END { print n + 0 }' "$1"
}

# storm NAME DEV DRIVER CYCLES [stalled]: CYCLES unbind+bind of DEV as fast
# as one task can, with `run --all --json`: each is one event. "stalled"
# stops the daemon (SIGSTOP) during the storm, so the ring overflows and the
# loss accounting is what is tested. Waits until the daemon has written them
# all or reported them lost (at most 60 s), stops it, counts.
storm() {
	local name=$1 dev=$2 drv=$3 cycles=$4 stalled=${5:+1}
	local events=/tmp/storm-$1.jsonl out t0 t1 n=0 cpu0 cpu1 want=$((2 * cycles))
	rm -f "$events"
	daemon_start storm-start "$P1024" --all --json --output "$events"
	cpu0=$(daemon_cpu_ns)
	[ -z "$stalled" ] || kill -STOP "$DAEMON_PID"
	out=$(bench-loop storm "$dev" "$drv" "$cycles") || fail "storm $name: $out"
	[ -z "$stalled" ] || kill -CONT "$DAEMON_PID"
	t0=$(bench-loop now)
	until [ "$(delivered "$events")" -ge "$want" ]; do
		n=$((n + 1))
		[ "$n" -lt 3000 ] || break
		usleep 20000
	done
	t1=$(bench-loop now)
	cpu1=$(daemon_cpu_ns)
	daemon_stop storm-stop
	json-check -r <"$events" >/tmp/json-check.txt 2>&1 && json=1 || json=0
	[ "$json" -eq 1 ] || sed 's/^/    | /' /tmp/json-check.txt
	rec "storm name=$name driver=$drv stalled=${stalled:-0} $out binds=$cycles unbinds=$cycles" \
	    "drain_ns=$((t1 - t0)) daemon_cpu_ns=$((cpu1 - cpu0)) json_ok=$json $(count_events "$events")" \
	    "$(sed -n 's/^dmaguard run: stopped: \([0-9]*\) events, \([0-9]*\) lost.*/daemon_events=\1 daemon_lost=\2/p' "$DAEMON_LOG")"
	unload
}

storms() {
	expect_ok unbind "$STUB_DEV"
	expect_ok set_override "$STUB_DEV" pci-stub
	expect_ok probe "$STUB_DEV"
	expect_eq "$(driver_of "$STUB_DEV")" pci-stub "driver of $STUB_DEV"
	storm pci-stub "$STUB_DEV" pci-stub "$STORM_STUB"
	storm e1000 "$BIND_DEV" e1000 "$STORM_E1000"
	storm pci-stub-stalled "$STUB_DEV" pci-stub "$STORM_STALLED" stalled
}

# ------------------------------------------------------------ main

[ -n "$SHARED_A" ] && [ -n "$SHARED_B" ] || fail "no e1000 pair in the VM"
expect_eq "$(driver_of "$BIND_DEV")" e1000 "driver of $BIND_DEV"
mount -t cgroup2 cgroup2 "$CG" || fail "cannot mount cgroup2 on $CG"
echo bench >"$FILE"
write_policies
echo "===== bench data ====="
rec "meta kernel=$(uname -r) rounds=$ROUNDS scale=$SCALE reps=$REPS n_open=$N_OPEN" \
    "n_cgroup=$N_CGROUP n_bind=$N_BIND n_stub=$N_STUB n_vfio=$N_VFIO max_rules=$MAX_RULES storm_stub=$STORM_STUB storm_e1000=$STORM_E1000 storm_stalled=$STORM_STALLED" \
    "bind_dev=$BIND_DEV stub_dev=$STUB_DEV nproc=$(nproc)"
# bench.only=scale: the rule-scale figure alone (a quick look)
if [ "$ONLY" != scale ]; then
	ratio_rounds
	progress "verifier, maps and per-program run time"
	bpf_figures
	if grep -q '^dmaguard run: deny hooks: BPF LSM' "$DAEMON_LOG"; then
		rec "daemon hooks=lsm null_hooks=$HOOKS"
	else
		rec "daemon hooks=fmod_ret null_hooks=$HOOKS"
	fi
	progress "start-up profile"
	startup_profile
	progress "event storms"
	storms
fi
progress "rule scale"
scale_rounds
echo "===== end of bench data ====="
