# uid 1000 pre-creates the name a careless admin gives to `run --output` in
# sticky /tmp: as a symbolic link to a root file, as a file of its own, as
# a hard link to a root file (fs.protected_hardlinks=0, the upstream
# kernel's default, lets it), as a FIFO (to block the daemon). Each is
# refused at once (exit 1, bounded: no hang), and no root file changes.
# run opens --output only once enforcement is pinned: a squatted name
# costs the event log, never the enforcement (asserted below).
# A link swapped in after the check is caught by the same rule (the open
# does not follow and compares what it opened).
# vm: timeout=240
. /vm/dmaguard.sh
policy "deny bind device=$SHARED_A"


expect_ok sh -c 'echo 0 >/proc/sys/fs/protected_hardlinks'
printf 'root data\n' >/tmp/root-file
chmod 600 /tmp/root-file
expect_ok as-user 1000 ln -s /tmp/root-file /tmp/ev-link
expect_ok as-user 1000 touch /tmp/ev-own
expect_ok as-user 1000 ln /tmp/root-file /tmp/ev-hard
expect_ok as-user 1000 mkfifo -m 666 /tmp/ev-fifo
expect_ok as-user 1000 ln -s /dev/null /tmp/ev-dev

for name in ev-link ev-own ev-hard ev-fifo ev-dev; do
	rc_of 30 dmaguard run --policy "$DG_POLICY" --output "/tmp/$name"
	expect_eq "$RC" 1 "exit status of run --output /tmp/$name"
	expect_line "dmaguard run: /tmp/$name: cannot open: *"
	expect_line "dmaguard run: enforcement stays pinned in $DG_PIN; no events are written"
done
expect_eq "$(cat /tmp/root-file)" "root data" "root's file after the attempts"
# the refusals cost the event log only: the deny is in force
expect_ok test -e "$DG_PIN/links/probe_enter"
expect_ok unbind "$SHARED_A"
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
expect_eq "$(stat -c '%u' /tmp/ev-own)" "1000" "owner of uid 1000's own file (untouched)"
