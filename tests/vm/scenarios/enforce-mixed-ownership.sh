# A kernel driver binding into a group that VFIO holds: the kernel (5.19+)
# refuses it in its own ownership check before dmaguard's hook, and the
# event says kernel-refused with the kernel's result. The ownership map
# shows the group owned by userspace while it is held.
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
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_B" EBUSY
expect_eq "$(driver_of "$SHARED_B")" "" "driver of $SHARED_B"
expect_event "\"type\":\"bind\",\"verdict\":\"deny\",\"reason\":\"kernel-refused\",\"device\":\"$SHARED_B\"" "kernel-refused event"
expect_match "$EVENT" "*\"group\":$group,*\"result\":-16,*" "group and result"
kill "$holder"
wait "$holder"
expect_write_ok /sys/bus/pci/drivers/e1000/bind "$SHARED_B"
dg_stop
