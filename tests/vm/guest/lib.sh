# Guest-side helpers for dmaguard VM scenarios (busybox sh). /init sources
# this file, runs dg_discover, then sources the scenario in the same shell.
# Every expect_* prints what it checked and, on failure, calls fail, which
# records the reason and ends the scenario. See tests/vm/README.md.

DG_RESULT=/tmp/.dmaguard-result
DG_REQ_SEQ_FILE=/tmp/.dmaguard-req-seq
SYS_PCI=/sys/bus/pci

log() {
	echo "[scenario] $*"
}

# fail REASON: record the first failure and end the scenario.
fail() {
	[ -s "$DG_RESULT" ] || printf 'FAIL %s\n' "$*" >"$DG_RESULT"
	echo "[scenario] FAIL: $*"
	exit 1
}

# skip REASON: end the scenario as skipped (not counted as passed).
skip() {
	[ -s "$DG_RESULT" ] || printf 'SKIP %s\n' "$*" >"$DG_RESULT"
	echo "[scenario] SKIP: $*"
	exit 0
}

# ------------------------------------------------------------ assertions

# expect_eq ACTUAL EXPECTED [WHAT]
expect_eq() {
	if [ "$1" = "$2" ]; then
		log "ok: ${3:-value} = '$2'"
	else
		fail "${3:-value}: expected '$2', got '$1'"
	fi
}

# expect_ne ACTUAL UNEXPECTED [WHAT]
expect_ne() {
	if [ "$1" != "$2" ]; then
		log "ok: ${3:-value} = '$1' (not '$2')"
	else
		fail "${3:-value}: expected anything but '$2'"
	fi
}

# expect_match STRING PATTERN [WHAT]  (PATTERN is a shell glob)
expect_match() {
	case "$1" in
	$2) log "ok: ${3:-value} '$1' matches '$2'" ;;
	*) fail "${3:-value}: '$1' does not match '$2'" ;;
	esac
}

# expect_ok CMD...: CMD must exit 0. Its output is logged; kept in $OUT.
expect_ok() {
	OUT=$("$@" 2>&1)
	local rc=$?
	[ -n "$OUT" ] && printf '%s\n' "$OUT" | sed 's/^/    | /'
	[ "$rc" -eq 0 ] || fail "'$*' exited $rc: $(printf '%s' "$OUT" | tail -n 1)"
	log "ok: '$*' succeeded"
}

# expect_fail CMD...: CMD must exit non-zero. Output kept in $OUT.
expect_fail() {
	OUT=$("$@" 2>&1)
	local rc=$?
	[ -n "$OUT" ] && printf '%s\n' "$OUT" | sed 's/^/    | /'
	[ "$rc" -ne 0 ] || fail "'$*' succeeded but was expected to fail"
	log "ok: '$*' failed as expected (exit $rc)"
}

# expect_out PATTERN CMD...: CMD's output (any exit status) must contain
# a line matching the glob PATTERN.
expect_out() {
	local pat=$1 line found=
	shift
	OUT=$("$@" 2>&1)
	printf '%s\n' "$OUT" | sed 's/^/    | /'
	while IFS= read -r line; do
		case "$line" in $pat) found=1 ;; esac
	done <<EOF
$OUT
EOF
	[ -n "$found" ] || fail "'$*': no output line matches '$pat'"
	log "ok: '$*' printed '$pat'"
}

# expect_line PATTERN [TEXT]: TEXT (default: $OUT of the last expect_ok,
# expect_fail or expect_out) has a line matching the glob PATTERN.
expect_line() {
	local line found= text
	text=${2-$OUT}
	while IFS= read -r line; do
		case "$line" in $1) found=1 ;; esac
	done <<EOF
$text
EOF
	[ -n "$found" ] || fail "no output line matches '$1' in: $(printf '%s' "$text" | tr '\n' ';')"
	log "ok: output has '$1'"
}

# ------------------------------------------------------------ sysfs writes

