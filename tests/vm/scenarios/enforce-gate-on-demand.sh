# The open gate's program is loaded only when a policy first judges opens
# (gates.h, GATES_ON_DEMAND): then into the set in force, sharing its maps
# and its globals. The VFIO majors are such a global, written by the set's
# device_add program when a VFIO node appears: a group node made after
# `run` started and before the gate was loaded must still be judged by it.
. /vm/dmaguard.sh
policy "allow bind id=8086:100e"
dg_start
case "$(uname -r)" in
5.*) ;;
*) expect_eq "$(open_gate_pinned)" 0 "open gate programs pinned before any open rule" ;;
esac

# the first VFIO group node appears now, seen only by the set's programs
expect_ok vfio_bind "$ISOLATED"
g=$(group_of "$ISOLATED")
expect_ok wait_for_path "/dev/vfio/$g" 5
chmod 666 "/dev/vfio/$g"
expect_ok vfio-hold -o -u 1000 -g 1000 "/dev/vfio/$g"

printf 'deny open group=%s uid=1000\n' "$g" >/tmp/open.conf
chmod 600 /tmp/open.conf
expect_out "*open gate attached*" dmaguard reload --policy /tmp/open.conf
expect_eq "$(open_gate_pinned)" 1 "open gate programs pinned with an open rule"
expect_fail vfio-hold -o -u 1000 -g 1000 "/dev/vfio/$g"
expect_line 'open=EPERM*'
expect_event "\"type\":\"open\",\"verdict\":\"deny\",\"reason\":\"rule\",\"rule\":\"/tmp/open.conf:1\"" "open deny event of the loaded gate"
expect_ok vfio-hold -o "/dev/vfio/$g"

# its counts are the set's: status reads them from the set's pinned map
expect_out '*{"type":"open","verdict":"deny","reason":"rule","count":1}*' dmaguard status --json
dg_stop
expect_ok dmaguard unload
expect_eq "$(bpf_prog_count)" 0 "BPF programs after unload"
