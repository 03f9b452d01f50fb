# SIGUSR1 reopens --output /var/log/dg/events.jsonl by its path, under the
# rules of the first open: when, after the start, the administrator's
# directory became uid 1000's (chown), or was replaced by a link uid 1000
# may point anywhere, the reopen is refused, said, naming the directory,
# and the events keep going to the file opened before; nothing is written
# where the link leads.
# vm: timeout=240
. /vm/dmaguard.sh
binds_in() {
	grep -c '"type":"bind"' "$1" 2>/dev/null
}
binds_are() {
	[ "$(binds_in "$1")" = "$2" ]
}
policy "deny bind device=$SHARED_A"
expect_ok unbind "$SHARED_A"
mkdir -m 0755 -p /var/log/dg /victimdir
DG_EVENTS=/var/log/dg/events.jsonl
dg_start

# chowned to uid 1000 after the start
expect_ok mv "$DG_EVENTS" /var/log/dg.1
chown 1000:1000 /var/log/dg
kill -USR1 "$DG_PID"
expect_ok wait_until 10 grep -q 'cannot reopen' "$DG_LOG"
expect_out "*cannot reopen /var/log/dg/events.jsonl: *directory /var/log/dg is owned by uid 1000*" cat "$DG_LOG"
expect_fail test -e "$DG_EVENTS"
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
expect_ok wait_until 10 binds_are /var/log/dg.1 1

# swapped for a link (to a directory uid 1000 owns) under /var/log
expect_ok rmdir /var/log/dg
mkdir -m 0755 /tmp/udir
chown 1000:1000 /tmp/udir
ln -s /tmp/udir /var/log/dg
kill -USR1 "$DG_PID"
expect_ok wait_until 10 sh -c "[ \$(grep -c 'cannot reopen' $DG_LOG) = 2 ]"
expect_out "*cannot reopen /var/log/dg/events.jsonl: *uid 1000*" cat "$DG_LOG"
expect_eq "$(ls -A /tmp/udir)" "" "entries where the link leads"
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
expect_ok wait_until 10 binds_are /var/log/dg.1 2
sed 's/^/    | /' "$DG_LOG"
dg_stop
