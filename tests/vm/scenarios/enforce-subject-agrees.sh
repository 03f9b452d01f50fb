# The BPF side's subject reader (what bind events say about a device and
# its driver) and the userspace sysfs reader (`status --json`) agree on
# every bound PCI device of the topology: name, id, class, group, driver,
# DMA mode. Each device is unbound and bound again under `run --all`.
# vm: timeout=300
. /vm/dmaguard.sh
. /vm/status-json.sh
policy "allow bind"
dg_start --all
dmaguard status --json >/tmp/status.json || fail "status --json failed"

# "DEV ID CLASS GROUP DRIVER DMA" of every bound PCI device, from status
awk "$DG_JSON_AWK"'
{
	n = split($0, part, "{")
	for (i = 2; i <= n; i++) {
		p = "{" part[i]
		if (starts(p, "{\"group\":"))
			g = numval(p, "group", "?")
		if (starts(p, "{\"device\":\"") && !ends(prev, "\"blocker\":") &&
		    strval(p, "bus", "") == "pci" && strval(p, "driver", "") != "")
			print strval(p, "device", "?"), strval(p, "id", "-"), strval(p, "class", "-"),
			      g, strval(p, "driver", "?"), strval(p, "dma", "?")
		# the last device of the last group ends where "ungrouped" starts
		if (index(p, "\"ungrouped\":["))
			g = "-"
		prev = p
	}
}' /tmp/status.json | sort >/tmp/from-status
log "bound PCI devices: $(wc -l </tmp/from-status)"

: >/tmp/rebound
while read -r dev id class group drv dma; do
	write_file "/sys/bus/pci/drivers/$drv/unbind" "$dev" || { log "skip $dev: unbind: $WRITE_ERR"; continue; }
	if ! write_file "/sys/bus/pci/drivers/$drv/bind" "$dev"; then
		log "skip $dev: bind $drv: $WRITE_ERR"
		continue
	fi
	echo "$dev" >>/tmp/rebound
done </tmp/from-status
n=$(wc -l </tmp/rebound)
[ "$n" -ge 8 ] || fail "only $n devices rebound"
for dev in $(cat /tmp/rebound); do
	expect_event "\"type\":\"bind\",.*\"device\":\"$dev\".*\"result\":0," "bind of $dev"
done
dg_stop

# the same tuple from each successful bind event of a rebound device (a
# port's rebind also probes its service devices, on the pci_express bus)
awk "$DG_JSON_AWK"'
FILENAME == "/tmp/rebound" { want[$1] = 1; next }
index($0, "\"type\":\"bind\",") && index($0, "\"result\":0,") &&
    (strval($0, "device", "?") in want) {
	print strval($0, "device", "?"), strval($0, "id", "-"), strval($0, "class", "-"),
	      numval($0, "group", "-"), strval($0, "driver", "?"), strval($0, "dma", "?")
}' /tmp/rebound "$DG_EVENTS" | sort -u >/tmp/from-events
awk 'FILENAME == "/tmp/rebound" { want[$1] = 1; next } $1 in want' \
	/tmp/rebound /tmp/from-status >/tmp/expected
if ! diff /tmp/expected /tmp/from-events >/tmp/diff; then
	sed 's/^/    | /' /tmp/diff
	fail "bind events and status --json disagree"
fi
log "$n devices agree: $(tr '\n' ';' </tmp/expected)"
