# ts follows the wall clock across steps (docs/dmaguard.8, EVENTS, "ts"):
# the BPF side stamps events with boot time, and run converts it with the
# offset to the wall clock measured as it writes each line. So when the
# wall clock is stepped while run streams (as NTP does at boot), forward
# or back, an event after the step has the new wall clock, and the lines
# written before keep theirs. Every line carries "schema":1 and the host
# name, which SIGHUP reads again; text lines carry TS HOST too.
. /vm/dmaguard.sh

# bind_events_at_least N: the output holds N bind events or more
bind_events_at_least() {
	[ "$(grep -c '"type":"bind"' "$DG_EVENTS")" -ge "$1" ]
}

# deny N: one denied bind of SHARED_A, the Nth bind event; the line in $EVENT
deny() {
	expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
	wait_until 10 bind_events_at_least "$1" || fail "bind event $1 never arrived"
	EVENT=$(grep '"type":"bind"' "$DG_EVENTS" | sed -n "${1}p")
}

# expect_ts_near LINE SECONDS WHAT: the line's ts is within 5 s of SECONDS
expect_ts_near() {
	local ts t
	ts=$(printf '%s\n' "$1" | sed -n 's/^[^}]*"ts":"\([0-9T:-]*\)\.[0-9]*Z".*/\1/p')
	t=$(date -u -D '%Y-%m-%dT%H:%M:%S' -d "$ts" +%s) || fail "$3: no ts in $1"
	[ "$t" -ge "$(($2 - 5))" ] && [ "$t" -le "$(($2 + 5))" ] ||
		fail "$3: ts $ts ($t) is not within 5 s of the wall clock ($2): $1"
	log "ok: $3: ts $ts, the wall clock $(date -u -d "@$2" +%Y-%m-%dT%H:%M:%S)"
}

expect_ok hostname dg-clock-a
policy "deny bind device=$SHARED_A"
expect_ok unbind "$SHARED_A"
dg_start

now=$(date -u +%s)
deny 1
before=$EVENT
expect_ts_near "$before" "$now" "event before the steps"
expect_match "$before" '{"schema":1,"ts":"*","host":"dg-clock-a","seq":*,"type":"bind",*' "first fields"

# forward, years ahead
expect_ok date -u -s "2031-06-15 12:00:00"
deny 2
expect_ts_near "$EVENT" "$(date -u +%s)" "event after a step forward"
# back, before the first event
expect_ok date -u -s "2021-03-01 08:00:00"
deny 3
expect_ts_near "$EVENT" "$(date -u +%s)" "event after a step back"
expect_eq "$(grep '"type":"bind"' "$DG_EVENTS" | head -n 1)" "$before" "event before the steps, after them"

# the host name is read at start and again on SIGHUP
expect_ok hostname dg-clock-b
deny 4
expect_match "$EVENT" '*,"host":"dg-clock-a",*' "host before SIGHUP"
kill -HUP "$DG_PID"
wait_until 10 grep -q '^dmaguard run: reloaded' "$DG_LOG" || fail "no reload on SIGHUP"
deny 5
expect_match "$EVENT" '*,"host":"dg-clock-b",*' "host after SIGHUP"
dg_stop
expect_ok json-check -r -s <"$DG_EVENTS"
expect_fail grep -q '"type":"lost"' "$DG_EVENTS"

# text: TS HOST #SEQ, and the wall clock of now
: >/tmp/run-text.log
dmaguard run --policy "$DG_POLICY" --output /tmp/events.txt 2>/tmp/run-text.log &
DG_PID=$!
wait_until 60 grep -q '^dmaguard run: enforcing' /tmp/run-text.log || fail "text run did not start"
expect_ok date -u -s "2030-01-02 03:04:05"
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
wait_until 10 grep -q ' bind ' /tmp/events.txt || fail "no text bind event"
expect_match "$(grep ' bind ' /tmp/events.txt)" \
	"2030-01-02T03:0[45]:*Z dg-clock-b #* bind    DENY  rule $DG_POLICY:1 $SHARED_A *" "text line"
dg_stop
