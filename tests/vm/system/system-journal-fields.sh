# The events are journal entries with fields, not lines (dmaguard(8),
# JOURNAL): journalctl -u dmaguard DMAGUARD_VERDICT=deny finds the DENY of
# coldplug with every field of the event, PRIORITY 4 and the bind
# MESSAGE_ID, sent natively (no event line on stdout too); run's own lines
# carry their priorities (<N> on the journal stream); a bind by hand names
# its process; a SIGHUP with a bad policy is an error entry, with a good
# one a notice.
MSG_BIND=a97956341fbf4b6f8a2ffbcdf09565e6
MSG_LOST=79fccf9ccc63424582ca8a2e53fa3c79
conf=/etc/dmaguard/policy.conf
expect_eq "$ISOLATED" 0000:03:00.0 "ISOLATED's address (the policy names it)"
expect_ok systemctl is-active dmaguard.service
expect_coldplug_done

# expect_number ENTRY NAME: field NAME is a decimal number
expect_number() {
	local v
	v=$(printf '%s\n' "$1" | json_field "$2")
	case "$v" in
	'' | *[!0-9]*) fail "$2: expected a number, got '$v'" ;;
	esac
	log "ok: $2 = $v"
}

denied() {
	dg_entries DMAGUARD_VERDICT=deny DMAGUARD_DEVICE="$ISOLATED" "$@" | grep -q .
}

# --- the DENY of coldplug, found by journald's own match on its fields
wait_secs 60 denied ||
	fail "journalctl -u dmaguard DMAGUARD_VERDICT=deny has no entry for $ISOLATED: $(dg_journal | tail -5 | tr '\n' ';')"
e=$(dg_entries DMAGUARD_VERDICT=deny DMAGUARD_DEVICE="$ISOLATED" | head -n 1)
log "entry: $e"
id="$(sed 's/^0x//' "$SYS_PCI/devices/$ISOLATED/vendor"):$(sed 's/^0x//' "$SYS_PCI/devices/$ISOLATED/device")"
expect_field "$e" DMAGUARD_SCHEMA 1
expect_field "$e" DMAGUARD_HOST "$(hostname)"
expect_field "$e" DMAGUARD_TYPE bind
expect_field "$e" DMAGUARD_VERDICT deny
expect_field "$e" DMAGUARD_REASON rule
expect_field "$e" DMAGUARD_RULE /etc/dmaguard/policy.conf:6
expect_field "$e" DMAGUARD_DEVICE "$ISOLATED"
expect_field "$e" DMAGUARD_ID "$id"
expect_field "$e" DMAGUARD_CLASS 0x020000
expect_field "$e" DMAGUARD_GROUP "$(group_of "$ISOLATED")"
expect_field "$e" DMAGUARD_DRIVER e1000e
expect_field "$e" DMAGUARD_DMA kernel
expect_field "$e" DMAGUARD_RESULT -12
expect_field "$e" DMAGUARD_UID 0
expect_number "$e" DMAGUARD_SEQ
expect_number "$e" DMAGUARD_PID
expect_match "$(printf '%s\n' "$e" | json_field DMAGUARD_TS)" \
	'20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z' DMAGUARD_TS
expect_field "$e" PRIORITY 4
expect_field "$e" MESSAGE_ID $MSG_BIND
expect_field "$e" SYSLOG_IDENTIFIER dmaguard
expect_field "$e" _TRANSPORT journal
expect_field "$e" _SYSTEMD_UNIT dmaguard.service
expect_match "$(printf '%s\n' "$e" | json_field MESSAGE)" \
	"*bind    DENY  rule /etc/dmaguard/policy.conf:6 $ISOLATED \\[$id class 0x020000 group *\\] driver e1000e (kernel DMA) result -12 by *" MESSAGE
# journalctl's own priority filter agrees
denied -p warning..warning || fail "journalctl -p warning does not find the DENY entry"
if denied -p err; then
	fail "the DENY entry passes journalctl -p err"
fi

# --- no duplicate: on the stdout stream only run's messages, no event line
stream=$(journalctl -b -u dmaguard.service _TRANSPORT=stdout -o cat --no-pager)
printf '%s\n' "$stream" | sed 's/^/    | /'
bad=$(printf '%s\n' "$stream" | grep -v -e '^dmaguard run: ' -e '^libbpf: ' || true)
[ -z "$bad" ] || fail "lines on dmaguard's stdout stream that are not its messages: $bad"
log "ok: $(printf '%s\n' "$stream" | wc -l) message lines on the stream, no event"

# --- run's messages carry priorities (<N> parsed by journald, never shown)
# msg_priority TEXT: PRIORITY of the stream entry whose MESSAGE starts with TEXT
msg_priority() {
	dg_entries _TRANSPORT=stdout | grep -F "\"MESSAGE\":\"$1" | tail -n 1 | json_field PRIORITY
}
expect_eq "$(msg_priority 'dmaguard run: enforcing /etc/dmaguard/policy.conf')" 5 "PRIORITY of 'enforcing'"
expect_eq "$(msg_priority 'dmaguard run: programs: ')" 6 "PRIORITY of 'programs:'"
expect_eq "$(msg_priority 'dmaguard run: events go to the journal')" 6 "PRIORITY of 'events go to the journal'"
if printf '%s\n' "$stream" | grep -q '^<[0-7]>'; then
	fail "a priority prefix reached the journal as text"
fi

# --- a bind by hand: the entry names the writer
expect_write_fail "$SYS_PCI/drivers/e1000e/bind" "$ISOLATED"
by_hand() {
	dg_entries DMAGUARD_VERDICT=deny DMAGUARD_DEVICE="$ISOLATED" DMAGUARD_COMM=write-file | grep -q .
}
wait_secs 30 by_hand || fail "no DENY entry with DMAGUARD_COMM=write-file"
e=$(dg_entries DMAGUARD_DEVICE="$ISOLATED" DMAGUARD_COMM=write-file | tail -n 1)
expect_field "$e" DMAGUARD_UID 0
expect_number "$e" DMAGUARD_PID
expect_field "$e" PRIORITY 4

# --- SIGHUP: a bad policy is an error entry, a good one a notice
pid=$(systemctl show -P MainPID dmaguard.service)
cp $conf /tmp/policy.good
echo "deny bind colour=blue" >$conf
kill -HUP "$pid"
rejected() {
	[ "$(msg_priority "dmaguard run: reload: $conf rejected")" = 3 ]
}
wait_secs 30 rejected ||
	fail "no PRIORITY=3 entry 'reload: $conf rejected' (got '$(msg_priority "dmaguard run: reload: $conf rejected")')"
log "ok: the rejected reload is PRIORITY 3"
cat /tmp/policy.good >$conf
kill -HUP "$pid"
reloaded() {
	[ "$(msg_priority "dmaguard run: reloaded $conf")" = 5 ]
}
wait_secs 30 reloaded || fail "no PRIORITY=5 entry 'reloaded $conf'"
log "ok: the reload is PRIORITY 5"
expect_ok systemctl is-active dmaguard.service
