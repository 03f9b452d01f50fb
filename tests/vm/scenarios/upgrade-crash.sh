# A takeover killed (kill -9) at each of its phases never opens a gap: the
# bind loop on a denied device never succeeds, and the next plain `run`
# rolls back (before the new set judges alone) or forward (after), then
# completes the takeover, leaving one set and no staging directories.
# The pause is dmaguard(8)'s test hook DMAGUARD_TEST_TAKEOVER_PAUSE.
# vm: timeout=900
. /vm/dmaguard.sh
. /vm/upgrade.sh
upgrade_setup

# one phase: older enforcement, takeover killed there, recovered by a plain run
crash_at() {
	local phase=$1 expect=$2 old_ids paused
	log "--- takeover killed at phase $phase"
	old_start
	old_ids=$(prog_ids)
	loop_start "$SHARED_A"
	: >/tmp/paused.log
	DMAGUARD_TEST_TAKEOVER_PAUSE=$phase dmaguard run --policy "$DG_POLICY" --json \
		--output /tmp/paused.jsonl 2>/tmp/paused.log &
	paused=$!
	wait_until 120 grep -q "takeover paused at phase $phase" /tmp/paused.log || {
		sed 's/^/    | /' /tmp/paused.log
		fail "the takeover did not pause at phase $phase"
	}
	kill -KILL "$paused"
	wait "$paused" 2>/dev/null
	sed 's/^/    | /' /tmp/paused.log
	loop_more 50
	loop_no_success
	expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"

	dg_start
	expect_out "*$expect the takeover of $DG_PIN a killed 'dmaguard run' left at phase $phase*" \
		cat "$DG_LOG"
	expect_out '*took over the enforcement*' cat "$DG_LOG"
	old_wait_exit
	expect_ok wait_until 10 none_loaded "$old_ids"
	expect_ok test ! -e "$DG_PIN-next"
	expect_ok test ! -e "$DG_PIN-prev"
	expect_eq "$(prog_ids | wc -l)" "$(echo "$old_ids" | wc -l)" "programs loaded (one set)"
	loop_more 50
	loop_stop
	expect_eq "$LOOP_OK" 0 "successful binds around the crash at $phase"
	expect_eq "$(driver_of "$SHARED_A")" "" "driver of $SHARED_A"
	dg_stop
	expect_ok dmaguard unload
	rm -f "$OLD_EVENTS" "$DG_EVENTS"
}

crash_at staged "rolling back"
crash_at overlap "rolling back"
crash_at flipped "finishing"
crash_at swapped "finishing"

# unload after a killed takeover removes both sets, DIR-next included
log "--- takeover killed at phase overlap, then unload"
old_start
DMAGUARD_TEST_TAKEOVER_PAUSE=overlap dmaguard run --policy "$DG_POLICY" 2>/tmp/paused.log &
paused=$!
wait_until 120 grep -q "takeover paused at phase overlap" /tmp/paused.log ||
	fail "the takeover did not pause at phase overlap"
kill -KILL "$paused"
wait "$paused" 2>/dev/null
expect_ok test -d "$DG_PIN-next"
expect_ok dmaguard unload
old_wait_exit
expect_ok test ! -e "$DG_PIN-next"
expect_ok test ! -e "$DG_PIN"
expect_ok wait_until 10 sh -c '[ -z "$(bpf-progs)" ]'
expect_ok bind "$SHARED_A" e1000
