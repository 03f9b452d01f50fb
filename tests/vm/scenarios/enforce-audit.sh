# Audit mode lets a denied bind through and reports verdict audit, both
# from `mode audit` in the policy and from `run --audit`.
. /vm/dmaguard.sh
policy "mode audit
deny bind device=$SHARED_A"
expect_ok unbind "$SHARED_A"
dg_start
expect_write_ok /sys/bus/pci/drivers/e1000/bind "$SHARED_A"
expect_eq "$(driver_of "$SHARED_A")" e1000 "driver of $SHARED_A"
expect_event "\"verdict\":\"audit\",\"reason\":\"rule\",\"rule\":\"$DG_POLICY:2\",\"device\":\"$SHARED_A\"" "audit event"
expect_match "$EVENT" '*"result":0,*' "bind result"
dg_stop

policy "mode enforce
deny bind device=$SHARED_A"
expect_ok unbind "$SHARED_A"
: >"$DG_EVENTS"
dg_start --audit
expect_write_ok /sys/bus/pci/drivers/e1000/bind "$SHARED_A"
expect_event "\"verdict\":\"audit\",\"reason\":\"rule\",\"rule\":\"$DG_POLICY:2\",\"device\":\"$SHARED_A\"" "audit event with --audit"
dg_stop
