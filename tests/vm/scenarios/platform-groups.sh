# The fixed topology yields the expected IOMMU groups: the PCIe-to-PCI bridge
# and both e1000 behind it share one group of 3, the e1000e on its own root
# port is alone, and the two functions of the multi-function slot (no ACS)
# share a group. arm64: a PCIe switch instead of the bridge, and each group
# also holds the ports above its devices (expected_group).
expect_ne "$(ls /sys/class/iommu)" "" "IOMMU units in /sys/class/iommu"

shared=$(group_of "$SHARED_A")
expect_eq "$(group_of "$SHARED_B")" "$shared" "group of SHARED_B"
expect_eq "$(group_of "$SHARED_BRIDGE")" "$shared" "group of SHARED_BRIDGE"
expect_eq "$(group_devices "$shared")" "$(expected_group "$SHARED_BRIDGE" "$SHARED_A" "$SHARED_B")" \
	"devices of the shared group $shared"

isolated=$(group_of "$ISOLATED")
expect_eq "$(group_devices "$isolated")" "$(expected_group "$ISOLATED")" "devices of group $isolated"

mf=$(group_of "$MF_A")
expect_eq "$(group_devices "$mf")" "$(expected_group "$MF_A" "$MF_B")" \
	"devices of the multi-function group $mf"

expect_ne "$shared" "$isolated" "shared vs isolated group"
expect_ne "$shared" "$mf" "shared vs multi-function group"
expect_ne "$isolated" "$mf" "isolated vs multi-function group"

# The hot-plug port is empty and in a group of its own.
hp=$(group_of "$HOTPLUG_PORT")
expect_eq "$(group_devices "$hp")" "$HOTPLUG_PORT" "devices of the hot-plug port group"

# Kernel drivers own every NIC at start.
expect_eq "$(driver_of "$SHARED_A")" e1000 "driver of SHARED_A"
expect_eq "$(driver_of "$SHARED_B")" e1000 "driver of SHARED_B"
expect_eq "$(driver_of "$ISOLATED")" e1000e "driver of ISOLATED"
expect_eq "$(driver_of "$MF_A")" e1000e "driver of MF_A"
expect_eq "$(driver_of "$MF_B")" e1000e "driver of MF_B"
