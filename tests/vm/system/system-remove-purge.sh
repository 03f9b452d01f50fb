# apt-get remove ends enforcement (the service stopped, the programs
# unloaded) and keeps the admin's policy; apt-get purge removes it too.
expect_ok systemctl is-active dmaguard.service
expect_bound "$MF_A" e1000e
wait_secs 60 has_event '"verdict":"deny".*"device":"0000:03:00.0"' ||
	fail "no DENY event for 0000:03:00.0 at boot"
expect_eq "$(driver_of "$ISOLATED")" "" "driver of ISOLATED at boot"
[ -n "$(dg_progs)" ] || fail "no dmaguard programs loaded at boot"

expect_ok apt-get remove -y -q dmaguard
expect_fail systemctl is-active dmaguard.service
expect_ok test ! -e /usr/sbin/dmaguard
expect_ok test ! -e /sys/fs/bpf/dmaguard
# the kernel drops the programs once their last link is gone
no_progs() { [ -z "$(dg_progs)" ]; }
wait_until 10 no_progs || fail "programs still loaded after remove: $(dg_progs | tr '\n' ';')"
log "ok: no dmaguard program in the kernel"
expect_write_ok /sys/bus/pci/drivers/e1000e/bind "$ISOLATED"
expect_eq "$(driver_of "$ISOLATED")" e1000e "driver of ISOLATED after remove"
expect_line "*deny bind device=0000:03:00.0*" "$(cat /etc/dmaguard/policy.conf)"
expect_out "rc *dmaguard *" sh -c 'dpkg -l dmaguard | tail -n 1'

expect_ok apt-get purge -y -q dmaguard
expect_ok test ! -e /etc/dmaguard
expect_fail dpkg-query -W dmaguard