# write_file FILE VALUE: write "VALUE\n" like `echo VALUE > FILE`; on
# failure returns non-zero with the errno name in $WRITE_ERRNO (ENODEV) and
# its text in $WRITE_ERR (No such device).
write_file() {
	local out
	out=$(write-file "$1" "$2")
	local rc=$?
	WRITE_ERRNO=${out%% *}
	WRITE_ERR=${out#* }
	return $rc
}

expect_write_ok() {
	write_file "$1" "$2" || fail "writing '$2' to $1: $WRITE_ERR"
	log "ok: wrote '$2' to $1"
}

# expect_write_fail FILE VALUE [ERRNO]: ERRNO is a name (ENODEV) or text
# (No such device); without it any failure will do.
expect_write_fail() {
	if write_file "$1" "$2"; then
		fail "writing '$2' to $1 succeeded but was expected to fail"
	fi
	if [ -n "$3" ] && [ "$WRITE_ERRNO" != "$3" ] && [ "$WRITE_ERR" != "$3" ]; then
		fail "writing '$2' to $1 failed with $WRITE_ERRNO ($WRITE_ERR), expected $3"
	fi
	log "ok: writing '$2' to $1 failed: $WRITE_ERRNO ($WRITE_ERR)"
}

# ------------------------------------------------------------ sysfs helpers

dev_path() {
	echo "$SYS_PCI/devices/$1"
}

driver_of() {
	local l
	l=$(readlink "$SYS_PCI/devices/$1/driver" 2>/dev/null) || return 0
	echo "${l##*/}"
}

# has_driver DEV: DEV is bound to a driver (for wait_until)
has_driver() {
	[ -n "$(driver_of "$1")" ]
}

group_of() {
	local l
	l=$(readlink "$SYS_PCI/devices/$1/iommu_group" 2>/dev/null) || return 1
	echo "${l##*/}"
}

# group_devices N: the devices of IOMMU group N, sorted, space separated
group_devices() {
	ls "/sys/kernel/iommu_groups/$1/devices" | sort | tr '\n' ' ' | sed 's/ $//'
}

# expected_group DEV...: the devices an IOMMU group of DEV... holds, as
# group_devices prints them. arm64 (tests/vm/README.md): up to 6.12 Linux
# on a device tree enables ACS on no port, so every port above DEV is in it;
# from 7.x only a switch's downstream port above DEV (QEMU's has no ACS).
expected_group() {
	local d up
	for d in "$@"; do
		echo "$d"
		[ "$(uname -m)" = aarch64 ] || continue
		up=$(readlink -f "$(dev_path "$d")/.." | tr / '\n' | grep -x '....:..:..\..')
		case "$(uname -r)" in
		[1-6].*) echo "$up" ;;
		*)	# an endpoint's downstream port (a root port has ACS)
			case "$(cat "$(dev_path "$d")/class")" in 0x0604*) continue ;; esac
			[ "$(echo "$up" | wc -l)" -gt 1 ] && echo "$up" | tail -n 1 ;;
		esac
	done | grep . | sort -u | tr '\n' ' ' | sed 's/ $//'
}

unbind() {
	[ -e "$SYS_PCI/devices/$1/driver" ] || return 0
	write_file "$SYS_PCI/devices/$1/driver/unbind" "$1"
}

bind() {
	write_file "$SYS_PCI/drivers/$2/bind" "$1"
}

# set_override DEV DRIVER ("" clears it)
set_override() {
	write_file "$SYS_PCI/devices/$1/driver_override" "$2"
}

# probe DEV: ask the bus to find a driver (drivers_probe)
probe() {
	write_file "$SYS_PCI/drivers_probe" "$1"
}

# vfio_bind DEV: unbind, driver_override=vfio-pci, drivers_probe.
vfio_bind() {
	unbind "$1" || return 1
	set_override "$1" vfio-pci || return 1
	probe "$1" || return 1
	[ "$(driver_of "$1")" = vfio-pci ]
}

# vfio_group_node DEV: /dev/vfio/<group> of DEV
vfio_group_node() {
	echo "/dev/vfio/$(group_of "$1")"
}

