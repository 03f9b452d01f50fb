# unload detaches everything: the pins are gone, no dmaguard program stays
# loaded, and a bind the policy denied succeeds.
. /vm/dmaguard.sh
policy "deny bind device=$SHARED_A"
expect_ok unbind "$SHARED_A"
dg_start
dg_stop
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
expect_ok dmaguard unload
expect_fail test -e "$DG_PIN"
expect_eq "$(bpf_prog_count)" 0 "BPF programs after unload"
expect_write_ok /sys/bus/pci/drivers/e1000/bind "$SHARED_A"
expect_eq "$(driver_of "$SHARED_A")" e1000 "driver of $SHARED_A"
