# A device hot-plugged while no daemon runs is judged by the pinned policy,
# and the violation waits in the pinned ring for the next daemon.
. /vm/dmaguard.sh
policy "deny bind driver=e1000e"
dg_start
dg_stop
hotplug_add hot1 e1000e || fail "hot-plug of an e1000e failed: $HOST_REPLY"
bdf=$HOTPLUG_BDF
log "hot-plugged $bdf"
# the kernel's own word that the probe ran and was stopped (6.12+ says it
# through dev_err, with the device in front)
failed="driver_sysfs_add\($bdf\) failed|$bdf: really_probe: driver_sysfs_add failed"
wait_until 10 sh -c "dmesg | grep -qE '$failed'"
expect_ok sh -c "dmesg | grep -E '$failed'"
dg_start
expect_event "\"verdict\":\"deny\",\"reason\":\"rule\".*\"device\":\"$bdf\".*\"driver\":\"e1000e\"" "deny event of the hot-plug probe"
dg_stop
