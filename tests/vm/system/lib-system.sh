# Helpers of the system scenarios (sourced after guest/lib.sh, by dash).

# The service's output, one line per journal entry: each event (an entry
# with DMAGUARD_* fields, dmaguard(8) JOURNAL) as the JSON line run
# --json would write, rebuilt from those fields in the schema's order, so
# REGEXes over the JSON form check the journal's fields; any other entry
# (run's messages on stderr) as its MESSAGE.
dg_journal() {
	journalctl -b -u dmaguard.service -o json --no-pager | dg_json_events
}

# stdin: journalctl -o json; stdout: dg_journal's lines.
dg_json_events() {
	awk '
	BEGIN {
		n = split("schema ts host seq type verdict reason rule device id class group " \
			"driver dma map count result pid comm uid unsequenced", order, " ")
		split("schema seq group count result pid uid unsequenced", b, " ")
		for (i in b)
			bare[b[i]] = 1
	}
	{
		split("", val)
		extra = ""
		rest = $0
		while (match(rest, /"DMAGUARD_[A-Z0-9_]+":"([^"\\]|\\.)*"/)) {
			f = substr(rest, RSTART + 10, RLENGTH - 10)
			rest = substr(rest, RSTART + RLENGTH)
			k = tolower(substr(f, 1, index(f, "\"") - 1))
			v = substr(f, length(k) + 3)
			if (k in bare)
				v = substr(v, 2, length(v) - 2)
			val[k] = v
			known = 0
			for (i = 1; i <= n; i++)
				if (order[i] == k)
					known = 1
			if (!known)
				extra = extra ",\"" k "\":" v
		}
		if ("type" in val) {
			out = ""
			for (i = 1; i <= n; i++)
				if (order[i] in val)
					out = out (out == "" ? "" : ",") "\"" order[i] "\":" val[order[i]]
			print "{" out extra "}"
		} else if (match($0, /"MESSAGE":"([^"\\]|\\.)*"/)) {
			m = substr($0, RSTART + 11, RLENGTH - 12)
			gsub(/\\"/, "\"", m)
			gsub(/\\\\/, "\\", m)
			print m
		}
	}'
}

# has_event REGEX: some line of dg_journal matches REGEX.
has_event() {
	dg_journal | grep -Eq "$1"
}

# dg_entries FIELD=VALUE...: dmaguard.service's journal entries of this
# boot with those fields, as journalctl -o json lines (journald's own match).
dg_entries() {
	journalctl -b -u dmaguard.service -o json --no-pager "$@"
}

# json_field NAME: the string value of field NAME in the JSON entry on stdin.
json_field() {
	sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" | head -n 1
}

# systemd's own monotonic time (usec) of a unit state change:
# unit_usec UNIT PROPERTY (ActiveEnterTimestampMonotonic, ...).
unit_usec() {
	systemctl show -P "$2" "$1"
}

# journal_usec MESSAGE_ID UNIT TEXT: __MONOTONIC_TIMESTAMP of the first
# entry of PID 1 with that MESSAGE_ID about UNIT in this boot, or, when
# journald was not up yet (a boot from disk starts it after the root is
# mounted), of the first entry it took from the kernel log whose MESSAGE
# starts with TEXT; empty if none.
# 7d4958e8...: "Starting UNIT", 39f53479...: "Started UNIT" (job done).
journal_usec() {
	local usec
	usec=$(journalctl -b -o json --no-pager _PID=1 MESSAGE_ID="$1" UNIT="$2" |
		head -n 1 |
		sed -n 's/.*"__MONOTONIC_TIMESTAMP":"\([0-9]*\)".*/\1/p')
	[ -n "$usec" ] || usec=$(journalctl -b -o json --no-pager _TRANSPORT=kernel \
		SYSLOG_IDENTIFIER=systemd | grep -F "\"MESSAGE\":\"$3" | head -n 1 |
		sed -n 's/.*"__MONOTONIC_TIMESTAMP":"\([0-9]*\)".*/\1/p')
	echo "$usec"
}

MSG_STARTING=7d4958e842da4a758f6c1cdc7b36dcc5
MSG_STARTED=39f53479d3a045ac8e11786248231fbf

# expect_ready_before_trigger: dmaguard.service was started (READY=1 for a
# Type=notify unit) before systemd-udev-trigger.service began starting,
# by systemd's record and by the journal's.
expect_ready_before_trigger() {
	local ready trig jready jtrig
	ready=$(unit_usec dmaguard.service ActiveEnterTimestampMonotonic)
	trig=$(unit_usec systemd-udev-trigger.service InactiveExitTimestampMonotonic)
	log "systemd: dmaguard active at $ready us, udev trigger starting at $trig us"
	[ -n "$ready" ] && [ "$ready" -gt 0 ] && [ -n "$trig" ] && [ "$trig" -gt 0 ] ||
		fail "no timestamps from systemctl show (ready='$ready' trigger='$trig')"
	[ "$ready" -lt "$trig" ] ||
		fail "dmaguard ready at $ready us, after udev trigger started at $trig us"
	jready=$(journal_usec $MSG_STARTED dmaguard.service "Started dmaguard.service")
	jtrig=$(journal_usec $MSG_STARTING systemd-udev-trigger.service "Starting systemd-udev-trigger.service")
	log "journal: 'Started dmaguard' at $jready us, 'Starting udev trigger' at $jtrig us"
	[ -n "$jready" ] && [ -n "$jtrig" ] ||
		fail "journal lacks the start entries (started='$jready' starting='$jtrig')"
	[ "$jready" -lt "$jtrig" ] ||
		fail "journal: dmaguard started at $jready us, after udev trigger at $jtrig us"
	log "ok: dmaguard was ready before systemd-udev-trigger.service started"
}

