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

# A daemon whose enforcement was unloaded under it stops by itself (exit 0:
# a service manager must not load it again), and leaves alone the new
# enforcement a new run pinned at the same path meanwhile: its requests
# (--all) were for the old pins; the new one keeps both its hooks.
policy "allow bind id=8086:100e"
dg_start --all
old_pid=$DG_PID
expect_ok dmaguard unload --pin-dir "$DG_PIN/"	# a trailing slash names the same
printf 'deny bind device=%s\ndeny open uid=4242\n' "$SHARED_A" >/tmp/new.conf
chmod 600 /tmp/new.conf
dmaguard run --policy /tmp/new.conf --output /tmp/new.events 2>/tmp/new.log &
new_pid=$!
n=600
until grep -q '^dmaguard run: enforcing' /tmp/new.log; do
	kill -0 "$new_pid" 2>/dev/null || { cat /tmp/new.log; fail "the new run exited"; }
	n=$((n - 1))
	[ "$n" -gt 0 ] || fail "the new run did not start enforcing"
	usleep 100000
done
expect_out '*kernfs deny hook attached; open gate attached*' cat /tmp/new.log
# the old daemon saw its enforcement go and stopped by itself, exit 0
wait "$old_pid"
expect_eq "$?" 0 "exit code of the daemon whose enforcement was unloaded"
expect_out '*the enforcement in /sys/fs/bpf/dmaguard was unloaded; stopping*' cat "$DG_LOG"
expect_out '*stopped: * events, 0 lost; enforcement was unloaded*' cat "$DG_LOG"
links=$(ls "$DG_PIN/links")
expect_match "$links" '*_kernfs*' "the new enforcement's deny hook after the old daemon stopped"
expect_match "$links" '*_file_open*' "the new enforcement's open gate after the old daemon stopped"
expect_ok unbind "$SHARED_A"
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
kill -TERM "$new_pid"
wait "$new_pid"
