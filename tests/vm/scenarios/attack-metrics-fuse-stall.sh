# The metrics file's directory belongs to uid 1000 (the rule allows it, as
# prometheus's on Debian). Where /etc/fuse.conf has user_allow_other, uid
# 1000 may mount FUSE with allow_other on that directory (fuse-root does
# what fusermount3 does for it) and serve it with a daemon that never
# answers. Root's walk to the file asks that daemon (statfs, to refuse
# FUSE): it must not hang there, and the daemon must go on streaming the
# events and answering SIGTERM. FUSE is a module on 5.10 and 6.1 (not in
# the image): there the scenario skips, as attack-policy-fuse.
# vm: timeout=240
. /vm/dmaguard.sh
[ -e /dev/fuse ] || modprobe fuse 2>/dev/null
[ -e /dev/fuse ] || skip "no /dev/fuse (fuse is a module of this kernel, not in the image)"
PDIR=/var/lib/prometheus
DIR=$PDIR/node-exporter
mkdir -p "$DIR"
chown 1000:1000 "$PDIR" "$DIR"
chmod 0755 "$PDIR" "$DIR"
policy "mode enforce
deny bind device=$SHARED_A driver=e1000"
expect_ok unbind "$SHARED_A"
dg_start --metrics-file "$DIR/dmaguard.prom"
expect_ok wait_for_path "$DIR/dmaguard.prom" 10

FUSE_ROOT_STALL_STATFS=1 fuse-root -u 1000 "$DIR" "x" >/tmp/fuse.out 2>&1 &
fuse=$!
wait_until 20 grep -q '^mounted' /tmp/fuse.out || fail "fuse-root did not mount: $(cat /tmp/fuse.out)"
# past the next rewrite, then a deny: streamed?
before=$(grep -c '"verdict":"deny"' "$DG_EVENTS")
wait_until 7 false
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
if ! wait_until 15 sh -c "[ \$(grep -c '\"verdict\":\"deny\"' $DG_EVENTS) -gt $before ]"; then
	log "daemon stack: $(cat /proc/$DG_PID/stack 2>/dev/null | head -n 8 | tr '\n' ' ')"
	log "daemon state: $(grep State /proc/$DG_PID/status)"
	kill -TERM "$DG_PID"
	wait_until 10 sh -c "! kill -0 $DG_PID" || log "SIGTERM did not end it either"
	umount -l "$DIR"
	kill -KILL "$DG_PID" 2>/dev/null
	fail "uid 1000's FUSE daemon stalled root's metrics rewrite: no event streamed, the daemon blocked in statfs"
fi
sed 's/^/    | /' "$DG_LOG"
dg_stop
umount -l "$DIR"
