# SIGKILL of `run` leaves enforcement in force; a restart reuses the pinned
# programs (no second attach) and streams what was emitted meanwhile.
. /vm/dmaguard.sh
policy "deny bind device=$SHARED_A"
expect_ok unbind "$SHARED_A"
dg_start
before=$(bpf_prog_count)
expect_ne "$before" 0 "BPF programs loaded"
dg_kill
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
expect_eq "$(driver_of "$SHARED_A")" "" "driver of $SHARED_A with the daemon killed"
dg_start
expect_out '*reusing pinned enforcement*' cat "$DG_LOG"
expect_eq "$(bpf_prog_count)" "$before" "BPF programs after restart"
expect_event "\"verdict\":\"deny\",.*\"device\":\"$SHARED_A\"" "deny event emitted while the daemon was dead"
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
dg_stop
