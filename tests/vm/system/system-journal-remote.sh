# Shipping across hosts with the engines fleets run (README "Running on
# many hosts"): systemd-journal-upload sends this journal over HTTP to
# systemd-journal-remote, which writes it to a directory of its own, as a
# collector host would; there the DENY entry has every field it has here
# (journalctl -D DIR DMAGUARD_VERDICT=deny -o json), the trusted ones
# journald added (_SYSTEMD_UNIT, _TRANSPORT, _BOOT_ID) included.
MSG_BIND=a97956341fbf4b6f8a2ffbcdf09565e6
remote=/var/tmp/journal-remote
expect_eq "$ISOLATED" 0000:03:00.0 "ISOLATED's address (the policy names it)"
expect_ok systemctl is-active dmaguard.service
expect_ok dpkg-query -W systemd-journal-remote
denied() {
	dg_entries DMAGUARD_VERDICT=deny DMAGUARD_DEVICE="$ISOLATED" | grep -q .
}
wait_secs 60 denied || fail "no DENY entry for $ISOLATED in the local journal"
here=$(dg_entries DMAGUARD_VERDICT=deny DMAGUARD_DEVICE="$ISOLATED" | head -n 1)
log "local entry: $here"

lib=/usr/lib/systemd
[ -x $lib/systemd-journal-remote ] || lib=/lib/systemd
# the package's units may hold the port or upload elsewhere: only ours run
systemctl stop systemd-journal-remote.socket systemd-journal-remote.service \
	systemd-journal-upload.service 2>/dev/null
mkdir -p $remote
$lib/systemd-journal-remote --listen-http=19532 --output=$remote/ >/tmp/remote.log 2>&1 &
rpid=$!
# 19532 is 4C4C: listening once /proc/net/tcp{,6} has it in state 0A
listening() {
	cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | grep -q ':4C4C [0-9A-F:]* 0A '
}
wait_secs 30 listening || fail "systemd-journal-remote is not listening on 19532: $(cat /tmp/remote.log)"
log "ok: systemd-journal-remote listening on 19532 (pid $rpid)"
$lib/systemd-journal-upload --url=http://127.0.0.1:19532 >/tmp/upload.log 2>&1 &
upid=$!

# there: journalctl -D DIR DMAGUARD_VERDICT=deny -o json, as a collector runs it
there() {
	journalctl -D $remote -o json --no-pager DMAGUARD_VERDICT=deny DMAGUARD_DEVICE="$ISOLATED" "$@"
}
arrived() {
	there | grep -q .
}
wait_secs 120 arrived ||
	fail "no DENY entry in $remote: $(ls -l $remote; cat /tmp/remote.log /tmp/upload.log | tail -5 | tr '\n' ';')"
kill "$upid" "$rpid" 2>/dev/null
wait "$upid" "$rpid" 2>/dev/null
remote_entry=$(there | head -n 1)
log "remote entry: $remote_entry"
expect_out "*.journal" ls $remote
for f in DMAGUARD_SCHEMA DMAGUARD_HOST DMAGUARD_TYPE DMAGUARD_VERDICT DMAGUARD_REASON DMAGUARD_RULE DMAGUARD_DEVICE \
	DMAGUARD_ID DMAGUARD_CLASS DMAGUARD_GROUP DMAGUARD_DRIVER DMAGUARD_DMA DMAGUARD_RESULT \
	DMAGUARD_PID DMAGUARD_COMM DMAGUARD_UID DMAGUARD_SEQ DMAGUARD_TS PRIORITY MESSAGE_ID \
	MESSAGE SYSLOG_IDENTIFIER _SYSTEMD_UNIT _TRANSPORT _BOOT_ID _PID __REALTIME_TIMESTAMP; do
	v=$(printf '%s\n' "$here" | json_field $f)
	[ -n "$v" ] || fail "the local entry has no $f"
	expect_eq "$(printf '%s\n' "$remote_entry" | json_field $f)" "$v" "$f there"
done
expect_eq "$(printf '%s\n' "$remote_entry" | json_field PRIORITY)" 4 "PRIORITY there"
expect_eq "$(printf '%s\n' "$remote_entry" | json_field MESSAGE_ID)" $MSG_BIND "MESSAGE_ID there"
expect_eq "$(printf '%s\n' "$remote_entry" | json_field DMAGUARD_RULE)" /etc/dmaguard/policy.conf:6 "DMAGUARD_RULE there"
# the collector's filters work on them: the unit and the priority
expect_ne "$(there -u dmaguard.service -p warning..warning | head -n 1)" "" "the entry by -u dmaguard -p warning there"