# rc_of SECONDS CMD...: run CMD bounded by SECONDS (timeout); its output in
# $OUT (logged, first 40 lines), its exit status in $RC. For commands that
# must neither hang nor be trusted to succeed.
rc_of() {
	local secs=$1
	shift
	OUT=$(timeout "$secs" "$@" 2>&1)
	RC=$?
	printf '%s\n' "$OUT" | head -n 40 | sed 's/^/    | /'
	log "'$*' exited $RC"
}

# wait_until SECONDS CMD...: poll CMD (every 0.1 s) until it succeeds;
# non-zero if it has not within SECONDS. The one polling loop: waits are
# for a condition, never a fixed sleep.
wait_until() {
	local n=$(( $1 * 10 ))
	shift
	until "$@" >/dev/null 2>&1; do
		n=$((n - 1))
		[ "$n" -gt 0 ] || return 1
		usleep 100000
	done
}

# wait_for_path PATH [SECONDS]: poll until PATH exists (default 10 s)
wait_for_path() {
	wait_until "${2:-10}" test -e "$1"
}

# wait_for_gone PATH [SECONDS]
wait_for_gone() {
	wait_until "${2:-10}" test ! -e "$1"
}

# ------------------------------------------------------------ host requests

# host_request HMP-COMMAND...: have the host run a QEMU monitor command
# (device_add, device_del, netdev_add, netdev_del, info ...). Returns 0 when
# the host reports success; the monitor's output is in $HOST_REPLY. Call it
# directly, not inside $(...) or expect_ok, or $HOST_REPLY is lost.
host_request() {
	local kind seq status rest n=0 id
	id=$(( $(cat "$DG_REQ_SEQ_FILE" 2>/dev/null || echo 0) + 1 ))
	echo "$id" >"$DG_REQ_SEQ_FILE"
	log "host request $id: $*"
	printf 'REQ %s %s\n' "$id" "$*" >&7
	while [ "$n" -lt 60 ]; do
		if ! read -t 1 -r kind seq status rest <&7; then
			n=$((n + 1))
			continue
		fi
		[ "$kind" = REP ] && [ "$seq" = "$id" ] || continue
		HOST_REPLY=$rest
		log "host reply $seq: $status $rest"
		[ "$status" = ok ]
		return
	done
	HOST_REPLY="no reply from the host within 60 s"
	log "host request $id: $HOST_REPLY"
	return 1
}

# hotplug_add ID DEVICE-TYPE [EXTRA-PROPS]: plug a device into the free root
# port (QEMU id hp1); once the guest sees it, its address is in $HOTPLUG_BDF.
# On failure the reason is in $HOST_REPLY.
hotplug_add() {
	local d n=300
	HOTPLUG_BDF=
	host_request "device_add $2,bus=hp1,id=$1${3:+,$3}" || return 1
	while [ "$n" -gt 0 ]; do
		for d in "$HOTPLUG_PORT_PATH"/????:??:??.?; do
			# the bus link comes after the device's own directory
			if [ -e "$d/vendor" ] && [ -e "$SYS_PCI/devices/${d##*/}" ]; then
				HOTPLUG_BDF=${d##*/}
				return 0
			fi
		done
		n=$((n - 1))
		usleep 100000
	done
	HOST_REPLY="device $1 did not appear under $HOTPLUG_PORT within 30 s"
	return 1
}

# hotplug_del ID BDF: unplug and wait until the guest has removed BDF.
# The bus link goes first (bus_remove_device) and the device's own directory
# later in device_del(), so wait for the directory itself.
# unplug_accepted ID: device_del ID, false while QEMU says the guest is
# busy; any other refusal ends the wait with UNPLUG_ERR set
unplug_accepted() {
	host_request "device_del $1" && return 0
	case "$HOST_REPLY" in
	*"power indicator blinking"*) return 1 ;;
	esac
	UNPLUG_ERR=$HOST_REPLY
}

