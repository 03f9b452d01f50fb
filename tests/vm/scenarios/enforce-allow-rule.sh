# Under `default bind deny`, an allow rule lets its bind through; a bind
# that no rule allows is denied by the default, with no rule in the event.
. /vm/dmaguard.sh
policy "default bind deny
allow bind id=8086:100e driver=e1000"
expect_ok unbind "$SHARED_A"
expect_ok unbind "$ISOLATED"
dg_start
expect_write_ok /sys/bus/pci/drivers/e1000/bind "$SHARED_A"
expect_eq "$(driver_of "$SHARED_A")" e1000 "driver of $SHARED_A"
expect_write_fail /sys/bus/pci/drivers/e1000e/bind "$ISOLATED" "$DENY_ERR"
expect_eq "$(driver_of "$ISOLATED")" "" "driver of $ISOLATED"
expect_event "\"verdict\":\"deny\",\"reason\":\"default\",\"device\":\"$ISOLATED\"" "default deny event"
expect_no_event "\"device\":\"$SHARED_A\"" "event for the allowed bind"
dg_stop
