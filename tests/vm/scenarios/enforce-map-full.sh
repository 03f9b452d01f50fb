# A full BPF map is never silent and never lets through what the policy
# could deny: a probe with no room in `inflight` is denied in enforce mode
# (audited in audit mode), a VFIO node with no room in `nodes` cannot be
# opened while opens are judged; each failure is counted in `status` and
# reported as a map-full event. The maps are filled for real (map-fill
# puts keys no subject has into the kernel's map), then emptied again.
# vm: timeout=300
. /vm/dmaguard.sh
policy "deny bind device=$SHARED_B
allow bind
default open deny
allow open uid=0"
dg_start
expect_ok unbind "$SHARED_A"

# inflight full: SHARED_A, allowed by the rules, cannot be judged: denied
expect_ok map-fill inflight
filled=$(echo "$OUT" | sed -n 's/^filled=\([0-9]*\).*/\1/p')
expect_ne "$filled" "" "keys put into inflight"
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
expect_eq "$(driver_of "$SHARED_A")" "" "driver of SHARED_A after an untracked probe"
expect_event '"type":"map-full",.*"map":"inflight","count":[1-9]' "map-full event"
expect_event "\"type\":\"bind\",\"verdict\":\"deny\",\"reason\":\"untracked\",\"device\":\"$SHARED_A\"" "untracked deny"
expect_out 'bpf: *untracked [1-9]*inflight [1-9]*' dmaguard status
expect_out '*"bpf":{*"map_full":{*"inflight":[1-9]*' dmaguard status --json
# audit mode: the same probe is let through and reported
policy "mode audit
deny bind device=$SHARED_B
allow bind"
expect_ok dmaguard reload --policy "$DG_POLICY"
expect_ok bind "$SHARED_A" e1000
expect_event "\"type\":\"bind\",\"verdict\":\"audit\",\"reason\":\"untracked\",\"device\":\"$SHARED_A\"" "untracked audit"
expect_ok unbind "$SHARED_A"
expect_ok map-fill -d inflight "$filled"
# room again: judged by the rules
policy "deny bind device=$SHARED_B
allow bind
default open deny
allow open uid=0"
expect_ok dmaguard reload --policy "$DG_POLICY"
expect_ok bind "$SHARED_A" e1000
expect_eq "$(driver_of "$SHARED_A")" e1000 "driver of SHARED_A with room in inflight"

# nodes full: the group node VFIO makes now cannot be tracked, and its
# opens cannot be judged by group: denied even for uid 0
expect_ok map-fill nodes
filled=$(echo "$OUT" | sed -n 's/^filled=\([0-9]*\).*/\1/p')
expect_ok vfio_bind "$ISOLATED"
node=$(vfio_group_node "$ISOLATED")
expect_ok wait_for_path "$node" 5
expect_event '"type":"map-full",.*"map":"nodes","count":[1-9]' "map-full event for nodes"
expect_fail vfio-hold -o "$node"
expect_line 'open=EPERM*'
expect_event '"type":"open","verdict":"deny","reason":"untracked",.*"result":-1,' "untracked open deny"
expect_out 'bpf: *nodes [1-9]*' dmaguard status
expect_ok map-fill -d nodes "$filled"
dg_stop
expect_ok json-check -r -s <"$DG_EVENTS"
