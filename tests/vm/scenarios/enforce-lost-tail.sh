# Events lost after the last one in the ring, with no event after them:
# the lost record stands right after the last event read, its count is
# exactly the seqs up to the kernel's next one (status), and the events
# still in the ring come first.
# vm: timeout=300
. /vm/dmaguard.sh
dg_overflow_while_stopped
# no event follows: the kernel's counters must place the loss
expect_event '"type":"lost"' "lost record"
last=$(tail -n 1 "$DG_EVENTS")
expect_match "$last" '{"schema":1,"ts":"20*Z","host":"*","type":"lost","count":*}' "last line of the stream"
next=$(dmaguard status --json | sed -n 's/.*"bpf":{"next_seq":\([0-9]*\),.*/\1/p')
expect_ne "$next" "" "next_seq in status --json"
dg_stop
expect_ok json-check -r -s -n "$next" <"$DG_EVENTS"
expect_line '* 1 lost records, *'
log "$(grep -n -B1 '"type":"lost"' "$DG_EVENTS")"
