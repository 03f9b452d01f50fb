# DG_MAX_RULES (65,536) rules load on every kernel and decide by first
# match wherever the deciding rule is: last of 65,536, then first of
# another 65,536 (the reload fills the other slot and clears what it held),
# then a policy of one rule, whose slot held 65,536 before (nothing stale
# decides).
. /vm/dmaguard.sh
MAX=65536
{
	printf 'mode enforce\n'
	filler_rules $((MAX - 1))
	printf 'deny bind device=%s driver=e1000\n' "$SHARED_A"
} >"$DG_POLICY"
chmod 600 "$DG_POLICY"
LAST=$((MAX + 1))
expect_eq "$(grep -c '^[a-z]* \(bind\|open\)' "$DG_POLICY")" $MAX "rules written"
expect_ok unbind "$SHARED_A"
dg_start
expect_ok dmaguard status
expect_match "$OUT" "*$MAX rules*" "status counts the rules"
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
expect_event "\"type\":\"bind\",\"verdict\":\"deny\",\"reason\":\"rule\",\"rule\":\"$DG_POLICY:$LAST\",\"device\":\"$SHARED_A\"" "the last rule decides"

# the allow first, then the same 65,535 others
{
	printf 'mode enforce\nallow bind device=%s\n' "$SHARED_A"
	filler_rules $((MAX - 1))
} >"$DG_POLICY"
expect_ok dmaguard reload --policy "$DG_POLICY"
expect_write_ok /sys/bus/pci/drivers/e1000/bind "$SHARED_A"
expect_eq "$(driver_of "$SHARED_A")" e1000 "driver of $SHARED_A after the reload"

# back into the first slot, with one rule: the 65,536 keys it held are gone
expect_ok unbind "$SHARED_A"
policy "mode enforce
default bind deny
allow bind device=$SHARED_B"
expect_ok dmaguard reload --policy "$DG_POLICY"
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
expect_event "\"type\":\"bind\",\"verdict\":\"deny\",\"reason\":\"default\",\"device\":\"$SHARED_A\"" "the default decides"
dg_stop