# expect_bound DEV DRIVER [SECS]: DEV gets DRIVER (coldplug may still run).
expect_bound() {
	wait_until "${3:-60}" has_driver "$1" ||
		fail "$1 not bound after ${3:-60} s (driver '$(driver_of "$1")')"
	expect_eq "$(driver_of "$1")" "$2" "driver of $1"
}

# dmaguard's programs in the kernel: "ID TYPE NAME" lines from bpf-progs
# of tracing and LSM programs (systemd's own are cgroup programs).
dg_progs() {
	bpf-progs | awk '$2 == "tracing" || $2 == "lsm"' | sort -n
}

# expect_no_duplicate_programs: no program name is loaded twice.
expect_no_duplicate_programs() {
	local dup
	dup=$(dg_progs | awk '{print $3}' | sort | uniq -d)
	[ -z "$dup" ] || fail "programs loaded twice: $dup ($(dg_progs | tr '\n' ';'))"
	log "ok: $(dg_progs | wc -l) programs, none twice"
}

# wait_secs SECS CMD...: wait_until by the clock, for commands that take
# long under TCG themselves (journalctl): wait_until counts 0.1 s polls.
wait_secs() {
	local end=$(( $(cut -d. -f1 /proc/uptime) + $1 ))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$(cut -d. -f1 /proc/uptime)" -lt "$end" ] || return 1
		usleep 200000
	done
}

# expect_enforced_from_initramfs: this boot came up from the virtio disk
# through the initramfs update-initramfs built, dmaguard's init-top script
# pinned the policy there (before e1000e, loaded in the initramfs, probed
# ISOLATED), and dmaguard.service took over those pins: the same programs,
# the one bpffs mount systemd found in place, and the DENY event the
# initramfs stage left in the ring buffer in the journal, with no loss.
expect_enforced_from_initramfs() {
	local deny first_probe systemd_start
	expect_out "/dev/vda / ext4 *" cat /proc/mounts
	expect_ok test -s /run/initramfs/dmaguard.log
	expect_line "*enforcement pinned in /sys/fs/bpf/dmaguard*" "$(cat /run/initramfs/dmaguard.log)"
	# e1000e probed in the initramfs: its lines come before systemd's first
	first_probe=$(dmesg | grep -n 'e1000e 0000:' | head -n 1 | cut -d: -f1)
	systemd_start=$(dmesg | grep -n 'systemd\[1\]: systemd .* running in system mode' | head -n 1 | cut -d: -f1)
	log "dmesg: first e1000e line $first_probe, systemd's start line $systemd_start"
	[ -n "$first_probe" ] && [ -n "$systemd_start" ] ||
		fail "dmesg lacks e1000e's or systemd's start line"
	[ "$first_probe" -lt "$systemd_start" ] ||
		fail "e1000e probed after switch_root (line $first_probe, systemd at $systemd_start): not an initramfs probe"
	expect_bound "$MF_A" e1000e
	expect_bound "$MF_B" e1000e
	expect_bound "$SHARED_A" e1000
	expect_bound "$SHARED_B" e1000
	expect_eq "$(driver_of "$ISOLATED")" "" "driver of ISOLATED"
	# one bpffs, the initramfs's, moved to the real root with /sys
	expect_eq "$(grep -c ' /sys/fs/bpf ' /proc/self/mountinfo)" 1 "bpffs mounts on /sys/fs/bpf"
	expect_ok systemctl is-active dmaguard.service
	wait_secs 60 has_event "reusing pinned enforcement in /sys/fs/bpf/dmaguard" ||
		fail "dmaguard.service did not reuse the initramfs's pins: $(dg_journal | head -3 | tr '\n' ';')"
	deny='"verdict":"deny".*"rule":"/etc/dmaguard/policy.conf:5".*"device":"0000:03:00.0".*"driver":"e1000e"'
	wait_secs 60 has_event "$deny" ||
		fail "no DENY event from the initramfs stage in the journal: $(dg_journal | tail -5 | tr '\n' ';')"
	log "ok: $(dg_journal | grep -E "$deny" | head -1)"
	if has_event '"type":"lost"'; then
		fail "events lost across switch_root: $(dg_journal | grep '"lost"' | head -2)"
	fi
	expect_no_duplicate_programs
	expect_ready_before_trigger
	# and by hand, after boot, it stays denied
	expect_write_fail /sys/bus/pci/drivers/e1000e/bind "$ISOLATED"
}

# expect_coldplug_done: the e1000e functions bound and udev settled. A bind
# by hand while e1000e still probed a sibling failed on trixie with ENOENT
# before any probe: the kernel creates a driver's bind and unbind files
# only after its registration has probed every matching device
# (bus_add_driver(): driver_attach(), then add_bind_files()), so while
# modprobe e1000e is still probing there is no bind file to open.
expect_coldplug_done() {
	expect_bound "$MF_A" e1000e
	expect_bound "$MF_B" e1000e
	expect_ok udevadm settle --timeout=60
}

# expect_field ENTRY NAME VALUE: the JSON entry has field NAME = VALUE
expect_field() {
	expect_eq "$(printf '%s\n' "$1" | json_field "$2")" "$3" "$2"
}
