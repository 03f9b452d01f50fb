# `dmaguard status --json` agrees with the kernel: the same IOMMU groups with
# the same members as /sys/kernel/iommu_groups, every PCI device with the
# driver its sysfs link names, the shared group not viable because of the
# first e1000, and a group held through /dev/vfio/N owned by that process.
# The human output says the same. No dmaguard is running, so owners come from
# sysfs and /proc ("owner_source":"sysfs").
# busybox has no JSON parser: /vm/status-json.sh walks the one-line output.
. /vm/status-json.sh

expect_ok dmaguard status --json
printf '%s\n' "$OUT" >/tmp/status.json
expect_eq "$(wc -l </tmp/status.json)" 1 "lines of status --json"
expect_ok sh -c 'json-check </tmp/status.json'

# Groups and members, in order, against /sys/kernel/iommu_groups.
want=$(for g in $(ls /sys/kernel/iommu_groups | sort -n); do
	echo "$g: $(group_devices "$g")"
done)
got=$(json_groups </tmp/status.json | grep -v '^-:')
expect_ne "$got" "" "groups in status --json"
expect_eq "$got" "$want" "groups and members in status --json"

# Every PCI device is listed once, with its driver.
for d in $(ls /sys/bus/pci/devices); do
	drv=$(driver_of "$d")
	expect_eq "$(json_drivers </tmp/status.json | grep -c "^$d ")" 1 "entries for $d"
	expect_eq "$(json_drivers </tmp/status.json | grep "^$d ")" "$d ${drv:--}" "driver of $d"
done

# The shared group: kernel-owned, blocked by its first e1000.
shared=$(group_of "$SHARED_A")
expect_eq "$(json_group_summary "$shared" </tmp/status.json)" \
	"owner=kernel pid=- comm=- source=sysfs viable=false blocker=$SHARED_A/e1000" \
	"summary of the shared group $shared"
expect_out "group $shared: owner kernel, not viable: $SHARED_A is bound to e1000" \
	dmaguard status
expect_out "  $SHARED_BRIDGE  *pci  *????:????  0x0604*" dmaguard status

# The isolated e1000e moves to vfio-pci: viable, nobody owns it yet.
expect_ok vfio_bind "$ISOLATED"
g=$(group_of "$ISOLATED")
expect_ok wait_for_path "/dev/vfio/$g" 5
expect_eq "$(dmaguard status --json | json_group_summary "$g")" \
	"owner=none pid=- comm=- source=sysfs viable=true blocker=-" \
	"summary of group $g on vfio-pci"
expect_out "  $ISOLATED  *pci  *8086:10d3  0x020000  vfio-pci  *user" dmaguard status

# A process takes the group: status names it.
vfio-hold -H -r /tmp/held "/dev/vfio/$g" >/tmp/holder.out 2>&1 &
holder=$!
expect_ok wait_for_path /tmp/held 10
expect_eq "$(dmaguard status --json | json_group_summary "$g")" \
	"owner=user pid=$holder comm=vfio-hold source=sysfs viable=true blocker=-" \
	"summary of group $g while vfio-hold holds it"
expect_out "group $g: owner user (pid $holder vfio-hold), viable" dmaguard status
kill "$holder"
wait "$holder"
expect_eq "$(dmaguard status --json | json_group_summary "$g")" \
	"owner=none pid=- comm=- source=sysfs viable=true blocker=-" \
	"summary of group $g after the holder exited"

# Give the device back to its kernel driver.
expect_ok unbind "$ISOLATED"
expect_ok set_override "$ISOLATED" ""
expect_ok probe "$ISOLATED"
expect_eq "$(dmaguard status --json | json_group_summary "$g")" \
	"owner=kernel pid=- comm=- source=sysfs viable=false blocker=$ISOLATED/e1000e" \
	"summary of group $g back on e1000e"
