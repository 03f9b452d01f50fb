# A group VFIO has open while another member keeps its kernel driver. Before
# 5.19 the kernel allows it, and dmaguard counts the open as a userspace
# claim: the groups map has the group owned by userspace with a kernel-DMA
# binding in it, which the built-in rule forbids. A run started then reports
# that binding as a present event with reason mixed-ownership, and check on
# the live host lists it; it stays bound. From 5.19 the map follows the
# kernel, whose owner is the kernel until VFIO takes the group: no report.
. /vm/dmaguard.sh
policy "mode enforce"
expect_ok vfio_bind "$SHARED_A"
expect_eq "$(driver_of "$SHARED_B")" e1000 "driver of $SHARED_B"
node=$(vfio_group_node "$SHARED_A")
group=$(group_of "$SHARED_A")
expect_ok wait_for_path "$node" 5
dg_start
vfio-hold -o -H -r /tmp/held "$node" >/tmp/holder.out 2>&1 &
holder=$!
expect_ok wait_for_path /tmp/held 10
dg_stop
: >"$DG_EVENTS"
dg_start
case "$(uname -r)" in
5.*)
	expect_line "dmaguard run: * current bindings, 1 the policy would deny, 0 it audits (present events); dmaguard never unbinds" "$(cat "$DG_LOG")"
	expect_eq "$(grep -c '"type":"present"' "$DG_EVENTS")" 1 "present events"
	EVENT=$(grep '"type":"present"' "$DG_EVENTS")
	expect_match "$EVENT" "{\"schema\":1,\"ts\":\"*\",\"host\":\"$(uname -n)\",\"type\":\"present\",\"verdict\":\"deny\",\"reason\":\"mixed-ownership\",\"device\":\"$SHARED_B\",\"id\":\"8086:100e\",\"class\":\"0x020000\",\"group\":$group,\"driver\":\"e1000\",\"dma\":\"kernel\"}" "present event"
	expect_ok json-check -r -s <"$DG_EVENTS"
	expect_fail dmaguard check "$DG_POLICY"
	expect_line "deny  $SHARED_B driver=e1000 id=8086:100e class=0x020000 group=$group (mixed-ownership: userspace owns group $group)"
	expect_line "$DG_POLICY: * current bindings, 1 would be denied, 0 audited" ;;
*)
	expect_line "dmaguard run: * current bindings, none the policy would deny or audit" "$(cat "$DG_LOG")"
	expect_no_event '"type":"present"' "present event"
	expect_ok dmaguard check "$DG_POLICY" ;;
esac
expect_eq "$(driver_of "$SHARED_B")" e1000 "driver of $SHARED_B under run"
kill "$holder"
wait "$holder"
dg_stop
