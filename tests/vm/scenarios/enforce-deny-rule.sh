# Deny by rule: the bind fails, the device stays unbound, the event names the rule.
cat >/tmp/policy.conf <<POL
mode enforce
deny bind device=$SHARED_A driver=e1000
POL
chmod 600 /tmp/policy.conf
unbind "$SHARED_A"
dmaguard run --policy /tmp/policy.conf --json >/tmp/events 2>/tmp/run.err &
for i in $(seq 1 100); do grep -q '^dmaguard: enforcing' /tmp/run.err && break; sleep 0.2; done
cat /tmp/run.err
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A"
expect_eq "$(driver_of "$SHARED_A")" "" "driver of $SHARED_A"
sleep 2
cat /tmp/events
ls -la /sys/fs/bpf/dmaguard /sys/fs/bpf/dmaguard/links
expect_out '*"verdict":"deny"*' cat /tmp/events
