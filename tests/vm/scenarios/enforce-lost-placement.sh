# A ring buffer overflow while the daemon is stopped: every lost record
# stands exactly where the seq numbers jump, with the gap as its count, and
# the events still in the ring come first (docs/dmaguard.8, "lost").
# vm: timeout=300
. /vm/dmaguard.sh
dg_overflow_while_stopped
# the loss is reported once the ring is drained (an event made before that
# would find the ring full and be lost with the others)
expect_event '"type":"lost"' "lost record"
# an event after the overflow follows the loss with no gap
expect_ok unbind "$SHARED_A"
expect_event "\"type\":\"unbind\",\"device\":\"$SHARED_A\"" "unbind after the overflow"
dg_stop
expect_ok json-check -r -s <"$DG_EVENTS"
expect_line '* 1 lost records, *'
log "$(grep -n -B1 -A1 '"type":"lost"' "$DG_EVENTS")"
