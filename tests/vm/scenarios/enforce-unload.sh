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

# A daemon whose enforcement was unloaded under it, and replaced by a new
# one, must leave the new one alone when it stops: its requests (--all)
# were for the old pins, and the new enforcement keeps both its hooks.
policy "allow bind id=8086:100e"
dg_start --all
old_pid=$DG_PID
expect_ok dmaguard unload
printf 'deny bind device=%s\ndeny open uid=4242\n' "$SHARED_A" >/tmp/new.conf
chmod 600 /tmp/new.conf
dmaguard run --policy /tmp/new.conf --output /tmp/new.events 2>/tmp/new.log &
new_pid=$!
n=600
until grep -q '^dmaguard: enforcing' /tmp/new.log; do
	kill -0 "$new_pid" 2>/dev/null || { cat /tmp/new.log; fail "the new run exited"; }
	n=$((n - 1))
	[ "$n" -gt 0 ] || fail "the new run did not start enforcing"
	usleep 100000
done
expect_out '*kernfs deny hook attached; open gate attached*' cat /tmp/new.log
kill -TERM "$old_pid"
wait "$old_pid"
links=$(ls "$DG_PIN/links")
expect_match "$links" '*_kernfs*' "the new enforcement's deny hook after the old daemon stopped"
expect_match "$links" '*_file_open*' "the new enforcement's open gate after the old daemon stopped"
expect_ok unbind "$SHARED_A"
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
kill -TERM "$new_pid"
wait "$new_pid"