hotplug_del() {
	local dir
	dir=$(readlink -f "$SYS_PCI/devices/$2")
	# QEMU refuses while the slot's power indicator still blinks from the
	# plug (pciehp's 5 s; longer under a slow TCG, seen on arm64)
	UNPLUG_ERR=
	wait_until 30 unplug_accepted "$1" || return 1
	[ -z "$UNPLUG_ERR" ] || { HOST_REPLY=$UNPLUG_ERR; return 1; }
	wait_for_gone "$dir" 30 && return 0
	HOST_REPLY="$2 still present 30 s after device_del"
	return 1
}

# ------------------------------------------------------------ topology

# Find the devices of the fixed topology by vendor:device and position:
#  SHARED_A SHARED_B  the two e1000 (8086:100e) behind the PCIe-to-PCI bridge
#                     (arm64: two functions on a PCIe switch port)
#  SHARED_BRIDGE      that bridge (arm64: that port), in the same group
#  ISOLATED           the single-function e1000e (8086:10d3)
#  MF_A MF_B          functions 0 and 1 of the multi-function e1000e slot
#  HOTPLUG_PORT       the empty PCIe root port (QEMU id hp1)
dg_discover() {
	local d bdf id parent slot
	SHARED_A= SHARED_B= SHARED_BRIDGE= ISOLATED= MF_A= MF_B= HOTPLUG_PORT=
	for d in $(ls -d $SYS_PCI/devices/* | sort); do
		bdf=${d##*/}
		id="$(cat "$d/vendor"):$(cat "$d/device")"
		parent=$(readlink -f "$d/..")
		parent=${parent##*/}
		slot=${bdf%.*}
		case "$id" in
		0x8086:0x100e)
			if [ -z "$SHARED_A" ]; then SHARED_A=$bdf SHARED_BRIDGE=$parent
			elif [ -z "$SHARED_B" ]; then SHARED_B=$bdf; fi ;;
		0x8086:0x10d3)
			if [ -e "$SYS_PCI/devices/$slot.1" ]; then
				[ "$bdf" = "$slot.0" ] && MF_A=$bdf
				[ "$bdf" = "$slot.1" ] && MF_B=$bdf
			elif [ "$bdf" = "$slot.0" ]; then
				ISOLATED=$bdf
			fi ;;
		esac
		case "$(cat "$d/class")" in
		0x0604*)
			if [ "$parent" = pci0000:00 ] && ! ls -d "$d"/????:??:??.? >/dev/null 2>&1
			then
				HOTPLUG_PORT=$bdf
			fi ;;
		esac
	done
	HOTPLUG_PORT_PATH=$(readlink -f "$SYS_PCI/devices/$HOTPLUG_PORT" 2>/dev/null)
	export SHARED_A SHARED_B SHARED_BRIDGE ISOLATED MF_A MF_B HOTPLUG_PORT \
		HOTPLUG_PORT_PATH
	log "topology: SHARED_A=$SHARED_A SHARED_B=$SHARED_B" \
		"SHARED_BRIDGE=$SHARED_BRIDGE ISOLATED=$ISOLATED MF_A=$MF_A" \
		"MF_B=$MF_B HOTPLUG_PORT=$HOTPLUG_PORT"
	DG_DISCOVER_ERR=
	for role in SHARED_A SHARED_B SHARED_BRIDGE ISOLATED MF_A MF_B HOTPLUG_PORT; do
		eval "[ -n \"\$$role\" ]" ||
			DG_DISCOVER_ERR="${DG_DISCOVER_ERR:-topology: no device found for} $role"
	done
	[ -z "$DG_DISCOVER_ERR" ]
}

# bounded WHAT CMD...: CMD ends within 60 s, neither killed nor crashed
bounded() {
	local what=$1
	shift
	rc_of 60 "$@"
	[ "$RC" -ne 124 ] || fail "$what hung (killed after 60 s)"
	[ "$RC" -lt 128 ] || fail "$what died of signal $((RC - 128))"
	[ "$RC" -le 2 ] || fail "$what exited $RC"
}
