# An older dmaguard's enforcement is taken over in place by this build while
# a bind loop hits a denied device: no bind goes through at any moment,
# every denied attempt is exactly one event (or counted lost) across the two
# daemons, whose streams tile the seq range; no old program stays loaded;
# and the older build then refuses the newer pins, naming both formats.
# vm: timeout=400
. /vm/dmaguard.sh
. /vm/upgrade.sh
upgrade_setup
old_start
old_ids=$(prog_ids)
expect_ne "$old_ids" "" "programs of the older build"
loop_start "$SHARED_A"

dg_start
expect_out '*took over the enforcement in /sys/fs/bpf/dmaguard from format 0*' cat "$DG_LOG"
old_wait_exit
expect_line '*stopped: * events, * lost; enforcement was taken over by a newer dmaguard' \
	"$(cat "$OLD_LOG")"
expect_ok wait_until 10 none_loaded "$old_ids"
expect_ok test ! -e "$DG_PIN-next"
expect_ok test ! -e "$DG_PIN-prev"
loop_more 200
loop_no_success
loop_stop
expect_eq "$LOOP_OK" 0 "successful binds across the takeover"
expect_eq "$LOOP_FAIL" "$LOOP_A" "failed binds"
expect_eq "$(driver_of "$SHARED_A")" "" "driver of $SHARED_A"
expect_match "$(cat "$LOOP_OUT")" "*errno=$DENY_ERR" "the kernel's error for a denied bind"

dg_drained
next=$(dmaguard status --json | sed -n 's/.*"bpf":{"next_seq":\([0-9]*\),.*/\1/p')
expect_ne "$next" "" "next_seq in status --json"
dg_stop
e_old=$(deny_events "$OLD_EVENTS" "$SHARED_A")
e_new=$(deny_events "$DG_EVENTS" "$SHARED_A")
lost=$(( $(lost_sum "$OLD_EVENTS") + $(lost_sum "$DG_EVENTS") ))
log "deny events: $e_old old, $e_new new; $lost lost; $LOOP_A attempts"
[ "$e_old" -ge 1 ] || fail "the older daemon reported no denial before the takeover"
[ "$e_new" -ge 1 ] || fail "this daemon reported no denial after the takeover"
# format 2 (and 3) made what the older pins lacked: the policy identified (run put
# it in force right after), and the kernel's count of what the new set saw
expect_out "enforcement: pinned in $DG_PIN (format 3, dmaguard *)" dmaguard status
expect_out "  sha256: *$(sha256sum "$DG_POLICY" | cut -d' ' -f1) (*" dmaguard status
counted=$(dmaguard metrics |
	awk '$1 == "dmaguard_events_total{type=\"bind\",verdict=\"deny\",reason=\"rule\"}" { print $2 }')
[ "$counted" -ge "$e_new" ] 2>/dev/null ||
	fail "denies counted since the takeover ($counted) below those reported ($e_new)"
expect_eq "$(( e_old + e_new + lost ))" "$LOOP_A" "deny events + lost across the takeover"
# one stream: the two files, one after the other, tile the seqs exactly
cat "$OLD_EVENTS" "$DG_EVENTS" >/tmp/both.jsonl
expect_ok json-check -r -s -n "$next" </tmp/both.jsonl

# The older build refuses the newer pins, names both formats, changes nothing.
for cmd in reload run; do
	dmaguard-old $cmd --policy "$DG_POLICY" >/tmp/refused.out 2>&1
	expect_eq "$?" 1 "exit status of the older build's $cmd"
	expect_line '*has format 3 (pinned by dmaguard *); this dmaguard (*-testfmt, format 0) cannot operate it*' \
		"$(cat /tmp/refused.out)"
done
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
expect_eq "$(driver_of "$SHARED_A")" "" "driver of $SHARED_A after the refusals"
