# Guest-side helpers for the upgrade scenarios (upgrade-*.sh), sourced after
# dmaguard.sh: the older build's daemon (/bin/dmaguard-old, built by make vm
# from this tree with TEST_FORMAT=1) and a bind loop on a denied device.

OLD_EVENTS=/tmp/old.jsonl
OLD_LOG=/tmp/old.log
OLD_PID=
LOOP_PID=
LOOP_STOP=/tmp/loop.stop
LOOP_PROGRESS=/tmp/loop.progress
LOOP_OUT=/tmp/loop.out

upgrade_require_old() {
	[ -x /bin/dmaguard-old ] ||
		skip "no older build in the image (make vm builds build/oldfmt/dmaguard)"
	# thousands of "driver_sysfs_add failed" lines would slow the loop down
	# on the serial console (the log still has them, after the scenario)
	echo 3 >/proc/sys/kernel/printk
}

# upgrade_setup: the older build is there; the policy denies e1000 on
# SHARED_A, which is unbound, for the bind loop to hit.
upgrade_setup() {
	upgrade_require_old
	policy "mode enforce
deny bind device=$SHARED_A driver=e1000"
	expect_ok unbind "$SHARED_A"
}

# old_start: the older build enforces $DG_POLICY and streams to $OLD_EVENTS.
old_start() {
	: >"$OLD_LOG"
	dmaguard-old run --policy "$DG_POLICY" --json --output "$OLD_EVENTS" 2>>"$OLD_LOG" &
	OLD_PID=$!
	wait_until 60 grep -q '^dmaguard run: enforcing' "$OLD_LOG" || {
		sed 's/^/    | /' "$OLD_LOG"
		fail "the older dmaguard run did not start enforcing"
	}
	log "ok: older dmaguard run (pid $OLD_PID) is enforcing"
}

# old_wait_exit: the older daemon leaves by itself once taken over, with 0.
old_wait_exit() {
	wait_until 30 sh -c "! kill -0 $OLD_PID" || {
		sed 's/^/    | /' "$OLD_LOG"
		fail "the older dmaguard run still runs after the takeover"
	}
	wait "$OLD_PID"
	local rc=$?
	sed 's/^/    | /' "$OLD_LOG"
	[ "$rc" -eq 0 ] || fail "the older dmaguard run exited $rc after the takeover"
	OLD_PID=
}

# loop_attempts: attempts so far of the bind loop
loop_count() {
	sed -n "s/.*$1=\([0-9]*\).*/\1/p" "$LOOP_PROGRESS" 2>/dev/null
}

loop_at_least() {
	[ "$(loop_count attempts)" -ge "$1" ] 2>/dev/null
}

# loop_start DEV: bind DEV to e1000 in a tight loop until loop_stop.
loop_start() {
	rm -f "$LOOP_STOP" "$LOOP_PROGRESS"
	bind-loop "$1" e1000 "$LOOP_STOP" "$LOOP_PROGRESS" >"$LOOP_OUT" &
	LOOP_PID=$!
	wait_until 30 loop_at_least 50 || fail "the bind loop made no progress"
}

# loop_more N: wait until the loop made N more attempts.
loop_more() {
	local want=$(( $(loop_count attempts) + $1 ))
	wait_until 60 loop_at_least "$want" || fail "the bind loop did not make $1 more attempts"
}

# loop_no_success: not one bind went through so far.
loop_no_success() {
	[ "$(loop_count ok)" = 0 ] || fail "a bind went through: $(cat "$LOOP_PROGRESS")"
}

# loop_stop: end the loop; LOOP_A, LOOP_OK, LOOP_FAIL hold its counts.
loop_stop() {
	touch "$LOOP_STOP"
	wait "$LOOP_PID"
	LOOP_PID=
	log "bind loop: $(cat "$LOOP_OUT")"
	LOOP_A=$(sed -n 's/.*attempts=\([0-9]*\).*/\1/p' "$LOOP_OUT")
	LOOP_OK=$(sed -n 's/.* ok=\([0-9]*\).*/\1/p' "$LOOP_OUT")
	LOOP_FAIL=$(sed -n 's/.* fail=\([0-9]*\).*/\1/p' "$LOOP_OUT")
}

# deny_events FILE DEV: deny events for DEV in FILE
deny_events() {
	grep '"type":"bind","verdict":"deny"' "$1" 2>/dev/null | grep -c "\"device\":\"$2\""
}

# lost_sum FILE: the sum of the lost records' counts
lost_sum() {
	sed -n 's/.*"type":"lost","count":\([0-9]*\).*/\1/p' "$1" 2>/dev/null |
		awk '{ s += $1 } END { print s + 0 }'
}

# prog_ids: ids of the BPF programs loaded now, one per line
prog_ids() {
	bpf-progs | awk '{ print $1 }'
}

# none_loaded IDS: none of the program ids in IDS is loaded any more
none_loaded() {
	local now id
	now=$(prog_ids)
	for id in $1; do
		echo "$now" | grep -qx "$id" && return 1
	done
	return 0
}
