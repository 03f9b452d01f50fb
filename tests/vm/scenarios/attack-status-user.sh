# status and metrics as uid 1000 while root's run enforces and streams:
# the pins are root's, so neither says anything read from them (the
# policy's path, hash or rules, event counts) and metrics exits 1; on a
# --pin-dir uid 1000 made (FIFOs and a 64 MiB file in place of the pins,
# a link to itself) and a --sysfs tree of uid 1000's nested 200 deep with
# link loops in the groups, neither hangs nor crashes.
# vm: timeout=300
. /vm/dmaguard.sh
policy "deny bind device=$SHARED_A"
expect_ok unbind "$SHARED_A"
dg_start
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
expect_event '"type":"bind","verdict":"deny"' "deny event"
SHA=$(sha256sum "$DG_POLICY" | cut -d' ' -f1)

# no_leak WHAT: $OUT says nothing only the pins know
no_leak() {
	case "$OUT" in
	*"$SHA"*|*"$DG_POLICY"*|*'verdict="deny"} 1'*|*'bind deny rule'*)
		fail "$1 as uid 1000 told what the pins hold: $OUT" ;;
	esac
}
bounded "status" as-user 1000 dmaguard status
no_leak status
expect_line "enforcement: unknown: cannot open $DG_PIN: Permission denied (the pins are root's)"
bounded "status --json" as-user 1000 dmaguard status --json
no_leak "status --json"
bounded "metrics" as-user 1000 dmaguard metrics
no_leak metrics
expect_eq "$RC" 1 "exit status of metrics as uid 1000"
# the same via the policy as --policy: uid 1000 may not read it
bounded "status --policy" as-user 1000 dmaguard status --policy "$DG_POLICY"
OUT=$(printf '%s\n' "$OUT" | grep -v "^dmaguard status: $DG_POLICY: cannot open: Permission denied")
no_leak "status --policy"

# uid 1000's own pin directory and sysfs tree
mkdir -p /home/u
chown 1000:1000 /home/u
expect_ok as-user 1000 sh -c '
P=/home/u/pins
mkdir -p $P/links $P/progs
for f in events groups policy policy_hdr counters config state header lock; do mkfifo $P/$f; done
dd if=/dev/zero of=$P/meta bs=1M count=64 2>/dev/null
ln -s . $P/self
ln -s $P $P/links/loop
R=/home/u/sys
d=$R/devices/pci0000:00
i=0
while [ $i -lt 200 ]; do d=$d/0000:00:01.0; i=$((i + 1)); done
mkdir -p $d $R/bus/pci/devices $R/kernel/iommu_groups/1/devices
ln -s $d $R/bus/pci/devices/0000:00:01.0
ln -s ../../1 $R/kernel/iommu_groups/1/devices/0000:00:01.0
ln -s $R/kernel/iommu_groups/1 $d/iommu_group
ln -s loop2 $R/kernel/iommu_groups/loop1
ln -s loop1 $R/kernel/iommu_groups/loop2
'
for cmd in "status" "status --json" "metrics"; do
	bounded "$cmd --pin-dir uid 1000's" as-user 1000 dmaguard $cmd --pin-dir /home/u/pins
	bounded "$cmd --pin-dir uid 1000's, as root" dmaguard $cmd --pin-dir /home/u/pins
done
bounded "status --sysfs deep" as-user 1000 dmaguard status --sysfs /home/u/sys
bounded "status --sysfs deep, as root" dmaguard status --sysfs /home/u/sys --pin-dir /home/u/pins
kill -0 "$DG_PID" || fail "the daemon is gone"
dg_stop
