# The guest asks the host to hot-plug a device into the free root port
# (QEMU id hp1): it appears, e1000 binds it, it gets its own IOMMU group
# (arm64: shared with the port, expected_group), and it goes away on
# device_del. The host refuses monitor commands outside its allow-list.
# vm: timeout=240
host_request quit && fail "the host ran 'quit'"
expect_match "$HOST_REPLY" '*not allowed*' "reply to a refused command"

host_request "netdev_add user,id=hotnet,restrict=on" || fail "netdev_add: $HOST_REPLY"
hotplug_add hot1 e1000 netdev=hotnet || fail "hot-plug: $HOST_REPLY"
bdf=$HOTPLUG_BDF
log "hot-plugged device: $bdf"
expect_eq "$(cat /sys/bus/pci/devices/$bdf/vendor):$(cat /sys/bus/pci/devices/$bdf/device)" \
	0x8086:0x100e "id of the hot-plugged device"
wait_until 5 has_driver "$bdf"
expect_eq "$(driver_of "$bdf")" e1000 "driver of the hot-plugged device"
g=$(group_of "$bdf")
expect_eq "$(group_devices "$g")" "$(expected_group "$bdf")" \
	"devices of the hot-plugged device's group"

hotplug_del hot1 "$bdf" || fail "hot-unplug: $HOST_REPLY"
expect_eq "$(ls -d "$HOTPLUG_PORT_PATH"/????:??:??.? 2>/dev/null)" "" "devices under the hot-plug port"
