# The open gate's program is loaded only when a policy first judges opens
# (gates.h, GATES_ON_DEMAND): then into the set in force, sharing its maps
# and its globals, with the programs that keep the VFIO nodes it reads
# (device_add, device_del), which stay attached from then on. The nodes,
# and the VFIO majors (a global), are read from sysfs at that load: a
# group node made after `run` started and before the gate was loaded must
# still be judged by it, and one made after, by what device_add keeps.
. /vm/dmaguard.sh
policy "allow bind id=8086:100e"
dg_start
node_hooks() {
	ls "$DG_PIN/links" 2>/dev/null | grep -c '^device_\(add_exit\|del_enter\)$'
}
case "$(uname -r)" in
5.*) expect_eq "$(node_hooks)" 2 "node hooks attached (before 5.19 the gates never move)" ;;
*) expect_eq "$(open_gate_pinned)" 0 "open gate programs pinned before any open rule"
   expect_eq "$(node_hooks)" 0 "node hooks attached before any open rule" ;;
esac

# the first VFIO group node appears now, seen only by the set's programs
expect_ok vfio_bind "$ISOLATED"
g=$(group_of "$ISOLATED")
expect_ok wait_for_path "/dev/vfio/$g" 5
chmod 666 "/dev/vfio/$g"
expect_ok vfio-hold -o -u 1000 -g 1000 "/dev/vfio/$g"

g2=$(group_of "$SHARED_A")
printf 'deny open group=%s uid=1000\ndeny open group=%s uid=1000\n' "$g" "$g2" >/tmp/open.conf
chmod 600 /tmp/open.conf
expect_out "*open gate attached*" dmaguard reload --policy /tmp/open.conf
expect_eq "$(open_gate_pinned)" 1 "open gate programs pinned with an open rule"
expect_eq "$(node_hooks)" 2 "node hooks attached with the open gate"
expect_fail vfio-hold -o -u 1000 -g 1000 "/dev/vfio/$g"
expect_line 'open=EPERM*'
expect_event "\"type\":\"open\",\"verdict\":\"deny\",\"reason\":\"rule\",\"rule\":\"/tmp/open.conf:1\"" "open deny event of the loaded gate"
expect_ok vfio-hold -o "/dev/vfio/$g"

# a group node made now: device_add, loaded with the gate, tells the gate its group
expect_ok vfio_bind "$SHARED_A"
expect_ok wait_for_path "/dev/vfio/$g2" 5
chmod 666 "/dev/vfio/$g2"
expect_fail vfio-hold -o -u 1000 -g 1000 "/dev/vfio/$g2"
expect_line 'open=EPERM*'
expect_event "\"rule\":\"/tmp/open.conf:2\"" "open deny event for the node made after the gate's load"

# its counts are the set's: status reads them from the set's pinned map
expect_out '*{"type":"open","verdict":"deny","reason":"rule","count":2}*' dmaguard status --json

# a policy without open rules detaches the gate; the node hooks stay
expect_ok dmaguard reload --policy "$DG_POLICY"
case "$(uname -r)" in
5.*) ;;
*) expect_eq "$(open_gate_pinned links)" 0 "open gate attached after the open rules went" ;;
esac
expect_eq "$(node_hooks)" 2 "node hooks attached after the open rules went"
dg_stop
expect_ok dmaguard unload
expect_eq "$(bpf_prog_count)" 0 "BPF programs after unload"
