# dmaguard metrics counts in the kernel, from the pins: a denied bind moves
# dmaguard_events_total{bind,deny,rule} while run streams and while no
# daemon runs (the event then waits in the ring buffer, whose used bytes
# show it); every event counted is one that took a seq or was dropped
# before it had one; a restarted run reads the pending event and counts a
# reload; the pins are root's, and a user is told so.
. /vm/dmaguard.sh

# metric SERIES: its value in `dmaguard metrics` (SERIES as printed, labels and all)
metric() {
	dmaguard metrics 2>/dev/null | awk -v s="$1" '$1 == s { print $2 }'
}

DENY='dmaguard_events_total{type="bind",verdict="deny",reason="rule"}'
policy "mode enforce
deny bind device=$SHARED_A driver=e1000"
expect_ok unbind "$SHARED_A"
dg_start
expect_eq "$(metric dmaguard_enforcement_pinned)" 1 "pinned"
expect_eq "$(metric dmaguard_daemon_streaming)" 1 "a daemon streams"
expect_eq "$(metric "$DENY")" 0 "denied binds before any"

expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
expect_event "\"type\":\"bind\",\"verdict\":\"deny\",\"reason\":\"rule\"" "deny event"
expect_eq "$(metric "$DENY")" 1 "denied binds after one"
expect_out '*"events":?{"type":"bind","verdict":"deny","reason":"rule","count":1}?,*' \
	dmaguard status --json
expect_eq "$(metric 'dmaguard_hooks_attached{hook="kernfs"}')" 1 "kernfs hook attached"

# no daemon: the kernel still counts; the event waits in the ring
dg_stop
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
expect_eq "$(metric "$DENY")" 2 "denied binds with no daemon"
expect_eq "$(metric dmaguard_daemon_streaming)" 0 "no daemon streams"
used=$(metric dmaguard_ring_buffer_used_bytes)
[ "$used" -gt 0 ] 2>/dev/null || fail "the pending event is not in the ring's used bytes ($used)"
expect_eq "$(metric dmaguard_ring_buffer_size_bytes)" 262144 "ring buffer size"
expect_eq "$(metric dmaguard_lost_events_total)" 0 "lost events"

# every event counted took a seq or was dropped before it had one
json=$(dmaguard status --json)
next=$(printf '%s' "$json" | sed -n 's/.*"bpf":{"next_seq":\([0-9]*\),.*/\1/p')
unseq=$(printf '%s' "$json" | sed -n 's/.*"unsequenced":\([0-9]*\),.*/\1/p')
total=$(dmaguard metrics | grep '^dmaguard_events_total{' | awk '{ s += $2 } END { print s }')
expect_eq "$total" "$((next + unseq))" "events counted = seqs taken + unsequenced"

# run again: it reads the pending event, puts the policy in force again
dg_start
deny_lines() {
	[ "$(grep -c '"verdict":"deny"' "$DG_EVENTS")" -ge "$1" ]
}
wait_until 10 deny_lines 2 || fail "the event that waited in the ring was not streamed"
dg_drained
expect_eq "$(metric dmaguard_ring_buffer_used_bytes)" 0 "ring used bytes once read"
expect_eq "$(metric dmaguard_policy_reloads_total)" 1 "reloads after run put the policy in again"
dg_stop

# the pins are root's: a user is told, and gets no half-truth
rc_of 10 as-user 65534 dmaguard metrics
expect_eq "$RC" 1 "exit status of metrics as a user"
expect_line "dmaguard metrics: cannot open $DG_PIN: Permission denied (the pins are root's)"
expect_out "enforcement: unknown: cannot open $DG_PIN: Permission denied*" \
	as-user 65534 dmaguard status
