# `default bind deny` alone denies every probe, whichever driver; other sysfs
# activity (a new driver directory, attributes) is not affected.
. /vm/dmaguard.sh
policy "default bind deny"
expect_ok unbind "$SHARED_B"
expect_ok unbind "$MF_B"
dg_start
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_B" "$DENY_ERR"
expect_write_fail /sys/bus/pci/drivers/e1000e/bind "$MF_B" "$DENY_ERR"
expect_eq "$(driver_of "$SHARED_B")" "" "driver of $SHARED_B"
expect_eq "$(driver_of "$MF_B")" "" "driver of $MF_B"
expect_event "\"verdict\":\"deny\",\"reason\":\"default\",\"device\":\"$MF_B\"" "default deny event"
# sysfs nodes outside a denied probe are created as usual
expect_ok modprobe pci-stub
expect_ok test -d /sys/bus/pci/drivers/pci-stub
expect_ok unbind "$SHARED_A"
expect_ok test -e /sys/bus/pci/devices/$SHARED_A/driver_override
dg_stop
