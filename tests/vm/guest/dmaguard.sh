# Guest-side helpers for the enforcement scenarios (enforce-*.sh), sourced
# after lib.sh. The daemon runs in the background with its JSON events in
# $DG_EVENTS and its messages in $DG_LOG.

DG_POLICY=/tmp/policy.conf
DG_EVENTS=/tmp/events.jsonl
DG_LOG=/tmp/run.log
DG_PIN=/sys/fs/bpf/dmaguard
DG_PID=

# What the writer of a denied `bind` sees: before 5.11 really_probe()
# collapses every failure to 0 and bind_store() reports ENODEV; later the
# kernfs failure comes back as ENOMEM (kernel-notes 1e).
case "$(uname -r)" in
5.*)	DENY_ERR=ENODEV DENY_RESULT=-19 ;;
*)	DENY_ERR=ENOMEM DENY_RESULT=-12 ;;
esac

# policy TEXT: write the policy file (root-owned, not writable by others)
policy() {
	printf '%s\n' "$1" >"$DG_POLICY"
	chmod 600 "$DG_POLICY"
}

# vfio_open_setup: bind $ISOLATED to vfio-pci for the open scenarios; its
# group in $g, its node in $node, opened up to every user (DAC passes, so
# the verdicts are dmaguard's).
vfio_open_setup() {
	expect_ok vfio_bind "$ISOLATED"
	g=$(group_of "$ISOLATED")
	node=/dev/vfio/$g
	expect_ok wait_for_path "$node" 5
	chmod 666 "$node"
}

# run_expect_3 PATTERN: dmaguard run on $DG_POLICY must exit 3 with PATTERN
# in its message, and pin nothing
run_expect_3() {
	dmaguard run --policy "$DG_POLICY" >/tmp/out 2>&1
	rc=$?
	sed 's/^/    | /' /tmp/out
	expect_eq "$rc" 3 "exit code of run"
	expect_out "$1" cat /tmp/out
	expect_fail test -e /sys/fs/bpf/dmaguard
	expect_fail test -e /sys/fs/bpf/dmaguard-new
	expect_fail test -e /sys/fs/bpf/dmaguard-lock
}

# dg_start [RUN-OPTIONS...]: start `dmaguard run` on $DG_POLICY and wait
# until it says it is enforcing.
dg_start() {
	: >"$DG_LOG"
	dmaguard run --policy "$DG_POLICY" --json --output "$DG_EVENTS" "$@" 2>>"$DG_LOG" &
	DG_PID=$!
	local n=600
	until grep -q '^dmaguard run: enforcing' "$DG_LOG"; do
		if ! kill -0 "$DG_PID" 2>/dev/null; then
			sed 's/^/    | /' "$DG_LOG"
			fail "dmaguard run exited before enforcing"
		fi
		n=$((n - 1))
		[ "$n" -gt 0 ] || fail "dmaguard run did not start enforcing in 60 s"
		usleep 100000
	done
	sed 's/^/    | /' "$DG_LOG"
	log "ok: dmaguard run (pid $DG_PID) is enforcing"
}

# dg_stop: SIGTERM the daemon and wait for it; it must exit 0.
dg_stop() {
	kill -TERM "$DG_PID"
	wait "$DG_PID"
	local rc=$?
	[ "$rc" -eq 0 ] || fail "dmaguard run exited $rc on SIGTERM"
	DG_PID=
}

# dg_kill: SIGKILL the daemon (no clean-up at all).
dg_kill() {
	kill -KILL "$DG_PID"
	wait "$DG_PID" 2>/dev/null
	DG_PID=
}

# wait_event REGEX [SECONDS]: wait until an event line matches (grep -E);
# the line is left in $EVENT.
wait_event() {
	wait_until "${2:-10}" grep -qE -- "$1" "$DG_EVENTS" || return 1
	EVENT=$(grep -E -- "$1" "$DG_EVENTS" | head -n 1)
}

# expect_event REGEX [WHAT]: an event matching REGEX arrives within 10 s.
expect_event() {
	if wait_event "$1"; then
		log "ok: ${2:-event} $EVENT"
	else
		sed 's/^/    | /' "$DG_EVENTS" 2>/dev/null
		fail "${2:-event} matching '$1' never arrived"
	fi
}

# dg_drained: wait until the daemon has written out every event in the
# ring (ring-drained: consumer position = producer position).
dg_drained() {
	wait_until 10 ring-drained "$DG_PIN/events" ||
		fail "the daemon did not read the event ring to the end within 10 s"
}

# expect_no_event REGEX [WHAT]: no event line matches REGEX, once the
# daemon has written out everything the ring held (so it never will).
expect_no_event() {
	dg_drained
	if grep -qE -- "$1" "$DG_EVENTS" 2>/dev/null; then
		grep -E -- "$1" "$DG_EVENTS" | sed 's/^/    | /'
		fail "${2:-event} matching '$1' was emitted"
	fi
	log "ok: no ${2:-event} matching '$1'"
}

# dg_overflow_while_stopped: with every event streamed (run --all) and a
# seq base set, overflow the 256 KiB ring (~1,500 events) with 4,000 opens
# of ISOLATED's VFIO group node while the daemon is stopped, then let it
# go on. $node is that node.
dg_overflow_while_stopped() {
	expect_ok vfio_bind "$ISOLATED"
	node=$(vfio_group_node "$ISOLATED")
	expect_ok wait_for_path "$node" 5
	policy "allow bind"
	dg_start --all
	expect_ok open-loop "$node" 10
	expect_event '"type":"open"' "open event"
	kill -STOP "$DG_PID"
	expect_ok open-loop "$node" 4000
	kill -CONT "$DG_PID"
}

# bpf_prog_count: how many BPF programs the kernel has loaded
bpf_prog_count() {
	bpf-progs 2>/dev/null | wc -l
}

# open_gate_pinned [progs|links]: how many open gate programs (either
# flavour) DG_PIN has loaded (progs/, the default) or attached (links/);
# open_gate_progs: how many the kernel has
open_gate_pinned() {
	ls "$DG_PIN/${1:-progs}" 2>/dev/null | grep -c file_open
}
open_gate_progs() {
	bpf-progs 2>/dev/null | grep -c file_open
}

# filler_rules N: N rules, bind and open, of eight kinds (exact devices,
# id + driver, class + group, driver prefix + dma, open by group, uid,
# comm prefix, device + gid) that match nothing in the VM: devices on buses
# 0x80-0xff, ids and groups no device here has. A policy of them costs a
# lookup per kind, whatever N is (the rule index).
filler_rules() {
	awk -v n="$1" 'BEGIN {
		for (i = 0; i < n; i++) {
			k = i % 8
			j = int(i / 8)
			if (k == 0)
				printf "deny bind device=0000:%02x:%02x.%d\n", 128 + j % 128, int(j / 128) % 32, int(j / 4096) % 8
			else if (k == 1)
				printf "allow bind id=1af4:%04x driver=virtio-pci\n", j % 65536
			else if (k == 2)
				printf "audit bind class=0x0c03%02x group=%d\n", j % 256, 100000 + j
			else if (k == 3)
				printf "deny bind driver=nvme%d* dma=kernel\n", j
			else if (k == 4)
				printf "deny open group=%d\n", 100000 + j
			else if (k == 5)
				printf "allow open uid=%d\n", 200000 + j
			else if (k == 6)
				printf "allow open comm=qemu-%d*\n", j
			else
				printf "deny open device=0000:fe:%02x.%d gid=%d\n", j % 32, j % 8, 300000 + j
		}
	}'
}
