# Locks, privilege and an idempotent unload, in a bpffs root writable by
# everyone (mode 1777): uid 1000 holding flock() on the bpffs root blocks
# neither run, reload nor unload; uid 1000 cannot lock what dmaguard locks;
# `run` as uid 1000 says it needs root (exit 1, not 3: the kernel lacks
# nothing); `unload` with nothing pinned exits 0.
# vm: timeout=300
. /vm/dmaguard.sh
P=$DG_PIN
expect_ok chmod 1777 /sys/fs/bpf
policy "deny bind device=$SHARED_A"
expect_ok unbind "$SHARED_A"


# run as uid 1000: needs root, exit 1, nothing created
cp "$DG_POLICY" /tmp/user.conf
chmod 644 /tmp/user.conf
rc_of 40 as-user 1000 dmaguard run --policy /tmp/user.conf --output /tmp/user.ev
expect_eq "$RC" 1 "exit status of run as uid 1000"
expect_line "*needs root*CAP_BPF*"
expect_fail test -e "$P"
expect_fail test -e "$P-new"

# unload with nothing pinned: exit 0, says so
rc_of 40 dmaguard unload
expect_eq "$RC" 0 "exit status of unload with nothing pinned"
expect_line "*nothing is pinned at $P*"

# uid 1000 holds flock() on the bpffs root for as long as it likes
as-user 1000 -l /sys/fs/bpf sleep 600 &
holder=$!
n=100
until grep -q "FLOCK.* $holder " /proc/locks; do
	kill -0 "$holder" 2>/dev/null || fail "the lock holder exited"
	n=$((n - 1))
	[ "$n" -gt 0 ] || fail "uid 1000 did not get the lock on /sys/fs/bpf in 10 s"
	usleep 100000
done
log "ok: uid 1000 (pid $holder) holds flock() on /sys/fs/bpf"

dg_start
expect_eq "$(stat -c '%u %a' "$P")" "0 700" "owner and mode of $P"
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
# nothing dmaguard locks can be locked by uid 1000
for d in "$P" "$P/links" "$P-lock"; do
	[ -e "$d" ] || continue
	expect_fail as-user 1000 -l "$d" true
done
rc_of 60 dmaguard reload --policy "$DG_POLICY"
expect_eq "$RC" 0 "exit status of reload while uid 1000 holds the bpffs root"
dg_stop
rc_of 60 dmaguard unload
expect_eq "$RC" 0 "exit status of unload while uid 1000 holds the bpffs root"
expect_fail test -e "$P"
expect_eq "$(bpf_prog_count)" 0 "BPF programs after unload"
expect_write_ok /sys/bus/pci/drivers/e1000/bind "$SHARED_A"
kill "$holder"
