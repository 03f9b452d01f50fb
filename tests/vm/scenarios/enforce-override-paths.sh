# Every way into a probe is judged like a bind: driver_override with
# drivers_probe, and new_id (which attaches through driver_attach).
. /vm/dmaguard.sh
policy "deny bind device=$SHARED_A"
expect_ok unbind "$SHARED_A"
dg_start

expect_ok set_override "$SHARED_A" e1000
case "$(uname -r)" in
5.*)	# device_attach() reports a failed probe as "no driver": the write succeeds
	expect_write_ok /sys/bus/pci/drivers_probe "$SHARED_A" ;;
*)	expect_write_fail /sys/bus/pci/drivers_probe "$SHARED_A" EINVAL ;;
esac
expect_eq "$(driver_of "$SHARED_A")" "" "driver of $SHARED_A after drivers_probe"
expect_event "\"verdict\":\"deny\",\"reason\":\"rule\",\"rule\":\"$DG_POLICY:1\",\"device\":\"$SHARED_A\".*\"driver\":\"e1000\"" "deny event for drivers_probe"
expect_ok set_override "$SHARED_A" ""

# new_id: vfio-pci learns 8086:100e and tries every unbound such device
expect_ok modprobe vfio-pci
write_file /sys/bus/pci/drivers/vfio-pci/new_id "8086 100e"
expect_eq "$(driver_of "$SHARED_A")" "" "driver of $SHARED_A after new_id"
expect_event "\"verdict\":\"deny\",\"reason\":\"rule\".*\"device\":\"$SHARED_A\".*\"driver\":\"vfio-pci\",\"dma\":\"user\"" "deny event for new_id"
write_file /sys/bus/pci/drivers/vfio-pci/remove_id "8086 100e"
expect_eq "$(driver_of "$SHARED_B")" e1000 "driver of $SHARED_B"
dg_stop
