# The open gate loaded on demand into a set that took an older build's over
# in place must judge as that set: it shares the set's .rodata, whose
# dg_my_set is the takeover's new bit (1), not the 0 a fresh object has; with
# a .rodata of its own the gate would find its bit cleared in the format
# entry and let every open through. Neither the older set nor the policy of
# the takeover judged opens; the VFIO group node appears after the
# takeover, learned only by the new set's device_add program (.bss).
# vm: timeout=300
. /vm/dmaguard.sh
. /vm/upgrade.sh
upgrade_require_old
policy "allow bind id=8086:100e"
old_start
dg_start
expect_out '*took over the enforcement in /sys/fs/bpf/dmaguard from format*' cat "$DG_LOG"
old_wait_exit
case "$(uname -r)" in
5.*) ;;
*) expect_eq "$(open_gate_pinned)" 0 "open gate programs pinned after the takeover" ;;
esac

vfio_open_setup
expect_ok as-user 1000 vfio-hold -o "$node"
printf 'deny open group=%s uid=1000\n' "$g" >/tmp/open.conf
chmod 600 /tmp/open.conf
expect_out "*open gate attached*" dmaguard reload --policy /tmp/open.conf
expect_eq "$(open_gate_pinned)" 1 "open gate programs pinned after a reload with an open rule"
expect_eq "$(open_gate_progs)" 1 "open gate programs in the kernel"
expect_fail as-user 1000 vfio-hold -o "$node"
expect_line 'open=EPERM*'
expect_event "\"type\":\"open\",\"verdict\":\"deny\",\"reason\":\"rule\",\"rule\":\"/tmp/open.conf:1\"" "open deny event of the gate loaded after the takeover"
expect_ok vfio-hold -o "$node"
expect_out '*{"type":"open","verdict":"deny","reason":"rule","count":1}*' dmaguard status --json
dg_stop
expect_ok dmaguard unload
expect_eq "$(bpf_prog_count)" 0 "BPF programs after unload"
