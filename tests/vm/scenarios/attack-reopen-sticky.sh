# SIGUSR1 reopens --output /tmp/events.jsonl (sticky /tmp) after logrotate
# moved it away; before the signal, uid 1000 puts at the name a symbolic
# link to the root file /tmp/victim, a hard link to it
# (fs.protected_hardlinks=0), a hard link to root's rotated log, a file of
# its own, a FIFO. Each is refused as at start (said, and the events keep
# going to the file opened before), /tmp/victim never changes, run never
# blocks; once the name is free, the reopen makes a root file 0600.
# vm: timeout=240
. /vm/dmaguard.sh
printf 'SECRET\n' >/tmp/victim
chmod 0600 /tmp/victim
expect_ok sh -c 'echo 0 >/proc/sys/fs/protected_hardlinks'
victim() {
	stat -c '%u %a %s' /tmp/victim
	cat /tmp/victim
}
BEFORE=$(victim)
binds_in() {
	grep -c '"type":"bind"' "$1" 2>/dev/null
}
# binds_at_least FILE N
binds_at_least() {
	[ "$(binds_in "$1")" -ge "$2" ]
}
policy "deny bind device=$SHARED_A"
expect_ok unbind "$SHARED_A"
dg_start
expect_ok test "$DG_EVENTS" = /tmp/events.jsonl
expect_ok mv /tmp/events.jsonl /tmp/events.jsonl.1
n=0
for what in symlink hardlink rotated own fifo; do
	case $what in
	symlink) expect_ok as-user 1000 ln -s /tmp/victim /tmp/events.jsonl ;;
	hardlink) expect_ok as-user 1000 ln /tmp/victim /tmp/events.jsonl ;;
	rotated) expect_ok as-user 1000 ln /tmp/events.jsonl.1 /tmp/events.jsonl ;;
	own) expect_ok as-user 1000 sh -c 'umask 0; : >/tmp/events.jsonl' ;;
	fifo) expect_ok as-user 1000 mkfifo -m 0666 /tmp/events.jsonl ;;
	esac
	refusals=$(grep -c 'cannot reopen' "$DG_LOG")
	kill -USR1 "$DG_PID"
	wait_until 10 sh -c "[ \$(grep -c 'cannot reopen' $DG_LOG) -gt $refusals ]" || {
		sed 's/^/    | /' "$DG_LOG"
		ls -la /tmp/events.jsonl
		fail "$what at the name: SIGUSR1 was not refused"
	}
	log "$what: $(grep 'cannot reopen' "$DG_LOG" | tail -n 1)"
	expect_eq "$(victim)" "$BEFORE" "/tmp/victim after $what"
	n=$((n + 1))
	expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
	wait_until 10 binds_at_least /tmp/events.jsonl.1 "$n" ||
		fail "$what: the deny event did not go to the file opened before"
	kill -0 "$DG_PID" || fail "$what: the daemon is gone"
	rm -f /tmp/events.jsonl
done
expect_eq "$(grep -c 'reopened' "$DG_LOG")" 0 "reopens that succeeded"
kill -USR1 "$DG_PID"
expect_ok wait_until 10 grep -q 'reopened /tmp/events.jsonl' "$DG_LOG"
expect_ok test -f /tmp/events.jsonl -a ! -L /tmp/events.jsonl
expect_eq "$(stat -c '%u %a %h' /tmp/events.jsonl)" "0 600 1" "the reopened file"
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
expect_ok wait_until 10 sh -c '[ "$(grep -c "\"type\":\"bind\"" /tmp/events.jsonl)" = 1 ]'
expect_eq "$(victim)" "$BEFORE" "/tmp/victim"
sed 's/^/    | /' "$DG_LOG"
dg_stop
