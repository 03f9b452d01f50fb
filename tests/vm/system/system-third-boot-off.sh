#@ disk after=system-second-boot append=dmaguard=off
# The same disk once more, with dmaguard=off on the kernel command line
# (the way out for a host whose policy keeps it from booting): neither the
# initramfs stage nor the service runs, nothing is pinned, and the device
# the policy denies binds as without dmaguard.
expect_out "*dmaguard=off*" cat /proc/cmdline
expect_ok test ! -e /run/initramfs/dmaguard.log
expect_ok test ! -e /sys/fs/bpf/dmaguard
expect_eq "$(systemctl show -P ConditionResult dmaguard.service)" no "dmaguard.service's ConditionResult"
expect_fail systemctl is-active dmaguard.service
[ -z "$(dg_progs)" ] || fail "dmaguard programs loaded: $(dg_progs | tr '\n' ';')"
expect_bound "$ISOLATED" e1000e
expect_bound "$MF_A" e1000e
