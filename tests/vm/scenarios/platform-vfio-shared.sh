# The kernel refuses VFIO use of a group whose other devices keep kernel
# drivers: vfio-pci on SHARED_A only leaves the group not viable while
# SHARED_B stays with e1000. With both e1000 on vfio-pci the group is
# viable and a container can be set.
expect_ok vfio_bind "$SHARED_A"
expect_eq "$(driver_of "$SHARED_A")" vfio-pci "driver of SHARED_A"
expect_eq "$(driver_of "$SHARED_B")" e1000 "driver of SHARED_B"
node=$(vfio_group_node "$SHARED_A")
expect_ok wait_for_path "$node" 5

expect_fail vfio-hold -V "$node"
expect_line 'open=ok'
expect_line 'viable=not-viable'
case "$(uname -r)" in
5.*)	# No DMA-ownership API: the container and the IOMMU are set on a
	# non-viable group (the hazard dmaguard guards against); only
	# GET_DEVICE_FD checks viability.
	expect_fail vfio-hold -d "$SHARED_A" "$node"
	expect_line 'set_iommu=ok'
	expect_line 'device=EINVAL*' ;;
*)	# iommu_group_claim_dma_owner() refuses (EPERM) while e1000 uses the
	# group.
	expect_fail vfio-hold "$node"
	expect_line 'set_container=EPERM*' ;;
esac
expect_eq "$(driver_of "$SHARED_B")" e1000 "driver of SHARED_B after the refusal"

# Both devices on vfio-pci: the group becomes viable and usable.
expect_ok vfio_bind "$SHARED_B"
expect_ok vfio-hold -V -d "$SHARED_B" "$node"
expect_line 'device=ok'

# 6.1+: while VFIO holds the group, the kernel refuses a kernel driver on
# a device of that group (on 5.10 this is a kernel BUG, not tested here).
case "$(uname -r)" in
5.*) ;;
*)
	vfio-hold -H -r /tmp/held "$node" >/tmp/holder.out 2>&1 &
	holder=$!
	expect_ok wait_for_path /tmp/held 10
	expect_ok unbind "$SHARED_B"
	expect_ok set_override "$SHARED_B" ""
	expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_B" EBUSY
	expect_eq "$(driver_of "$SHARED_B")" "" "driver of SHARED_B while the group is held"
	kill "$holder"
	wait "$holder"
	# Released: the kernel driver may bind again.
	expect_write_ok /sys/bus/pci/drivers/e1000/bind "$SHARED_B"
	expect_eq "$(driver_of "$SHARED_B")" e1000 "driver of SHARED_B after release" ;;
esac
