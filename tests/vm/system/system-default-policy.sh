# The package's shipped /etc/dmaguard/policy.conf, unchanged: the service is
# active from boot, status works, and every device binds as without
# dmaguard (the topology's drivers: e1000 on the shared pair, e1000e on the
# isolated device and both functions of the multi-function card).
expect_ok dpkg-query -W dmaguard
expect_ok systemctl is-active dmaguard.service
expect_ok systemctl is-enabled dmaguard.service
# the conffile as shipped (dpkg's own checksum of it)
sum=$(dpkg-query -W -f='${Conffiles}' dmaguard | awk '$1 == "/etc/dmaguard/policy.conf" {print $2}')
expect_eq "$(md5sum /etc/dmaguard/policy.conf | cut -d' ' -f1)" "$sum" "policy.conf checksum (as shipped)"
# the release version, from the package build (never git's or "unknown")
ver=$(dpkg-query -W -f='${Version}' dmaguard)
expect_eq "$(dmaguard version)" "dmaguard ${ver%-*}" "dmaguard version"
expect_ok dmaguard status
expect_ok dmaguard check /etc/dmaguard/policy.conf
expect_ready_before_trigger
# bpffs and securityfs are mounted by PID 1 itself, before any unit, with
# no mount unit to order after (the unit relies on this: it has no After=
# for them); a systemd that grows such units fails here
expect_out "* /sys/fs/bpf * - bpf *" cat /proc/self/mountinfo
expect_out "* /sys/kernel/security * - securityfs *" cat /proc/self/mountinfo
for m in sys-fs-bpf.mount sys-kernel-security.mount; do
	expect_eq "$(systemctl show -P LoadState $m)" not-found "LoadState of $m"
done
expect_bound "$SHARED_A" e1000
expect_bound "$SHARED_B" e1000
expect_bound "$ISOLATED" e1000e
expect_bound "$MF_A" e1000e
expect_bound "$MF_B" e1000e
# systemd's record of the start: READY=1 came with the STATUS line
expect_out "*enforcing /etc/dmaguard/policy.conf: mode enforce, 0 rules, hooks *" \
	systemctl show -P StatusText dmaguard.service
if has_event '"verdict":"deny"'; then
	fail "the default policy denied something: $(dg_journal | grep deny | head -3)"
fi
log "ok: no deny event"
# the unit as installed passes systemd's own check, and its hardening is
# in force on the running daemon
expect_ok systemd-analyze verify --man=no /lib/systemd/system/dmaguard.service
pid=$(systemctl show -P MainPID dmaguard.service)
# CAP_SYS_ADMIN (21), CAP_SYS_RESOURCE (24), CAP_PERFMON (38), CAP_BPF (39) and nothing else
expect_eq "$(sed -n 's/^CapBnd:[[:space:]]*//p' /proc/$pid/status)" 000000c001200000 "daemon's CapBnd"
expect_eq "$(sed -n 's/^NoNewPrivs:[[:space:]]*//p' /proc/$pid/status)" 1 "daemon's NoNewPrivs"
expect_out "*/sys/fs/bpf * rw,*" sh -c "cat /proc/$pid/mounts | grep ' /sys/fs/bpf '"
expect_out "* / * ro,*" sh -c "cat /proc/$pid/mounts"
# systemd's own review of the unit's sandbox: the hardening stays where the
# unit puts it (1.7 when written; 3.2 before ProtectProc and
# SystemCallFilter), and the daemon above ran under it
exp=$(systemd-analyze security --no-pager dmaguard.service 2>/dev/null |
	sed -n 's/.*Overall exposure level for dmaguard.service: \([0-9.]*\).*/\1/p')
log "systemd-analyze security: exposure $exp"
[ -n "$exp" ] || fail "no exposure level from systemd-analyze security"
awk "BEGIN { exit !($exp <= 2.0) }" || fail "exposure $exp > 2.0"
