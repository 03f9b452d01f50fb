# Events lost while the daemon was stopped reach the journal as a lost
# entry, PRIORITY 3 (err) with the lost MESSAGE_ID, and the journal
# accounts for every denied bind exactly: the bind entries after the last
# one before the flood plus the lost counts are the attempts. Then
# journald itself stuck (SIGSTOP) for longer than a send waits (10 s): the
# events the timed-out sends cost come back in a lost entry once it takes
# entries again, with run's error and recovery lines at PRIORITY 3 and 4;
# the accounting still holds.
MSG_LOST=79fccf9ccc63424582ca8a2e53fa3c79
expect_eq "$ISOLATED" 0000:03:00.0 "ISOLATED's address (the policy names it)"
expect_ok systemctl is-active dmaguard.service
expect_coldplug_done

# a bind by hand: the seq base
expect_write_fail "$SYS_PCI/drivers/e1000e/bind" "$ISOLATED"
by_hand() {
	dg_entries DMAGUARD_DEVICE="$ISOLATED" DMAGUARD_COMM=write-file | grep -q .
}
wait_secs 60 by_hand || fail "no DENY entry with DMAGUARD_COMM=write-file"
seq0=$(dg_entries DMAGUARD_DEVICE="$ISOLATED" DMAGUARD_COMM=write-file | tail -n 1 |
	json_field DMAGUARD_SEQ)
expect_ne "$seq0" "" "DMAGUARD_SEQ of the bind by hand"
if dg_entries DMAGUARD_TYPE=lost | grep -q .; then
	fail "lost entries before the flood: $(dg_entries DMAGUARD_TYPE=lost | head -n 2)"
fi
pid=$(systemctl show -P MainPID dmaguard.service)

# the ring (256 KiB, ~1,365 events) overflows while the daemon is stopped
kill -STOP "$pid"
rm -f /tmp/stop /tmp/progress
bind-loop "$ISOLATED" e1000e /tmp/stop /tmp/progress >/tmp/bind-loop.out &
loop=$!
enough() {
	n=$(sed -n 's/^attempts=\([0-9]*\) .*/\1/p' /tmp/progress 2>/dev/null)
	[ "${n:-0}" -ge 2000 ]
}
wait_secs 300 enough || fail "bind-loop made only $(cat /tmp/progress) in 300 s"
touch /tmp/stop
wait "$loop"
attempts=$(sed -n 's/^attempts=\([0-9]*\) ok=0 .*/\1/p' /tmp/bind-loop.out)
[ -n "$attempts" ] || fail "bind-loop: $(cat /tmp/bind-loop.out)"
log "bind-loop: $(cat /tmp/bind-loop.out)"
kill -CONT "$pid"
# bind_entries_after SEQ: how many bind entries have a seq above SEQ
bind_entries_after() {
	dg_entries DMAGUARD_TYPE=bind | sed -n 's/.*"DMAGUARD_SEQ":"\([0-9]*\)".*/\1/p' |
		awk -v s="$1" '$1 > s' | wc -l
}
# lost_total: the lost counts of all lost entries, added up
lost_total() {
	dg_entries DMAGUARD_TYPE=lost | sed -n 's/.*"DMAGUARD_COUNT":"\([0-9]*\)".*/\1/p' |
		awk '{ n += $1 } END { print n + 0 }'
}
# accounted: the bind entries after seq0 plus the lost counts
accounted() {
	local events lost
	events=$(bind_entries_after "$seq0")
	lost=$(lost_total)
	log "journal: $events bind entries after seq $seq0, $lost lost, of $attempts attempts"
	[ $((events + lost)) -eq "$attempts" ] && [ "$lost" -gt 0 ]
}
wait_secs 240 accounted || fail "the journal does not account for the $attempts bind attempts"
accounted
e=$(dg_entries DMAGUARD_TYPE=lost | tail -n 1)
log "lost entry: $e"
expect_field "$e" PRIORITY 3
expect_field "$e" MESSAGE_ID $MSG_LOST
expect_field "$e" _TRANSPORT journal
expect_match "$(printf '%s\n' "$e" | json_field MESSAGE)" "*lost * events" MESSAGE
expect_eq "$(dg_entries DMAGUARD_TYPE=lost -p err..err | wc -l)" "$(dg_entries DMAGUARD_TYPE=lost | wc -l)" "lost entries at PRIORITY err"
expect_ok systemctl is-active dmaguard.service

# --- journald stuck: once its queue is full the daemon's send waits, and
# gives up after 10 s (the ring buffer keeps, or counts, the events
# meanwhile); what that costs is a lost entry before the next event
# journald takes, and run says both on stderr (the stream waits for it)
# msg_priority TEXT: PRIORITY of the stream entry whose MESSAGE starts with TEXT
msg_priority() {
	dg_entries _TRANSPORT=stdout | grep -F "\"MESSAGE\":\"$1" | tail -n 1 | json_field PRIORITY
}
seq1=$(dg_entries DMAGUARD_TYPE=bind | sed -n 's/.*"DMAGUARD_SEQ":"\([0-9]*\)".*/\1/p' |
	sort -n | tail -n 1)
lost1=$(lost_total)
jpid=$(systemctl show -P MainPID systemd-journald.service)
expect_ne "$jpid" 0 "journald's pid"
kill -STOP "$jpid"
rm -f /tmp/stop /tmp/progress
bind-loop "$ISOLATED" e1000e /tmp/stop /tmp/progress >/tmp/bind-loop.out &
loop=$!
wait_secs 300 enough || { kill -CONT "$jpid"; fail "bind-loop made only $(cat /tmp/progress) in 300 s"; }
touch /tmp/stop
wait "$loop"
# past the send's 10 s wait, which began when journald's queue filled
sleep 12
kill -CONT "$jpid"
attempts=$(sed -n 's/^attempts=\([0-9]*\) ok=0 .*/\1/p' /tmp/bind-loop.out)
[ -n "$attempts" ] || fail "bind-loop: $(cat /tmp/bind-loop.out)"
log "bind-loop with journald stopped: $(cat /tmp/bind-loop.out)"
# one more, with journald back: the event the lost record stands before
expect_write_fail "$SYS_PCI/drivers/e1000e/bind" "$ISOLATED"
attempts=$((attempts + 1))
accounted_again() {
	local events lost
	events=$(bind_entries_after "$seq1")
	lost=$(($(lost_total) - lost1))
	log "journal: $events bind entries after seq $seq1, $lost more lost, of $attempts attempts"
	[ $((events + lost)) -eq "$attempts" ] && [ "$lost" -gt 0 ]
}
wait_secs 240 accounted_again ||
	fail "the journal does not account for the $attempts bind attempts made while journald was stopped"
accounted_again
expect_eq "$(msg_priority 'dmaguard run: cannot write events to the journal: ')" 3 \
	"PRIORITY of 'cannot write events to the journal'"
expect_eq "$(msg_priority 'dmaguard run: writing events to the journal again; ')" 4 \
	"PRIORITY of 'writing events to the journal again'"
log "$(dg_journal | grep -E 'cannot write events|writing events|"type":"lost"')"
expect_ok systemctl is-active dmaguard.service systemd-journald.service
