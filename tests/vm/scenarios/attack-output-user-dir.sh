# The event log is the record of what was denied: an unprivileged user must
# not be able to delete it or swap it while run writes it. The careless
# admin names --output in a directory uid 1000 owns (/tmp/udir, 0755): run
# must refuse it as it refuses a policy there (exit 1, naming the
# directory and its owner); taking it lets uid 1000 unlink the log, and
# the deny events then go to a file nobody can read.
# vm: timeout=240
. /vm/dmaguard.sh
policy "deny bind device=$SHARED_A"
expect_ok unbind "$SHARED_A"
expect_ok as-user 1000 mkdir -m 755 /tmp/udir

DG_EVENTS=/tmp/udir/events.jsonl
dmaguard run --policy "$DG_POLICY" --json --output "$DG_EVENTS" >"$DG_LOG" 2>&1 &
DG_PID=$!
wait_until 30 sh -c "! kill -0 $DG_PID 2>/dev/null || grep -q '^dmaguard run: enforcing' $DG_LOG"
if kill -0 "$DG_PID" 2>/dev/null; then
	sed 's/^/    | /' "$DG_LOG"
	expect_ok stat -c '%U %a' "$DG_EVENTS"
	expect_ok as-user 1000 rm -f "$DG_EVENTS"
	expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
	expect_fail test -e "$DG_EVENTS"
	dg_stop
	fail "run took --output in uid 1000's directory /tmp/udir: uid 1000 deleted the event log, the deny event went nowhere readable"
fi
wait "$DG_PID"
RC=$?
sed 's/^/    | /' "$DG_LOG"
expect_eq "$RC" 1 "exit status of run --output in uid 1000's directory"
expect_out "*/tmp/udir*uid 1000*" cat "$DG_LOG"
