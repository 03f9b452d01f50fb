# The sticky-directory exception of the policy trust rule assumes that a
# root-owned entry in /tmp was put there by root. A hard link breaks that:
# where fs.protected_hardlinks=0 (the upstream kernel's default; distros
# and systemd set 1), uid 1000 links any root-owned file of the same
# filesystem under the name the careless admin will give to `--policy`
# (here an empty root file: allow-all). The link is root-owned, mode 0644,
# and uid 1000 cannot even remove it again: it passes every owner and mode
# check. A file in a sticky directory that has another name must be refused
# (exit 2, naming it), as `--output` refuses one; else enforcement is gone.
# vm: timeout=240
. /vm/dmaguard.sh
policy "deny bind device=$SHARED_A"
expect_ok unbind "$SHARED_A"
expect_ok sh -c 'echo 0 >/proc/sys/fs/protected_hardlinks'

# any root-owned, not group/other-writable file on /tmp's filesystem
: >/tmp/root-empty
chmod 644 /tmp/root-empty
expect_ok as-user 1000 ln /tmp/root-empty /tmp/dmaguard.conf
expect_eq "$(stat -c '%U %a %h' /tmp/dmaguard.conf)" "root 644 2" "owner, mode, links of the planted name"
expect_fail as-user 1000 rm -f /tmp/dmaguard.conf

dg_start
dmaguard reload --policy /tmp/dmaguard.conf >/tmp/reload.out 2>&1
rc=$?
sed 's/^/    | /' /tmp/reload.out
if [ "$rc" -eq 0 ]; then
	write_file /sys/bus/pci/drivers/e1000/bind "$SHARED_A" &&
		log "the bind dmaguard denied before now succeeded: driver $(driver_of "$SHARED_A")"
	fail "reload took /tmp/dmaguard.conf, a hard link uid 1000 planted in sticky /tmp (to an empty root file: allow-all)"
fi
expect_eq "$rc" 2 "exit status of reload of a planted hard link"
expect_out "*/tmp/dmaguard.conf*" cat /tmp/reload.out
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"

# run refuses it the same way
dg_stop
expect_ok dmaguard unload
rc=0
timeout 30 dmaguard run --policy /tmp/dmaguard.conf --output /tmp/ev2 >/tmp/run.out 2>&1 || rc=$?
sed 's/^/    | /' /tmp/run.out
expect_eq "$rc" 2 "exit status of run of a planted hard link"
