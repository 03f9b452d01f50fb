# With --all every probe, unbind, claim, release, open and hot-plug is an
# event; every line is valid JSON with the contract's fields, and the seq
# numbers have no gap.
. /vm/dmaguard.sh
policy "deny bind device=$SHARED_A
allow bind"
dg_start --all
expect_ok unbind "$SHARED_A"
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
expect_ok vfio_bind "$ISOLATED"
node=$(vfio_group_node "$ISOLATED")
expect_ok wait_for_path "$node" 5
expect_ok vfio-hold "$node"
hotplug_add hot1 e1000 || fail "hot-plug failed: $HOST_REPLY"
for t in bind unbind claim release open hotplug; do
	expect_event "\"type\":\"$t\"" "$t event"
done
dg_stop
expect_ok json-check -r <"$DG_EVENTS"
# --all: first a present event per current binding (no seq), SHARED_A's denied
expect_line "*\"type\":\"present\",\"verdict\":\"deny\",*\"device\":\"$SHARED_A\",*" "$(cat "$DG_EVENTS")"
grep -v '"type":"present"' "$DG_EVENTS" >/tmp/numbered.jsonl
first=$(head -n 1 /tmp/numbered.jsonl | sed 's/.*"seq":\([0-9]*\).*/\1/')
last=$(tail -n 1 /tmp/numbered.jsonl | sed 's/.*"seq":\([0-9]*\).*/\1/')
expect_eq "$((last - first + 1))" "$(wc -l </tmp/numbered.jsonl)" "events between the first and last seq"
expect_fail grep -q '"type":"lost"' "$DG_EVENTS"
# one unbind of SHARED_A (the explicit one), none for its failed probe
expect_eq "$(grep -c "\"type\":\"unbind\",\"device\":\"$SHARED_A\"" "$DG_EVENTS")" 1 "unbind events of $SHARED_A"
