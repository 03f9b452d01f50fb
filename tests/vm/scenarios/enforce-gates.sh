# The two hooks on hot paths (kernfs node creation, every open) are attached
# only while the policy in force can act through them, and reload, --all and
# the daemon's exit attach or detach them without a moment where a policy
# that needs one runs without it. Before 5.19 both stay attached: the
# mixed-ownership invariant needs the deny hook, ownership is seen from VFIO
# group opens, and 5.10 cannot attach a program again once detached.
. /vm/dmaguard.sh
LINKS=$DG_PIN/links
gate() {
	if [ -e "$LINKS/lsm_$1" ] || [ -e "$LINKS/fmod_$1" ]; then echo on; else echo off; fi
}
expect_gates() {
	expect_eq "kernfs=$(gate kernfs) open=$(gate file_open)" "kernfs=$1 open=$2" "gates $3"
}
case "$(uname -r)" in
5.*) legacy=on ;;
*) legacy=off ;;
esac
expect_ok vfio_bind "$ISOLATED"
g=$(group_of "$ISOLATED")
chmod 666 /dev/vfio/$g

# nothing to deny, no open rule: neither gate (both before 5.19); from
# 5.19 the open gate's program is not even loaded until a policy needs it
policy "allow bind id=8086:100e"
dg_start
expect_gates $legacy $legacy "with a policy that allows everything"
[ $legacy = off ] && expect_out '*kernfs deny hook not attached*open gate not attached*' cat "$DG_LOG"
if [ $legacy = off ]; then
	expect_eq "$(open_gate_pinned) $(open_gate_progs)" "0 0" "open gate loaded, programs in the kernel, before any open rule"
else
	expect_eq "$(open_gate_pinned) $(open_gate_progs)" "1 1" "open gate loaded, programs in the kernel, before 5.19"
fi
expect_ok vfio-hold -o -u 1000 -g 1000 /dev/vfio/$g
expect_ok unbind "$SHARED_A"
expect_write_ok /sys/bus/pci/drivers/e1000/bind "$SHARED_A"

# an open rule: the open gate is attached before the rule is in force
printf 'deny open group=%s uid=1000\n' "$g" >/tmp/open.conf
chmod 600 /tmp/open.conf
expect_out "*open gate attached*" dmaguard reload --policy /tmp/open.conf
expect_gates $legacy on "with an open rule"
expect_eq "$(open_gate_pinned) $(open_gate_progs)" "1 1" "open gate loaded, programs in the kernel, with an open rule"
expect_fail vfio-hold -o -u 1000 -g 1000 /dev/vfio/$g
expect_line 'open=EPERM*'
expect_event "\"type\":\"open\",\"verdict\":\"deny\"" "open deny event"

# back and forth at once: a detached gate is gone before reload returns,
# so attaching it again right after is not refused (EBUSY)
printf 'allow bind id=8086:100e\n' >/tmp/none.conf
chmod 600 /tmp/none.conf
for i in 1 2 3 4 5; do
	dmaguard reload --policy /tmp/none.conf >/tmp/toggle.out 2>&1 ||
		{ cat /tmp/toggle.out; fail "reload to no open rule, round $i"; }
	[ $legacy = on ] || [ "$(bpf-progs -l | grep -c file_open)" = 0 ] ||
		fail "the open gate's link is still in the kernel after reload returned: $(bpf-progs -l)"
	dmaguard reload --policy /tmp/open.conf >>/tmp/toggle.out 2>&1 ||
		{ cat /tmp/toggle.out; fail "reload to the open rule, round $i"; }
	[ "$(bpf-progs -l | grep -c file_open)" = 1 ] ||
		fail "not one open gate link in the kernel after reload: $(bpf-progs -l)"
done
expect_gates $legacy on "after toggling the open rule five times"
# loaded once, by the first reload that needed it: it stays pinned
expect_eq "$(open_gate_pinned) $(open_gate_progs)" "1 1" "open gate loaded, programs in the kernel, after toggling"
expect_fail vfio-hold -o -u 1000 -g 1000 /dev/vfio/$g

# a bind deny: the deny hook comes, the open gate goes
printf 'deny bind device=%s\n' "$SHARED_A" >/tmp/bind.conf
chmod 600 /tmp/bind.conf
expect_ok dmaguard reload --policy /tmp/bind.conf
expect_gates on $legacy "with a bind deny rule"
expect_ok unbind "$SHARED_A"
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
expect_ok vfio-hold -o -u 1000 -g 1000 /dev/vfio/$g

# the same rule in audit mode denies nothing: no deny hook, the bind passes
printf 'mode audit\ndeny bind device=%s\n' "$SHARED_A" >/tmp/audit.conf
chmod 600 /tmp/audit.conf
expect_ok dmaguard reload --policy /tmp/audit.conf
expect_gates $legacy $legacy "in audit mode"
expect_write_ok /sys/bus/pci/drivers/e1000/bind "$SHARED_A"
expect_event "\"verdict\":\"audit\",\"reason\":\"rule\",\"rule\":\"/tmp/audit.conf:2\",\"device\":\"$SHARED_A\"" "audit event naming the reloaded file"
dg_stop

# --all streams allowed opens: the open gate is there while it streams,
# loaded by `run --all` on a set that never had it
expect_ok dmaguard unload
policy "allow bind id=8086:100e"
dg_start --all
expect_gates $legacy on "while run --all streams"
expect_eq "$(open_gate_pinned) $(open_gate_progs)" "1 1" "open gate loaded, programs in the kernel, under run --all"
expect_ok vfio-hold -o /dev/vfio/$g
expect_event "\"type\":\"open\",\"verdict\":\"allow\"" "allowed open under --all"
dg_stop
expect_gates $legacy $legacy "after run --all stopped"

# a run --all killed by SIGKILL cannot take its request back; the next
# reload without a daemon does
dg_start --all
expect_gates $legacy on "while run --all streams again"
dg_kill
expect_gates $legacy on "after run --all was killed"
expect_ok dmaguard reload --policy "$DG_POLICY"
expect_gates $legacy $legacy "after a reload with no daemon running"

# unload takes the unattached gates' programs too
expect_ok dmaguard unload
expect_fail test -e "$DG_PIN"
expect_eq "$(bpf_prog_count)" 0 "BPF programs after unload"
