# `make bench`, boot figure (tests/bench/README.md): not a test of the lane
# (only system-*.sh are). Booted with dmaguard.bench=with (the shipped
# policy, dmaguard.service enabled as the package leaves it) or =without
# (the same image, systemd.mask=dmaguard.service); prints systemd's own
# monotonic timestamps (us since the kernel started) as BENCH records.
state=$(sed -n 's/.*dmaguard\.bench=\([a-z]*\).*/\1/p' /proc/cmdline)
round=$(sed -n 's/.*dmaguard\.bench_round=\([0-9]*\).*/\1/p' /proc/cmdline)
load=$(systemctl show -P LoadState dmaguard.service)
active=$(systemctl is-active dmaguard.service)
case "$state" in
with)
	[ "$load" = loaded ] && [ "$active" = active ] ||
		fail "dmaguard.service should run: LoadState=$load, $active"
	[ -d /sys/fs/bpf/dmaguard/links ] || fail "nothing pinned in /sys/fs/bpf/dmaguard" ;;
without)
	[ "$load" = masked ] || fail "dmaguard.service should be masked: LoadState=$load"
	[ ! -e /sys/fs/bpf/dmaguard ] || fail "/sys/fs/bpf/dmaguard exists though masked" ;;
*)
	fail "no dmaguard.bench=with|without on the kernel command line" ;;
esac

# unit_us UNIT PROPERTY: 0 when the unit never got there
unit_us() {
	local v
	v=$(systemctl show -P "$2" "$1")
	echo "${v:-0}"
}

userspace=$(systemctl show -P UserspaceTimestampMonotonic)
mut=$(unit_us multi-user.target ActiveEnterTimestampMonotonic)
[ "$mut" -gt 0 ] || fail "multi-user.target has no ActiveEnterTimestampMonotonic"
echo "===== bench data ====="
echo "BENCH boot state=$state round=${round:-0} kernel=$(uname -r) nproc=$(nproc)" \
	"userspace_us=$userspace multi_user_us=$mut" \
	"sysinit_us=$(unit_us sysinit.target ActiveEnterTimestampMonotonic)" \
	"trigger_start_us=$(unit_us systemd-udev-trigger.service InactiveExitTimestampMonotonic)" \
	"dmaguard_start_us=$(unit_us dmaguard.service InactiveExitTimestampMonotonic)" \
	"dmaguard_ready_us=$(unit_us dmaguard.service ActiveEnterTimestampMonotonic)"
echo "===== end of bench data ====="
