# With fs.protected_hardlinks=0 (the upstream kernel's default) any user can
# hard-link root's event log, as the man page's example places it
# (/var/log/dmaguard.jsonl), into a world-writable directory of the same
# filesystem (/var/tmp). The user still cannot read it (0600), but the next
# `run` (a restart, a reboot of the service) refuses the log for its second
# name and exits 1: one `ln` by any user stops the event stream for good.
# run must start and write its events where no other user can read them.
# vm: timeout=240
. /vm/dmaguard.sh
policy "deny bind device=$SHARED_A"
expect_ok unbind "$SHARED_A"
expect_ok sh -c 'echo 0 >/proc/sys/fs/protected_hardlinks'
expect_ok mkdir -p /var/log /var/tmp
expect_ok chmod 755 /var /var/log
expect_ok chmod 1777 /var/tmp
DG_EVENTS=/var/log/dmaguard.jsonl

dg_start
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
expect_event '"type":"bind".*"verdict":"deny"' "deny event"
dg_stop
expect_eq "$(stat -c '%u %a %h' "$DG_EVENTS")" "0 600 1" "owner, mode, links of the log"

# uid 1000 gives the log a second name
expect_ok as-user 1000 ln "$DG_EVENTS" /var/tmp/keep
expect_fail as-user 1000 cat /var/tmp/keep

# the service restarts
: >"$DG_LOG"
dmaguard run --policy "$DG_POLICY" --json --output "$DG_EVENTS" 2>>"$DG_LOG" &
DG_PID=$!
wait_until 60 sh -c "! kill -0 $DG_PID 2>/dev/null || grep -q '^dmaguard run: enforcing' $DG_LOG"
sed 's/^/    | /' "$DG_LOG"
if ! kill -0 "$DG_PID" 2>/dev/null; then
	wait "$DG_PID"
	fail "run exited $? after uid 1000 hard-linked its log: no events are written any more"
fi
before=$(grep -c '"type":"bind"' "$DG_EVENTS")
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
wait_until 10 sh -c "[ \$(grep -c '\"type\":\"bind\"' $DG_EVENTS) -gt $before ]" ||
	fail "the deny event after the restart was not written to $DG_EVENTS"
expect_fail as-user 1000 cat /var/tmp/keep
dg_stop
