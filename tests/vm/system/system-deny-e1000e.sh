# /etc/dmaguard/policy.conf denies e1000e on the ISOLATED device only: after
# boot it is unbound while the multi-function siblings and the e1000 pair
# are bound; the journal holds the DENY event naming the rule and the
# host, and dmaguard.service was ready before systemd-udev-trigger.service
# started.
expect_eq "$ISOLATED" 0000:03:00.0 "ISOLATED's address (the policy names it)"
expect_ok systemctl is-active dmaguard.service
expect_bound "$MF_A" e1000e
expect_bound "$MF_B" e1000e
expect_bound "$SHARED_A" e1000
expect_bound "$SHARED_B" e1000
deny='"verdict":"deny".*"rule":"/etc/dmaguard/policy.conf:5".*"device":"0000:03:00.0".*"driver":"e1000e"'
wait_secs 60 has_event "$deny" ||
	fail "no DENY event for 0000:03:00.0 naming /etc/dmaguard/policy.conf:5 in the journal: $(dg_journal | tail -5 | tr '\n' ';')"
log "ok: $(dg_journal | grep -E "$deny" | head -1)"
# under the unit's sandbox (ProtectHostname=, its system call filter) the
# events still name this host, after the schema and the time
expect_match "$(dg_journal | grep -E "$deny" | head -1)" \
	"{\"schema\":1,\"ts\":\"20*Z\",\"host\":\"$(hostname)\",\"seq\":*" "first fields of the event"
expect_eq "$(driver_of "$ISOLATED")" "" "driver of ISOLATED"
expect_ready_before_trigger
# and by hand, after boot, it stays denied
expect_write_fail /sys/bus/pci/drivers/e1000e/bind "$ISOLATED"
expect_eq "$(driver_of "$ISOLATED")" "" "driver of ISOLATED after a manual bind"
