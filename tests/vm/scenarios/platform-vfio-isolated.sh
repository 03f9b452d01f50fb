# vfio-pci takes the isolated e1000e through driver_override + drivers_probe;
# its group node opens and accepts a container with the type1 IOMMU, also
# through a node made with mknod elsewhere; an unprivileged user is refused.
expect_ok vfio_bind "$ISOLATED"
expect_eq "$(driver_of "$ISOLATED")" vfio-pci "driver of ISOLATED"
g=$(group_of "$ISOLATED")
node=/dev/vfio/$g
expect_ok wait_for_path "$node" 5

expect_ok vfio-hold -V -d "$ISOLATED" "$node"
expect_line 'set_container=ok'
expect_line 'set_iommu=ok'
expect_line 'device=ok'

# The same group through a node created with mknod outside /dev.
majmin=$(cat "/sys/class/vfio/$g/dev")
expect_ok mknod /tmp/group-node c "${majmin%:*}" "${majmin#*:}"
expect_ok vfio-hold -V /tmp/group-node

# Only root may open the node (0600 root:root).
expect_fail vfio-hold -u 65534 -g 65534 "$node"
expect_line 'open=EACCES*'

# A holder keeps the group: a second user of the group is refused.
vfio-hold -H -r /tmp/held "$node" >/tmp/holder.out 2>&1 &
holder=$!
expect_ok wait_for_path /tmp/held 10
expect_fail vfio-hold "$node"
expect_line 'open=EBUSY*'
kill "$holder"
wait "$holder"
expect_out 'released' cat /tmp/holder.out

# Give the device back to its kernel driver.
expect_ok unbind "$ISOLATED"
expect_ok set_override "$ISOLATED" ""
expect_ok probe "$ISOLATED"
expect_eq "$(driver_of "$ISOLATED")" e1000e "driver of ISOLATED after release"
