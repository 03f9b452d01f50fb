# A bad policy never replaces the one in force: `reload` rejects it with
# exit 2, SIGHUP rejects it too; a good one takes effect at once.
. /vm/dmaguard.sh
policy "deny bind device=$SHARED_A"
expect_ok unbind "$SHARED_A"
dg_start
printf 'deny bind vendor=8086\n' >/tmp/bad.conf
chmod 600 /tmp/bad.conf
dmaguard reload --policy /tmp/bad.conf >/tmp/reload.out 2>&1
rc=$?
sed 's/^/    | /' /tmp/reload.out
expect_eq "$rc" 2 "exit code of reload with a bad policy"
expect_out "dmaguard reload: /tmp/bad.conf:1:11: unknown attribute 'vendor'*" cat /tmp/reload.out
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"

cp /tmp/bad.conf "$DG_POLICY"
kill -HUP "$DG_PID"
wait_until 10 grep -q 'rejected' "$DG_LOG"
expect_out '*rejected; the previous policy stays in force*' cat "$DG_LOG"
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"

printf 'allow bind device=%s\ndefault bind deny\n' "$SHARED_A" >/tmp/good.conf
chmod 600 /tmp/good.conf
expect_ok dmaguard reload --policy /tmp/good.conf
expect_write_ok /sys/bus/pci/drivers/e1000/bind "$SHARED_A"
expect_ok unbind "$SHARED_B"
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_B" "$DENY_ERR"
expect_event "\"reason\":\"default\",\"device\":\"$SHARED_B\"" "default deny of the new policy"
dg_stop
