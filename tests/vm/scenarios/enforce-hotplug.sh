# A device hot-plugged while no daemon runs is judged by the pinned policy,
# and the violation waits in the pinned ring for the next daemon.
. /vm/dmaguard.sh
policy "deny bind driver=e1000e"
dg_start
dg_stop
bdf=$(hotplug_add hot1 e1000e) || fail "hot-plug of an e1000e failed"
log "hot-plugged $bdf"
expect_eq "$(driver_of "$bdf")" "" "driver of the hot-plugged $bdf"
dg_start
expect_event "\"verdict\":\"deny\",\"reason\":\"rule\".*\"device\":\"$bdf\".*\"driver\":\"e1000e\"" "deny event of the hot-plug probe"
dg_stop
