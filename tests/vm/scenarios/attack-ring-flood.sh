# An unprivileged user floods the event ring: the administrator gave uid
# 1000 a VFIO group node (as libvirt gives one to qemu), the policy denies
# its opens, and uid 1000 opens it in a tight loop while root's denied
# binds happen. Events may be lost (the ring is finite, and under a flood
# from every CPU an event may be dropped before it has a seq), but every
# loss is accounted: each `lost` record stands in its seq gap with the gap
# as its count (json-check -s), no seq is given twice, the kernel's next
# seq matches, every event caused is written or counted in exactly one lost
# record, and the binds stay denied. Logs the rate uid 1000 reaches and
# how many events it cost.
# vm: timeout=420
. /vm/dmaguard.sh
expect_ok vfio_bind "$ISOLATED"
node=$(vfio_group_node "$ISOLATED")
expect_ok wait_for_path "$node" 5
expect_ok chmod 666 "$node"
policy "deny bind device=$SHARED_A
deny open uid=1000"
expect_ok unbind "$SHARED_A"
dg_start --json

# uid 1000's denied opens, in three processes (more than the 2 vCPUs)
t0=$(date +%s)
as-user 1000 open-loop "$node" 40000 >/tmp/flood1.out 2>&1 &
f1=$!
as-user 1000 open-loop "$node" 40000 >/tmp/flood2.out 2>&1 &
f2=$!
as-user 1000 open-loop "$node" 40000 >/tmp/flood3.out 2>&1 &
f3=$!
# root's binds of a denied device while the flood runs
binds=0
while kill -0 "$f1" 2>/dev/null || kill -0 "$f2" 2>/dev/null || kill -0 "$f3" 2>/dev/null; do
	expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
	binds=$((binds + 1))
	[ "$binds" -lt 200 ] || break
done
wait "$f1"
wait "$f2"
wait "$f3"
t1=$(date +%s)
log "uid 1000: $(cat /tmp/flood1.out) / $(cat /tmp/flood2.out) / $(cat /tmp/flood3.out) in $((t1 - t0)) s; $binds denied binds by root"
expect_line "opens=40000 failed=40000" "$(cat /tmp/flood1.out)"
expect_ok as-user 1000 sh -c "! test -r $DG_PIN"

dg_drained
next=$(dmaguard status --json | sed -n 's/.*"bpf":{"next_seq":\([0-9]*\),.*/\1/p')
expect_ne "$next" "" "next_seq in status --json"
dg_stop
seqs_written=$(sed -n 's/.*"seq":\([0-9]*\),.*/\1/p' "$DG_EVENTS")
dups=$(printf '%s\n' "$seqs_written" | sort -n | uniq -d | wc -l)
log "seqs written twice: $dups; stats: $(dmaguard status --json | grep -o '"bpf":{[^}]*}')"
opens=$(grep -c '"type":"open"' "$DG_EVENTS")
bindev=$(grep -c '"type":"bind"' "$DG_EVENTS")
lost=$(sed -n 's/.*"type":"lost","count":\([0-9]*\).*/\1/p' "$DG_EVENTS" | awk '{s += $1} END {print s + 0}')
unseq=$(sed -n 's/.*"type":"lost","count":\([0-9]*\),"unsequenced":true.*/\1/p' "$DG_EVENTS" | awk '{s += $1} END {print s + 0}')
log "events written: $opens open, $bindev bind; lost: $lost ($unseq before they had a seq; $next seqs)"
expect_eq "$dups" 0 "seqs written twice"
# and every event caused (one per denied open, one per denied bind) is
# written or inside a lost count: none vanishes without a gap
caused=$((3 * 40000 + binds))
kernel_lost=$(dmaguard status --json | sed -n 's/.*"bpf":{"next_seq":[0-9]*,"lost":\([0-9]*\),.*/\1/p')
log "events caused: $caused; written + lost records: $((opens + bindev + lost)); kernel's lost counter: $kernel_lost"
if ! json-check -r -s -n "$next" <"$DG_EVENTS" >/tmp/jc.out 2>&1; then
	cat /tmp/jc.out
	bad=$(sed -n 's/^line \([0-9]*\):.*/\1/p' /tmp/jc.out)
	[ -n "$bad" ] && sed -n "$((bad > 4 ? bad - 4 : 1)),$((bad + 2))p" "$DG_EVENTS" | sed 's/^/    | /'
	fail "uid 1000's flood broke the seq accounting: $dups seqs written twice, json-check: $(cut -c1-60 /tmp/jc.out | head -n 1)"
fi
cat /tmp/jc.out
# seqs start at 0: every one handed out is an event written or counted lost
expect_eq "$((opens + bindev + lost - unseq))" "$next" "events written + lost in gaps = seqs handed out"
log "root's denied binds: $binds, of which $((binds - bindev)) reported only inside lost counts"
expect_eq "$((opens + bindev + lost))" "$caused" "events written + lost records = events caused"
expect_eq "$lost" "$kernel_lost" "lost records' sum = the kernel's lost counter"
# the daemon's own count of lost events is the records' sum
expect_out "*stopped: * events, $lost lost*" cat "$DG_LOG"
