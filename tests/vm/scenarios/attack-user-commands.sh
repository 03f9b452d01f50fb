# Every command an unprivileged user (uid 1000) may type: the ones that
# change enforcement fail cleanly (exit 1, "needs root", nothing changed),
# whether or not anything is pinned; the read-only ones on a --sysfs tree
# uid 1000 built (FIFOs, a 64 MiB attribute, a link to itself, a link into
# /proc, a FIFO as a device) neither hang nor crash.
# vm: timeout=300
. /vm/dmaguard.sh
policy "deny bind device=$SHARED_A"
expect_ok unbind "$SHARED_A"


# a policy uid 1000 may read
cp "$DG_POLICY" /tmp/user.conf
chmod 644 /tmp/user.conf

# uid 1000's own sysfs tree, made to block or exhaust a reader
expect_ok mkdir -m 755 /home /home/u
expect_ok chown 1000:1000 /home/u
expect_ok as-user 1000 sh -c '
R=/home/u/sys
D=$R/devices/pci0000:00/0000:00:01.0
mkdir -p $R/bus/pci/devices $D $R/kernel/iommu_groups/1/devices $R/bus/pci/drivers/e1000
ln -s ../../../devices/pci0000:00/0000:00:01.0 $R/bus/pci/devices/0000:00:01.0
mkfifo $D/vendor $D/device $D/class $D/driver_override $D/uevent
dd if=/dev/zero of=$D/subsystem_vendor bs=1M count=64 2>/dev/null
ln -s ../../../kernel/iommu_groups/1 $D/iommu_group
ln -s ../../../../../devices/pci0000:00/0000:00:01.0 $R/kernel/iommu_groups/1/devices/0000:00:01.0
ln -s ../../../bus/pci/drivers/e1000 $D/driver
ln -s . $R/bus/pci/devices/0000:00:02.0
ln -s /proc/self/fd/0 $R/bus/pci/devices/0000:00:03.0
mkfifo $R/bus/pci/devices/0000:00:04.0
mkfifo $R/kernel/iommu_groups/2
'

for who in 1000 0; do
	run_as=""
	[ "$who" = 0 ] || run_as="as-user $who"
	bounded "status as uid $who" $run_as dmaguard status --sysfs /home/u/sys
	bounded "status --json as uid $who" $run_as dmaguard status --json --sysfs /home/u/sys
	bounded "check as uid $who" $run_as dmaguard check /tmp/user.conf --sysfs /home/u/sys
	bounded "generate as uid $who" $run_as dmaguard generate --sysfs /home/u/sys
done
# status and check of the real system as uid 1000
bounded "status as uid 1000" as-user 1000 dmaguard status
bounded "check as uid 1000" as-user 1000 dmaguard check /tmp/user.conf

# needs_root CMD...: CMD run as uid 1000 exits 1 and says it needs root
needs_root() {
	rc_of 60 as-user 1000 dmaguard "$@"
	expect_eq "$RC" 1 "exit status of '$*' as uid 1000"
	expect_line "dmaguard $1: needs root*"
}

# enforcement in force: uid 1000 can neither replace, stop nor unload it
dg_start
needs_root run --policy /tmp/user.conf --output /home/u/ev
needs_root unload
needs_root reload --policy /tmp/user.conf
expect_ok test -d "$DG_PIN/links"
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
dg_stop
expect_ok dmaguard unload

# nothing pinned: the same answer (not "is dmaguard loaded?")
needs_root unload
needs_root reload --policy /tmp/user.conf
expect_fail test -e "$DG_PIN"
