# What the verifier processes to load each program stays within a budget.
# The open gate once grew to ~304,000 instructions on 6.1 unnoticed (the
# path walks of cgroup=/exe=), which every start and every boot paid for:
# ~1.5 s under TCG, the larger share of the daemon's start. Instructions,
# not time: a kernel reports the same count on every load. The budgets
# are ~3x what each program needs on the kernels tested (tests/bench
# README, "Start-up and boot"). The kernel reports the count from 5.16.
. /vm/dmaguard.sh
PROGRAM_BUDGET=70000
TOTAL_BUDGET=170000
# an open rule that judges: the open gate is loaded only for such a policy
policy 'default bind allow
deny open uid=4242'
dg_start
bpf-progs -v >/tmp/progs 2>/dev/null || fail "bpf-progs -v failed"
sed 's/^/    | /' /tmp/progs
total=0
n=0
# nothing else in the VM loads BPF: every program listed is dmaguard's
# (their names cut to the kernel's 15 characters)
while read -r id type name verified; do
	n=$((n + 1))
	total=$((total + verified))
	[ "$verified" -le "$PROGRAM_BUDGET" ] ||
		fail "$name: the verifier processed $verified instructions (budget $PROGRAM_BUDGET)"
done </tmp/progs
[ "$n" -ge 9 ] || fail "only $n dmaguard programs loaded"
[ "$total" -gt 0 ] || skip "this kernel does not report verified instructions (5.16+)"
log "verified instructions: $total in $n programs"
[ "$total" -le "$TOTAL_BUDGET" ] ||
	fail "the verifier processed $total instructions in all (budget $TOTAL_BUDGET)"
dg_stop
