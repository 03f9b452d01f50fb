# Event output that cannot be written (a full filesystem): enforcement is
# not affected, the daemon says so once with the cause and keeps running,
# counts the events it could not write as lost, and says so again when
# writing works once more.
. /vm/dmaguard.sh
policy "deny bind device=$SHARED_A"
expect_ok unbind "$SHARED_A"
expect_ok mkdir -p /mnt/tiny
expect_ok mount -t tmpfs -o size=4k,mode=0700 tiny /mnt/tiny
DG_EVENTS=/mnt/tiny/events.jsonl
dg_start
expect_ok stat -c '%a %U' "$DG_EVENTS"
expect_eq "$OUT" "600 root" "mode and owner of the --output file"

# fill the filesystem: the next event cannot be written
dd if=/dev/zero of=/mnt/tiny/fill bs=4096 count=1 2>/dev/null
expect_fail dd if=/dev/zero of=/mnt/tiny/more bs=4096 count=1
for i in 1 2 3; do
	expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
done
expect_eq "$(driver_of "$SHARED_A")" "" "driver of SHARED_A (denied while the output is full)"
cant="dmaguard run: cannot write events to $DG_EVENTS: No space left on device"
wait_until 10 grep -qF "$cant" "$DG_LOG" || { sed 's/^/    | /' "$DG_LOG"; fail "no message about the failed write"; }
expect_ok kill -0 "$DG_PID"
dg_drained
expect_eq "$(grep -cF "$cant" "$DG_LOG")" 1 "messages about the failed writes (once, not per event)"
expect_eq "$(wc -c <"$DG_EVENTS")" 0 "bytes in the full output"

# space again: the next event is written, and the daemon says what was lost
rm /mnt/tiny/fill
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
expect_event "\"verdict\":\"deny\",\"reason\":\"rule\",.*\"device\":\"$SHARED_A\"" "deny event after space came back"
# the lost record stands where the gap in the output is, with its size
expect_match "$(head -n 1 "$DG_EVENTS")" '{"schema":1,"ts":"20*Z","host":"*","type":"lost","count":3}' "first line of the output"
wait_until 10 grep -qF "dmaguard run: writing events to $DG_EVENTS again; 3 events were lost" "$DG_LOG" ||
	{ sed 's/^/    | /' "$DG_LOG"; fail "no message that writing works again"; }
dg_stop
sed 's/^/    | /' "$DG_LOG"
expect_out "dmaguard run: stopped: 1 events, 3 lost; enforcement stays pinned" cat "$DG_LOG"

# an output that cannot be opened: exit 1, after enforcement is pinned
# (a name someone made where the log goes must not leave the host open)
dmaguard run --policy "$DG_POLICY" --output /nonexistent/events.jsonl >/tmp/noout.log 2>&1
rc=$?
sed 's/^/    | /' /tmp/noout.log
expect_eq "$rc" 1 "exit status of run with an output it cannot open"
expect_out "dmaguard run: /nonexistent/events.jsonl: cannot open /nonexistent: No such file or directory" cat /tmp/noout.log
expect_out "dmaguard run: enforcement stays pinned in $DG_PIN; no events are written" cat /tmp/noout.log
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
