# kill -9 of `dmaguard reload` while it loads the open gate into the set in
# force (gate_load.c), at delays spread over the load. Killed before the
# switch, the old policy stays in force (status names the old file, uid 1000
# opens the VFIO group node) and status says so when the kill left the gate
# attached under a policy that does not want it ("interrupted reload");
# killed after it, the new policy is in force with its gate attached. The
# kernel never holds an open gate program the set has not pinned (no orphan
# or duplicate), and the next reload loads or reuses the gate and denies.
# Before 5.19 the gate is always loaded and attached: nothing to load then.
# vm: kernels=bookworm trixie trixie-backports
# vm: timeout=600
. /vm/dmaguard.sh
no_orphan() { [ "$(open_gate_progs)" = "$(open_gate_pinned)" ]; }
vfio_open_setup
printf 'deny open group=%s uid=1000\n' "$g" >/tmp/open.conf
chmod 600 /tmp/open.conf
policy "allow bind id=8086:100e"
# how long a reload that loads the gate takes here: the kills are spread over it
ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }
dg_start
t0=$(ms)
expect_out "*open gate attached*" dmaguard reload --policy /tmp/open.conf
t=$(( $(ms) - t0 ))
log "a reload that loads the open gate takes about $t ms"
dg_stop
expect_ok dmaguard unload
dg_start
killed=0 done=0 before=0
for pc in 0 10 30 50 60 70 75 80 85 90 95 100 110 130; do
	d=$(( t * pc / 100 ))
	dmaguard reload --policy /tmp/open.conf >/tmp/r.out 2>&1 &
	rp=$!
	usleep $((d * 1000))
	kill -KILL $rp 2>/dev/null
	wait $rp
	rc=$?
	sed 's/^/    | /' /tmp/r.out
	log "reload killed after $d ms: exit $rc, gate loaded=$(open_gate_pinned) linked=$(open_gate_pinned links)"
	wait_until 5 no_orphan ||
		fail "kill after $d ms: $(open_gate_progs) open gate programs in the kernel, $(open_gate_pinned) pinned"
	expect_eq "$(open_gate_progs)" "$(open_gate_pinned)" "open gate programs in the kernel vs pinned"
	if [ $rc -eq 0 ]; then
		# it finished: back to a set without the gate for the next delay
		done=$((done + 1))
		expect_fail as-user 1000 vfio-hold -o "$node"
		dg_stop
		expect_ok dmaguard unload
		expect_eq "$(bpf_prog_count)" 0 "BPF programs after unload"
		dg_start
		continue
	fi
	killed=$((killed + 1))
	OUT=$(dmaguard status 2>&1)
	case "$(printf '%s\n' "$OUT" | grep 'policy:')" in
	*/tmp/open.conf,*)
		# killed after the switch: the new policy is in force, with its gate
		log "killed after the switch: the new policy is in force"
		expect_eq "$(open_gate_pinned) $(open_gate_pinned links)" "1 1" "open gate pinned and linked under the open rule"
		expect_fail as-user 1000 vfio-hold -o "$node"
		dg_stop
		expect_ok dmaguard unload
		expect_eq "$(bpf_prog_count)" 0 "BPF programs after unload"
		dg_start
		continue ;;
	*"$DG_POLICY",*) ;;
	*) fail "status names no policy in force: $OUT" ;;
	esac
	before=$((before + 1))
	if [ "$(open_gate_pinned links)" = 1 ]; then
		expect_line "*open gate attached*interrupted reload*"
	fi
	expect_ok as-user 1000 vfio-hold -o "$node"
done
log "killed $killed reloads ($before with the old policy still in force), $done finished"
[ $before -ge 1 ] || fail "no reload was killed before its switch"
expect_out "*open gate attached*" dmaguard reload --policy /tmp/open.conf
expect_eq "$(open_gate_pinned) $(open_gate_pinned links) $(open_gate_progs)" "1 1 1" "open gate pinned, linked, in the kernel"
expect_fail as-user 1000 vfio-hold -o "$node"
expect_line 'open=EPERM*'
expect_ok vfio-hold -o "$node"
dg_stop
expect_ok dmaguard unload
expect_eq "$(bpf_prog_count)" 0 "BPF programs after unload"
