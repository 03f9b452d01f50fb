# An unprivileged user cannot make `run --output` write where they choose
# through a directory on the way to FILE. The careless admin names
# /tmp/dg/events.jsonl in sticky /tmp; uid 1000 made /tmp/dg first, as a
# symbolic link to a root-only directory. run must refuse the path (exit
# 1, naming it) and neither append to a root file there nor create one:
# "never through a symlink" must hold for every component, not only the
# last (O_NOFOLLOW guards only the last).
# vm: timeout=240
. /vm/dmaguard.sh
policy "deny bind device=$SHARED_A"
expect_ok unbind "$SHARED_A"


# root's private file, and root's private directory where nothing exists yet
expect_ok mkdir -m 700 /root/secret /root/empty
printf 'root only\n' >/root/secret/events.jsonl
chmod 600 /root/secret/events.jsonl
expect_ok as-user 1000 ln -s /root/secret /tmp/dg
expect_ok as-user 1000 ln -s /root/empty /tmp/dg2

log "fs.protected_symlinks=$(cat /proc/sys/fs/protected_symlinks) (guards only a path's last link)"

# 1. an existing root file behind the user's link: events must not land in it
DG_EVENTS=/tmp/dg/events.jsonl
dmaguard run --policy "$DG_POLICY" --json --output "$DG_EVENTS" >"$DG_LOG" 2>&1 &
DG_PID=$!
wait_until 30 sh -c "! kill -0 $DG_PID 2>/dev/null || grep -q '^dmaguard run: enforcing' $DG_LOG"
if kill -0 "$DG_PID" 2>/dev/null; then
	# it took the path: show what it does with root's file, then fail
	expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
	wait_until 10 grep -q '"type":"bind"' /root/secret/events.jsonl
	sed 's/^/    | /' "$DG_LOG"
	sed 's/^/    root file| /' /root/secret/events.jsonl
	dg_stop
	fail "run --output $DG_EVENTS (uid 1000's link to /root/secret) wrote to root's /root/secret/events.jsonl"
fi
wait "$DG_PID"
RC=$?
sed 's/^/    | /' "$DG_LOG"
expect_eq "$RC" 1 "exit status of run --output through uid 1000's link"
expect_out "*/tmp/dg*" cat "$DG_LOG"
expect_eq "$(cat /root/secret/events.jsonl)" "root only" "root's file behind the link"

# 2. nothing there yet: run must not create a file in root's directory
rc_of 30 dmaguard run --policy "$DG_POLICY" --output /tmp/dg2/events.jsonl
expect_eq "$RC" 1 "exit status of run --output through uid 1000's link to an empty directory"
expect_fail test -e /root/empty/events.jsonl
