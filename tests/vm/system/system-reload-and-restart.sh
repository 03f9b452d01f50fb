# systemctl reload with a good policy puts it in force; with a bad one the
# reload fails visibly and the policy in force stays. kill -9 of the
# daemon: systemd restarts it, it reuses the pinned programs (none loaded
# twice), and the policy stays in force throughout.
expect_ok systemctl is-active dmaguard.service
expect_bound "$ISOLATED" e1000e
conf=/etc/dmaguard/policy.conf

# deny_isolated: a good policy, denying e1000e on ISOLATED
deny_isolated() {
	printf '%s\n' "mode enforce" "default bind allow" "default open allow" \
		"deny bind device=0000:03:00.0 driver=e1000e" >$conf
}

deny_isolated
expect_ok systemctl reload dmaguard.service
expect_write_ok /sys/bus/pci/drivers/e1000e/unbind "$ISOLATED"
expect_write_fail /sys/bus/pci/drivers/e1000e/bind "$ISOLATED"
wait_secs 30 has_event '"verdict":"deny".*"device":"0000:03:00.0"' ||
	fail "no DENY event after the reload"

# a bad policy: the reload fails, status says so, the old policy stays
echo "deny bind colour=blue" >$conf
expect_fail systemctl reload dmaguard.service
expect_out "*colour*" journalctl -b -u dmaguard.service -o cat --no-pager
expect_ok systemctl is-active dmaguard.service
expect_out "*eload failed*" sh -c 'systemctl status dmaguard.service --no-pager -l 2>&1; true'
expect_write_fail /sys/bus/pci/drivers/e1000e/bind "$ISOLATED"
expect_eq "$(driver_of "$ISOLATED")" "" "driver of ISOLATED after the failed reload"

# kill -9: systemd restarts the daemon (with the file fixed again, as an
# admin would); nothing is loaded twice
deny_isolated
before=$(dg_progs)
[ -n "$before" ] || fail "no dmaguard programs in the kernel"
pid=$(systemctl show -P MainPID dmaguard.service)
[ "$pid" -gt 0 ] || fail "no MainPID"
kill -9 "$pid"
# with the daemon dead, the pinned programs still deny
expect_write_fail /sys/bus/pci/drivers/e1000e/bind "$ISOLATED"
restarted() {
	new=$(systemctl show -P MainPID dmaguard.service)
	[ "$new" -gt 0 ] && [ "$new" != "$pid" ] &&
		[ "$(systemctl is-active dmaguard.service)" = active ]
}
wait_until 30 restarted || fail "dmaguard.service not restarted after kill -9 (state $(systemctl is-active dmaguard.service))"
log "ok: restarted as $(systemctl show -P MainPID dmaguard.service), NRestarts=$(systemctl show -P NRestarts dmaguard.service)"
expect_eq "$(systemctl show -P NRestarts dmaguard.service)" 1 "NRestarts"
expect_eq "$(dg_progs)" "$before" "dmaguard's programs after the restart (same ids: reused)"
expect_no_duplicate_programs
expect_write_fail /sys/bus/pci/drivers/e1000e/bind "$ISOLATED"
