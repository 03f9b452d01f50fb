# The `make demo` story, run in the test VM after tests/vm/demo.sh has put
# examples/policy.conf at /etc/dmaguard/policy.conf. The daemon writes its
# text event stream to the console as things happen. Every step checks what
# it shows, so a demo that stops telling the truth fails.
. /vm/dmaguard.sh
DG_POLICY=/etc/dmaguard/policy.conf

say() {
	printf '\n\033[1;36m==> %s\033[0m\n' "$*"
	sleep 1
}

# run a command, showing it as typed
show() {
	printf '\033[1m# %s\033[0m\n' "$*"
	"$@"
}

say "The VM's IOMMU groups: two e1000 behind a PCIe-to-PCI bridge share group $(group_of "$SHARED_A"); the e1000e $ISOLATED is alone in group $(group_of "$ISOLATED"); a two-function card without ACS is group $(group_of "$MF_A")."
printf '\033[1m# dmaguard status\033[0m   (groups only)\n'
dmaguard status | sed '/^no IOMMU group:/,$d'
say "The policy (examples/policy.conf), without its comments:"
grep -v '^#' "$DG_POLICY" | grep -v '^$'
chmod 600 "$DG_POLICY"

say "dmaguard run --policy $DG_POLICY --all   (events follow live)"
dmaguard run --policy "$DG_POLICY" --all &
DG_PID=$!
n=600
until [ -e /sys/fs/bpf/dmaguard/links ] || [ "$n" -eq 0 ]; do usleep 100000; n=$((n - 1)); done
sleep 2

say "1. Allowed: vfio-pci takes the e1000e for passthrough (allow bind id=8086:10d3 driver=vfio-pci)"
expect_ok vfio_bind "$ISOLATED"
sleep 1

say "2. Denied: the host's e1000e driver tries to take it back (deny bind id=8086:10d3)"
expect_ok unbind "$ISOLATED"
expect_ok set_override "$ISOLATED" ""
expect_write_fail /sys/bus/pci/drivers/e1000e/bind "$ISOLATED" ENOMEM
expect_eq "$(driver_of "$ISOLATED")" "" "driver of $ISOLATED"
sleep 1
expect_ok vfio_bind "$ISOLATED"

say "3. Audit: pci-stub (a userspace-DMA driver) takes the PCIe-to-PCI bridge: allowed, and reported (audit bind dma=user)"
[ -n "$(driver_of "$SHARED_BRIDGE")" ] && expect_ok unbind "$SHARED_BRIDGE"
expect_ok set_override "$SHARED_BRIDGE" pci-stub
expect_ok probe "$SHARED_BRIDGE"
expect_eq "$(driver_of "$SHARED_BRIDGE")" pci-stub "driver of the bridge"
sleep 1

g=$(group_of "$ISOLATED")
say "4. VFIO open: QEMU running as root may open /dev/vfio/$g; the same program as uid 1000 may not"
cp /bin/vfio-hold /tmp/qemu-system-x86_64
chmod 666 /dev/vfio/$g
expect_ok /tmp/qemu-system-x86_64 -o /dev/vfio/$g
expect_fail /tmp/qemu-system-x86_64 -o -u 1000 -g 1000 /dev/vfio/$g
expect_line 'open=EPERM*'
sleep 1

mf=$(group_of "$MF_A")
say "5. Mixed ownership: QEMU holds group $mf (both functions on vfio-pci); the kernel's e1000e driver may not take one of them back"
expect_ok vfio_bind "$MF_A"
expect_ok vfio_bind "$MF_B"
/tmp/qemu-system-x86_64 -H -r /tmp/held /dev/vfio/$mf >/dev/null 2>&1 &
holder=$!
expect_ok wait_for_path /tmp/held 10
expect_ok unbind "$MF_B"
expect_ok set_override "$MF_B" ""
expect_write_fail /sys/bus/pci/drivers/e1000e/bind "$MF_B" EBUSY
sleep 1
kill "$holder"

say "Stopping the daemon: enforcement stays pinned in /sys/fs/bpf/dmaguard"
kill -TERM "$DG_PID"
wait "$DG_PID"
ls /sys/fs/bpf/dmaguard /sys/fs/bpf/dmaguard/links
expect_ok unbind "$ISOLATED"
expect_ok set_override "$ISOLATED" ""
expect_write_fail /sys/bus/pci/drivers/e1000e/bind "$ISOLATED" ENOMEM

say "dmaguard unload: the kernel's normal behaviour is back"
show dmaguard unload
expect_write_ok /sys/bus/pci/drivers/e1000e/bind "$ISOLATED"
expect_eq "$(driver_of "$ISOLATED")" e1000e "driver of $ISOLATED"
say "End of the demo."
