# `dmaguard generate` describes the running machine: `check` of its output
# exits 0 here, and 1 naming the device once a binding changes; `status
# --policy` shows the same verdicts; an invalid policy exits 2 with the
# parser's message.
umask 022
dmaguard generate >/tmp/gen.conf
expect_eq "$?" 0 "exit status of generate"
expect_out 'default bind allow' cat /tmp/gen.conf
# one rule per model and driver: the two e1000 share one, the three e1000e too
expect_out "allow bind id=8086:100e driver=e1000" cat /tmp/gen.conf
expect_out "allow bind id=8086:10d3 driver=e1000e" cat /tmp/gen.conf
expect_out "deny  bind id=8086:10d3" cat /tmp/gen.conf
expect_ok dmaguard check /tmp/gen.conf
expect_out '/tmp/gen.conf: * current bindings, 0 would be denied, 0 audited' \
	printf '%s\n' "$OUT"

# As many allow rules as models and drivers bound on the PCI bus, plus one
# per bound device in an IOMMU group off it (named by its name).
kinds=$(for d in /sys/bus/*/devices/*; do
	[ -L "$d/driver" ] || continue
	drv=$(basename "$(readlink "$d/driver")")
	case $d in
	/sys/bus/pci/devices/*) echo "$(cat "$d/vendor"):$(cat "$d/device") $drv" ;;
	*) [ -L "$d/iommu_group" ] && echo "${d##*/} $drv" ;;
	esac
done | sort -u | wc -l)
expect_eq "$(grep -c '^allow bind ' /tmp/gen.conf)" "$kinds" "allow rules in the generated policy"
dmaguard generate --scope all >/tmp/gen-all.conf
expect_out 'default bind deny' cat /tmp/gen-all.conf
expect_ok dmaguard check /tmp/gen-all.conf

# A new binding: the isolated e1000e moves to vfio-pci.
expect_ok vfio_bind "$ISOLATED"
dmaguard check /tmp/gen.conf >/tmp/check.out 2>&1
rc=$?
sed 's/^/    | /' /tmp/check.out
expect_eq "$rc" 1 "exit status of check after the change"
expect_out "deny  $ISOLATED driver=vfio-pci id=8086:10d3 class=0x020000 group=* (rule /tmp/gen.conf:*)" \
	cat /tmp/check.out
expect_eq "$(grep -c '^deny ' /tmp/check.out)" 1 "denied bindings"
expect_out "  $ISOLATED  *pci  *8086:10d3  0x020000  vfio-pci  *user  *deny  */tmp/gen.conf:*" \
	dmaguard status --policy /tmp/gen.conf
expect_out "  $SHARED_A  *pci  *8086:100e  0x020000  e1000  *kernel  *allow  */tmp/gen.conf:*" \
	dmaguard status --policy /tmp/gen.conf

# Generated again, it passes again; so does every scope and key.
dmaguard generate >/tmp/gen2.conf
expect_ok dmaguard check /tmp/gen2.conf
for opts in "--scope all" "--scope pci" "--by device" "--default audit"; do
	# shellcheck disable=SC2086 # the options are words
	dmaguard generate $opts >/tmp/gen3.conf
	expect_eq "$?" 0 "exit status of generate $opts"
	expect_ok dmaguard check /tmp/gen3.conf
done
# --scope all, made before the change: every other bind falls to the default
dmaguard check /tmp/gen-all.conf >/tmp/check.out 2>&1
expect_eq "$?" 1 "exit status of check of --scope all after the change"
expect_out "deny  $ISOLATED driver=vfio-pci * (default bind deny)" cat /tmp/check.out

# An invalid policy: exit 2, the parser's message.
printf 'default bind deny\nallow bind vendor=8086\n' >/tmp/bad.conf
dmaguard check /tmp/bad.conf >/tmp/bad.out 2>&1
rc=$?
sed 's/^/    | /' /tmp/bad.out
expect_eq "$rc" 2 "exit status of check on an invalid policy"
expect_out "dmaguard check: /tmp/bad.conf:2:12: unknown attribute 'vendor'*" cat /tmp/bad.out

# Give the device back to its kernel driver.
expect_ok unbind "$ISOLATED"
expect_ok set_override "$ISOLATED" ""
expect_ok probe "$ISOLATED"
expect_ok dmaguard check /tmp/gen.conf
