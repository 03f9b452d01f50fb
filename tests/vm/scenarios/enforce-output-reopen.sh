# logrotate: SIGUSR1 makes run open its --output FILE again by its path
# (docs/dmaguard.8, SIGNALS). Lines written before the signal stay in the
# file moved away, later ones go to a new FILE, created 0600 whatever the
# umask; none is lost. A FILE that may not be opened (a symlink in its
# place) is refused as at start, said once, and the lines keep going to
# the file opened before. Without --output, SIGUSR1 is answered and run
# goes on.
. /vm/dmaguard.sh

# binds_in FILE: how many bind events FILE holds
binds_in() {
	grep -c '"type":"bind"' "$1" 2>/dev/null
}

# binds_are FILE N
binds_are() {
	[ "$(binds_in "$1")" = "$2" ]
}

# deny_into FILE N: one denied bind of SHARED_A, which makes FILE hold N
deny_into() {
	expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
	wait_until 10 binds_are "$1" "$2" ||
		fail "$1 holds $(binds_in "$1") bind events, not $2"
}

policy "deny bind device=$SHARED_A"
expect_ok unbind "$SHARED_A"
umask 022
dg_start
deny_into "$DG_EVENTS" 1

# logrotate moves the file, then signals
expect_ok mv "$DG_EVENTS" "$DG_EVENTS.1"
deny_into "$DG_EVENTS.1" 2
kill -USR1 "$DG_PID"
wait_until 10 grep -qxF "dmaguard run: reopened $DG_EVENTS" "$DG_LOG" ||
	{ sed 's/^/    | /' "$DG_LOG"; fail "no 'reopened' line"; }
expect_ok stat -c '%a %U' "$DG_EVENTS"
expect_eq "$OUT" "600 root" "mode and owner of the reopened file"
deny_into "$DG_EVENTS" 1
expect_eq "$(binds_in "$DG_EVENTS.1")" 2 "bind events in the file moved away"

# a symlink where FILE was: refused, and the file opened before stays
expect_ok mv "$DG_EVENTS" "$DG_EVENTS.2"
expect_ok ln -s /tmp/elsewhere "$DG_EVENTS"
kill -USR1 "$DG_PID"
refused="dmaguard run: cannot reopen $DG_EVENTS: cannot open: it is a symbolic link; events still go to the file opened before"
wait_until 10 grep -qxF "$refused" "$DG_LOG" ||
	{ sed 's/^/    | /' "$DG_LOG"; fail "no message about the refused reopen"; }
expect_ok kill -0 "$DG_PID"
deny_into "$DG_EVENTS.2" 2
expect_fail test -e /tmp/elsewhere
dg_stop
sed 's/^/    | /' "$DG_LOG"
expect_eq "$(grep -c 'reopen' "$DG_LOG")" 2 "lines about reopening"
expect_out "dmaguard run: stopped: 4 events, 0 lost; enforcement stays pinned" cat "$DG_LOG"
# across the files, the seqs go on without a gap and nothing is lost
cat "$DG_EVENTS.1" "$DG_EVENTS.2" >/tmp/all.jsonl
expect_ok json-check -r -s </tmp/all.jsonl
expect_fail grep -q '"type":"lost"' /tmp/all.jsonl

# no --output: nothing to reopen, run goes on writing to stdout
rm -f "$DG_EVENTS"
dmaguard run --policy "$DG_POLICY" --json >/tmp/stdout.jsonl 2>/tmp/run2.log &
DG_PID=$!
wait_until 60 grep -q '^dmaguard run: enforcing' /tmp/run2.log || fail "run without --output did not start"
kill -USR1 "$DG_PID"
wait_until 10 grep -q 'no --output FILE to reopen' /tmp/run2.log ||
	{ sed 's/^/    | /' /tmp/run2.log; fail "SIGUSR1 without --output not answered"; }
deny_into /tmp/stdout.jsonl 1
dg_stop
