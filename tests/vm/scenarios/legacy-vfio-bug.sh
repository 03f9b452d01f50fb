# Without dmaguard, before 5.19: the kernel does not keep kernel drivers out
# of a group VFIO is using. Binding e1000 into the held group reaches the
# BUG_ON in vfio's group notifier (vfio.c, IOMMU_GROUP_NOTIFY_BOUND_DRIVER):
# an oops that kills the writing process and leaves the device locked. With
# dmaguard the same bind is denied (enforce-mixed-ownership on bullseye).
# vm: kernels=bullseye
# vm: expect-trouble=kernel BUG at drivers/vfio/vfio\.c
expect_ok vfio_bind "$SHARED_A"
expect_ok vfio_bind "$SHARED_B"
node=$(vfio_group_node "$SHARED_A")
expect_ok wait_for_path "$node" 5
vfio-hold -H -r /tmp/held "$node" >/tmp/holder.out 2>&1 &
expect_ok wait_for_path /tmp/held 10
expect_ok unbind "$SHARED_B"
expect_ok set_override "$SHARED_B" ""
expect_fail test -e /sys/fs/bpf/dmaguard
write_file /sys/bus/pci/drivers/e1000/bind "$SHARED_B"
log "the bind writer ended: ${WRITE_ERR:-no error text}"
expect_out '*kernel BUG at drivers/vfio/vfio.c*' dmesg
expect_out '*vfio_iommu_group_notifier*' dmesg
