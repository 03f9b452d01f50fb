# A filesystem a user serves decides the owner and mode it reports. Where
# /etc/fuse.conf has user_allow_other (for sshfs and the like), uid 1000 can
# mount FUSE with allow_other on a directory of its own in sticky /tmp
# (fuse-root does what fusermount3 does for it, then serves as uid 1000)
# and report its root directory and a policy.conf in it as root's, mode
# 0755 and 0644: every owner and mode check of the policy walk then passes
# on attributes uid 1000 invents, for content uid 1000 serves. A policy on
# a filesystem mounted for (user_id=) another user must be refused (exit 2).
# FUSE is built into 6.12 and 7.x; on 5.10 and 6.1 it is a module, and a
# `modules=fuse` header would put it in every image of every kernel (and
# fail the 7.x image, whose cached modules.builtin is empty), so there the
# scenario skips.
# vm: timeout=240
. /vm/dmaguard.sh
policy "deny bind device=$SHARED_A"
expect_ok unbind "$SHARED_A"
[ -e /dev/fuse ] || modprobe fuse 2>/dev/null
[ -e /dev/fuse ] || skip "no /dev/fuse (fuse is a module of this kernel, not in the image)"

expect_ok as-user 1000 mkdir -m 755 /tmp/u
fuse-root -u 1000 /tmp/u "# served by uid 1000's FUSE daemon: no rules, every bind allowed" \
	>/tmp/fuse.out 2>&1 &
fuse=$!
wait_until 20 grep -q '^mounted' /tmp/fuse.out || fail "fuse-root did not mount: $(cat /tmp/fuse.out)"
expect_ok grep ' /tmp/u fuse' /proc/mounts
log "served by pid $fuse, uid $(stat -c %u /proc/$fuse)"
expect_eq "$(stat -c '%u %a' /tmp/u /tmp/u/policy.conf | tr '\n' ' ')" "0 755 0 644 " \
	"owner and mode /tmp/u and /tmp/u/policy.conf report"

dg_start
dmaguard reload --policy /tmp/u/policy.conf >/tmp/reload.out 2>&1
rc=$?
sed 's/^/    | /' /tmp/reload.out
if [ "$rc" -eq 0 ]; then
	write_file /sys/bus/pci/drivers/e1000/bind "$SHARED_A" &&
		log "the bind dmaguard denied before now succeeded: driver $(driver_of "$SHARED_A")"
	umount -l /tmp/u
	fail "reload took /tmp/u/policy.conf, served by uid 1000's FUSE daemon"
fi
expect_eq "$rc" 2 "exit status of reload of a policy uid 1000 serves"
expect_out "*/tmp/u*" cat /tmp/reload.out
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
dg_stop
umount -l /tmp/u
