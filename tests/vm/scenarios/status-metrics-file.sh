# run --metrics-file keeps node_exporter's textfile as Debian lays it out
# (/var/lib/prometheus belongs to prometheus, node-exporter/ in it to
# root): 0644, replaced whole (a new inode each time; a reader polling it
# never sees a part), nothing else left in the directory; a denied bind
# shows within one period; a path through a link below prometheus's
# directory is refused once, loudly, with enforcement untouched; the last
# write says no daemon streams; after unload, nothing is pinned.
# vm: timeout=240
. /vm/dmaguard.sh

DIR=/var/lib/prometheus/node-exporter
PROM=$DIR/dmaguard.prom
DENY='dmaguard_events_total{type="bind",verdict="deny",reason="rule"}'

# in_file SERIES VALUE: the file has SERIES at VALUE
in_file() {
	grep -qxF "$1 $2" "$PROM"
}

mkdir -p "$DIR"
chown 65534:65534 /var/lib/prometheus
chmod 0755 /var/lib/prometheus "$DIR"
policy "mode enforce
deny bind device=$SHARED_A driver=e1000"
expect_ok unbind "$SHARED_A"
umask 077
dg_start --metrics-file "$PROM"
umask 022
expect_ok wait_for_path "$PROM" 10
expect_eq "$(stat -c '%a %u' "$PROM")" "644 0" "mode and owner of the metrics file"
expect_ok in_file dmaguard_enforcement_pinned 1
expect_ok in_file dmaguard_daemon_streaming 1
expect_ok in_file "$DENY" 0
expect_eq "$(ls -A "$DIR")" dmaguard.prom "entries of $DIR"

# a denied bind shows within one period, in a new file each time
ino=$(stat -c %i "$PROM")
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
expect_ok wait_until 15 in_file "$DENY" 1
expect_ne "$(stat -c %i "$PROM")" "$ino" "inode after a rewrite"

# readers only ever see a whole file: the last family's last line is always there
last=$(tail -n 1 "$PROM")
expect_match "$last" 'dmaguard_groups{owner="user"} *' "the file's last line"
i=0 torn=0 seen=$(stat -c %i "$PROM") inodes=1
while [ "$inodes" -lt 3 ] && [ "$i" -lt 3000 ]; do
	case "$(tail -n 1 "$PROM")" in
	'dmaguard_groups{owner="user"} '*) ;;
	*) torn=$((torn + 1)) ;;
	esac
	now=$(stat -c %i "$PROM")
	[ "$now" != "$seen" ] && inodes=$((inodes + 1)) && seen=$now
	i=$((i + 1))
done
log "read the file $i times over $inodes versions"
expect_eq "$torn" 0 "reads that saw a partial file"
[ "$inodes" -ge 3 ] || fail "the file was not rewritten twice in $i reads"
expect_eq "$(ls -A "$DIR")" dmaguard.prom "entries of $DIR after the rewrites"

# the daemon stops: its last write says so
dg_stop
expect_ok in_file dmaguard_daemon_streaming 0
expect_ok in_file dmaguard_enforcement_pinned 1

# a link below prometheus's directory could lead anywhere: refused, said
# once, enforcement goes on; once the path is a directory, writing resumes
mkdir -p /elsewhere
ln -s /elsewhere /var/lib/prometheus/linked
dg_start --metrics-file /var/lib/prometheus/linked/dmaguard.prom
expect_ok wait_until 10 grep -q 'cannot write the metrics file' "$DG_LOG"
expect_out "*cannot write the metrics file: /var/lib/prometheus/linked/dmaguard.prom: refusing the file: /var/lib/prometheus/linked is a symbolic link below a directory of uid 65534*(enforcement is not affected)" \
	cat "$DG_LOG"
expect_eq "$(ls -A /elsewhere)" "" "entries where the link leads"
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
expect_event "\"type\":\"bind\",\"verdict\":\"deny\"" "deny event with the metrics file refused"
rm /var/lib/prometheus/linked
mkdir -m 0755 /var/lib/prometheus/linked
expect_ok wait_until 15 grep -q 'writing the metrics file /var/lib/prometheus/linked/dmaguard.prom again' "$DG_LOG"
expect_ok test -s /var/lib/prometheus/linked/dmaguard.prom
expect_eq "$(grep -c 'cannot write the metrics file' "$DG_LOG")" 1 "times the failure was said"
dg_stop

# unloaded under a daemon: the last write says nothing is pinned
dg_start --metrics-file "$PROM"
expect_ok wait_until 10 in_file dmaguard_daemon_streaming 1
expect_ok dmaguard unload
wait "$DG_PID"
DG_PID=
expect_ok in_file dmaguard_enforcement_pinned 0
