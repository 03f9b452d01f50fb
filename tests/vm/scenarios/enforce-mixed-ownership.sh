# A kernel driver binding into a group that VFIO holds. From 5.19 the
# kernel refuses it in its own ownership check before dmaguard's hook, and
# the event says kernel-refused with the kernel's result; before 5.19 the
# kernel does not check, and dmaguard denies it itself (mixed-ownership).
# The ownership map shows the group owned by userspace while it is held.
. /vm/dmaguard.sh
policy "mode enforce"
expect_ok vfio_bind "$SHARED_A"
expect_ok vfio_bind "$SHARED_B"
node=$(vfio_group_node "$SHARED_A")
group=$(group_of "$SHARED_A")
expect_ok wait_for_path "$node" 5
dg_start
vfio-hold -H -r /tmp/held "$node" >/tmp/holder.out 2>&1 &
holder=$!
expect_ok wait_for_path /tmp/held 10
expect_out "*\"owner\":\"user\"*" dmaguard status --json
expect_ok unbind "$SHARED_B"
expect_ok set_override "$SHARED_B" ""
case "$(uname -r)" in
5.*)	err=ENODEV reason=mixed-ownership result=-19 ;;
*)	err=EBUSY reason=kernel-refused result=-16 ;;
esac
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_B" $err
expect_eq "$(driver_of "$SHARED_B")" "" "driver of $SHARED_B"
expect_event "\"type\":\"bind\",\"verdict\":\"deny\",\"reason\":\"$reason\",\"device\":\"$SHARED_B\"" "$reason event"
expect_match "$EVENT" "*\"group\":$group,*\"result\":$result,*" "group and result"
kill "$holder"
wait "$holder"
expect_write_ok /sys/bus/pci/drivers/e1000/bind "$SHARED_B"
dg_stop

# Before 5.19 the kernel's BUG_ON guards a group from VFIO_GROUP_SET_CONTAINER
# on, before the container's IOMMU is set: an open group counts as claimed.
case "$(uname -r)" in
5.*)
	vfio-hold -n -H -r /tmp/held2 "$node" >/tmp/holder2.out 2>&1 &
	holder=$!
	expect_ok wait_for_path /tmp/held2 10
	expect_out 'set_container=ok' cat /tmp/holder2.out
	expect_ok unbind "$SHARED_B"
	expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_B" ENODEV
	expect_eq "$(driver_of "$SHARED_B")" "" "driver of $SHARED_B with a container but no IOMMU set"
	kill "$holder"
	wait "$holder"
	expect_write_ok /sys/bus/pci/drivers/e1000/bind "$SHARED_B" ;;
esac
