# A deny rule fails the bind: the sysfs write fails, the device stays
# unbound, and the event names the deciding rule as FILE:LINE.
. /vm/dmaguard.sh
policy "mode enforce
# the rule is on line 3
deny bind device=$SHARED_A driver=e1000"
expect_ok unbind "$SHARED_A"
dg_start
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
expect_eq "$(driver_of "$SHARED_A")" "" "driver of $SHARED_A"
expect_event "\"type\":\"bind\",\"verdict\":\"deny\",\"reason\":\"rule\",\"rule\":\"$DG_POLICY:3\",\"device\":\"$SHARED_A\"" "deny event"
expect_match "$EVENT" "*\"driver\":\"e1000\",\"dma\":\"kernel\",\"result\":$DENY_RESULT,*" "event driver and result"
# the sibling is not affected
expect_eq "$(driver_of "$SHARED_B")" e1000 "driver of $SHARED_B"
dg_stop
