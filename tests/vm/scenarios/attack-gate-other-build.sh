# A package upgrade within one format: another build of this format
# (/bin/dmaguard-other: TEST_GLOBALS=1, its .bss of the same size with the
# VFIO majors 4 bytes on) pinned the set, then a VFIO group node appears.
# This build's reload with an open rule must not load its open gate into
# that set, whose globals it would misread (it did at 56315e0: the gate
# read the majors at the wrong offset and let uid 1000 open the node the
# new policy denies, while status named that policy in force): the reload
# fails naming the other build, the old policy stays in force, no gate is
# loaded. As the message says, `run` of this build then takes the set over
# in place, and the reload loads the gate, which denies.
# vm: timeout=300
. /vm/dmaguard.sh
. /vm/upgrade.sh
[ -x /bin/dmaguard-other ] ||
	skip "no other build in the image (make vm builds build/otherbuild/dmaguard)"
policy "allow bind id=8086:100e"
: >/tmp/other.log
dmaguard-other run --policy "$DG_POLICY" --json --output /tmp/other.jsonl 2>>/tmp/other.log &
other=$!
wait_until 60 grep -q '^dmaguard run: enforcing' /tmp/other.log || {
	sed 's/^/    | /' /tmp/other.log
	fail "the other build's dmaguard run did not start enforcing"
}
expect_out "enforcement: pinned in $DG_PIN (format *, dmaguard *-testglobals1)" dmaguard status
other_ids=$(prog_ids)
case "$(uname -r)" in
5.*) ;;	# before 5.19 the gate is always loaded
*) expect_eq "$(open_gate_pinned)" 0 "open gate programs pinned by the other build" ;;
esac

vfio_open_setup
expect_ok as-user 1000 vfio-hold -o "$node"
printf 'deny open group=%s uid=1000\n' "$g" >/tmp/open.conf
chmod 600 /tmp/open.conf
case "$(uname -r)" in
5.*) ;;
*)	rc_of 60 dmaguard reload --policy /tmp/open.conf
	expect_eq "$RC" 1 "exit status of a reload that needs the gate in another build's set"
	expect_line "*loaded by another build (dmaguard *-testglobals1)*restart 'dmaguard run' with this build*"
	expect_out "*policy:*$DG_POLICY,*" dmaguard status
	expect_ok as-user 1000 vfio-hold -o "$node"
	expect_eq "$(open_gate_pinned)" 0 "open gate programs pinned after the refused reload" ;;
esac

# this build's run takes the other build's set over in place
dg_start
expect_out "*taking over the enforcement in $DG_PIN from format * (dmaguard *-testglobals1)*" cat "$DG_LOG"
expect_out "*took over the enforcement in $DG_PIN*" cat "$DG_LOG"
wait_until 30 sh -c "! kill -0 $other" || fail "the other build's daemon did not leave"
expect_ok wait_until 10 none_loaded "$other_ids"
expect_out "enforcement: pinned in $DG_PIN (format *, dmaguard *)" dmaguard status
expect_fail sh -c "dmaguard status | grep -q testglobals1"
expect_out "*open gate attached*" dmaguard reload --policy /tmp/open.conf
expect_eq "$(open_gate_pinned)" 1 "open gate programs pinned after the takeover and the reload"
expect_fail as-user 1000 vfio-hold -o "$node"
expect_line 'open=EPERM*'
expect_event "\"type\":\"open\",\"verdict\":\"deny\",\"reason\":\"rule\",\"rule\":\"/tmp/open.conf:1\"" "open deny event"
dg_stop
expect_ok dmaguard unload
expect_eq "$(bpf_prog_count)" 0 "BPF programs after unload"
