# run --metrics-file in a directory another user owns (uid 1000 here, as
# prometheus owns /var/lib/prometheus on Debian): that user races root's
# rewrites every 5 s. As soon as root's temporary .dmaguard.prom.XXXXXXXX
# appears (inotify), uid 1000 replaces it with a symbolic link to, a hard
# link to (fs.protected_hardlinks=0) or a FIFO instead of a root file, and
# keeps the same at the final name; then swaps the directory itself with a
# link to a root directory in a tight loop. Root must never write,
# truncate, chmod or chown the root file or write into the root directory,
# never block, leave no file of its own behind, and go on enforcing and
# streaming; once the attacker stops, the file is written again.
# vm: timeout=300
. /vm/dmaguard.sh

PDIR=/var/lib/prometheus
DIR=$PDIR/node-exporter
PROM=$DIR/dmaguard.prom
STOP=/tmp/stop-race

mkdir -p "$DIR" /victimdir
chown 1000:1000 "$PDIR" "$DIR"
chmod 0755 "$PDIR" "$DIR" /victimdir
printf 'SECRET\n' >/etc/victim
chmod 0600 /etc/victim
expect_ok sh -c 'echo 0 >/proc/sys/fs/protected_hardlinks'
expect_ok sh -c 'echo 0 >/proc/sys/fs/protected_symlinks'
victim() {
	printf '%s %s %s %s' "$(stat -c '%u:%g %a %s' /etc/victim)" "$(cat /etc/victim)" \
		"$(ls -A /victimdir | tr '\n' ' ')" "$(stat -c '%u %a' /victimdir)"
}
BEFORE=$(victim)
log "victim before: $BEFORE"

policy "mode enforce
deny bind device=$SHARED_A driver=e1000"
expect_ok unbind "$SHARED_A"
dg_start --metrics-file "$PROM"
expect_ok wait_for_path "$PROM" 10

# victim_touched: the root file or directory changed
victim_touched() {
	[ "$(victim)" != "$BEFORE" ]
}

for mode in symlink hardlink fifo; do
	rm -f "$STOP"
	as-user 1000 race-swap "$mode" "$DIR" dmaguard.prom /etc/victim "$STOP" \
		>/tmp/race.out 2>&1 &
	racer=$!
	expect_ok wait_until 10 grep -q watching /tmp/race.out
	# three rewrites under attack
	wait_until 25 grep -q 'seen=3 ' /tmp/race.out ||
		fail "$mode: root's temporary file was not seen three times: $(cat /tmp/race.out)"
	touch "$STOP"
	wait "$racer"
	log "$mode: $(tail -n 2 /tmp/race.out | tr '\n' ' ')"
	ls -la "$DIR" | sed 's/^/    | /'
	victim_touched && fail "$mode: root changed the victim: $(victim)"
	kill -0 "$DG_PID" || fail "$mode: the daemon is gone"
	# root's own are 0644 (the victim, linked there, is 0600)
	expect_eq "$(find "$DIR" -user 0 -perm 644 -name '.dmaguard.prom.*' | wc -l)" 0 \
		"$mode: temporary files of root's left behind"
	rm -f "$DIR"/dmaguard.prom "$DIR"/.dmaguard.prom.*
done

# the directory itself, swapped with a link to /victimdir
rm -f "$STOP"
as-user 1000 race-swap dirswap "$DIR" dmaguard.prom /victimdir "$STOP" >/tmp/race.out 2>&1 &
racer=$!
wait_until 16 victim_touched
touch "$STOP"
wait "$racer"
log "dirswap: $(cat /tmp/race.out | tr '\n' ' ')"
victim_touched && fail "dirswap: root wrote where uid 1000's link led: $(victim)"
expect_ok test -d "$DIR"

# still enforcing and streaming; the file is written again
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
expect_event '"type":"bind","verdict":"deny"' "deny event after the races"
expect_ok wait_until 15 grep -qxF 'dmaguard_events_total{type="bind",verdict="deny",reason="rule"} 1' "$PROM"
expect_eq "$(stat -c '%F %u %a' "$PROM")" "regular file 0 644" "the metrics file after the races"
sed 's/^/    | /' "$DG_LOG"
dg_stop
victim_touched && fail "root changed the victim: $(victim)"
log "victim after: $(victim)"
