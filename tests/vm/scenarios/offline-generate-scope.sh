# A generated policy in force, by its scope. The default (--scope present)
# denies another driver on a model bound now and lets a model plugged in
# later bind; --scope pci denies that one.
. /vm/dmaguard.sh
umask 022
dmaguard generate >"$DG_POLICY" || fail "generate exited $?"
chmod 600 "$DG_POLICY"
expect_out 'default bind allow' cat "$DG_POLICY"
expect_out 'deny  bind id=8086:10d3' cat "$DG_POLICY"
expect_ok modprobe vfio-pci
dg_start

# another driver on a model bound now: denied by the model's closing rule
expect_ok unbind "$ISOLATED"
expect_ok set_override "$ISOLATED" vfio-pci
expect_write_fail "$SYS_PCI/drivers/vfio-pci/bind" "$ISOLATED" "$DENY_ERR"
expect_eq "$(driver_of "$ISOLATED")" "" "driver of $ISOLATED"
expect_event "\"verdict\":\"deny\",\"reason\":\"rule\",\"rule\":\"$DG_POLICY:[0-9]+\".*\"device\":\"$ISOLATED\".*\"driver\":\"vfio-pci\"" \
	"deny event of vfio-pci on the e1000e"
# its own driver: allowed
expect_ok set_override "$ISOLATED" ""
expect_ok bind "$ISOLATED" e1000e

# a model no device had (82545EM, 8086:100f): not judged, e1000 takes it
hotplug_add hot1 e1000-82545em || fail "hot-plug of an 82545EM failed: $HOST_REPLY"
hot=$HOTPLUG_BDF
wait_until 10 test -e "$SYS_PCI/devices/$hot/driver" ||
	fail "e1000 did not take the hot-plugged $hot"
expect_eq "$(driver_of "$hot")" e1000 "driver of the hot-plugged $hot"
dg_stop
expect_ok hotplug_del hot1 "$hot"

# --scope pci: every PCI bind is judged, so the same model plugged in again is denied.
# On qemu virt (arm64) a second plug into the same port in one boot is not
# seen by the guest: that half runs on x86 only.
if [ "$(uname -m)" = aarch64 ]; then
	skip "a second hot-plug into one port is not seen on qemu virt (arm64); --scope pci runs on x86 (everything before it passed)"
fi
dmaguard generate --scope pci >"$DG_POLICY" || fail "generate --scope pci exited $?"
expect_ok grep -qxF 'deny  bind id=*:*' "$DG_POLICY"
dg_start
hotplug_add hot2 e1000-82545em || fail "hot-plug of an 82545EM failed: $HOST_REPLY"
hot=$HOTPLUG_BDF
expect_event "\"verdict\":\"deny\",\"reason\":\"rule\".*\"device\":\"$hot\".*\"driver\":\"e1000\"" \
	"deny event of the hot-plugged 82545EM"
expect_eq "$(driver_of "$hot")" "" "driver of the hot-plugged $hot"
dg_stop
