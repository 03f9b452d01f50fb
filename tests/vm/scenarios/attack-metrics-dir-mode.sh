# The owner of the metrics file's directory (uid 1000, as prometheus on
# Debian) changes it under a running daemon: makes it world-writable (any
# user could then race root there), then fills its file system. Each time
# root stops writing the file, says so once naming why, keeps no temporary
# file, and goes on enforcing and streaming; once the directory is fixed
# it writes the file again.
# vm: timeout=240
. /vm/dmaguard.sh

PDIR=/var/lib/prometheus
DIR=$PDIR/node-exporter
PROM=$DIR/dmaguard.prom
mkdir -p "$PDIR"
mount -t tmpfs -o size=256k,mode=0755 tmpfs "$PDIR" || fail "cannot mount a small tmpfs"
mkdir "$DIR"
chown 1000:1000 "$PDIR" "$DIR"

policy "mode enforce
deny bind device=$SHARED_A driver=e1000"
expect_ok unbind "$SHARED_A"
dg_start --metrics-file "$PROM"
expect_ok wait_for_path "$PROM" 10

# world-writable after the start: refused at the next rewrite
ino=$(stat -c %i "$PROM")
expect_ok as-user 1000 chmod 0777 "$DIR"
expect_ok wait_until 15 grep -q 'cannot write the metrics file' "$DG_LOG"
expect_out "*cannot write the metrics file: $PROM: refusing the file: directory $DIR is owned by uid 1000 (mode 0777)*" \
	cat "$DG_LOG"
expect_eq "$(stat -c %i "$PROM")" "$ino" "inode of the metrics file while refused"
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
expect_event '"type":"bind","verdict":"deny"' "deny event with the directory world-writable"
expect_ok as-user 1000 chmod 0755 "$DIR"
expect_ok wait_until 15 grep -q "writing the metrics file $PROM again" "$DG_LOG"
expect_ok wait_until 10 grep -qxF 'dmaguard_events_total{type="bind",verdict="deny",reason="rule"} 1' "$PROM"

# the file system full
: >"$DG_LOG.mark"
as-user 1000 dd if=/dev/zero of="$DIR/fill" bs=4k 2>/dev/null
log "free after the fill: $(df -k "$PDIR" | tail -n 1)"
expect_ok wait_until 15 sh -c "[ \$(grep -c 'cannot write the metrics file' $DG_LOG) -ge 2 ]"
expect_out "*cannot write the metrics file: $PROM: *No space left on device*" cat "$DG_LOG"
expect_eq "$(find "$DIR" -name '.dmaguard.prom.*' | wc -l)" 0 "temporary files left on a full file system"
expect_ok test -s "$PROM"
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
expect_ok wait_until 10 sh -c "[ \$(grep -c '\"verdict\":\"deny\"' $DG_EVENTS) -ge 2 ]"
rm -f "$DIR/fill"
expect_ok wait_until 15 sh -c "[ \$(grep -c 'writing the metrics file $PROM again' $DG_LOG) -ge 2 ]"
expect_ok wait_until 10 grep -qxF 'dmaguard_events_total{type="bind",verdict="deny",reason="rule"} 2' "$PROM"
expect_eq "$(grep -c 'cannot write the metrics file' "$DG_LOG")" 2 "times a failure was said"
sed 's/^/    | /' "$DG_LOG"
dg_stop
umount "$PDIR"
