# An unprivileged user cannot take enforcement away by squatting the pin
# directory's names in a bpffs root writable by everyone (mode 1777, what a
# plain `mount -t bpf bpf /sys/fs/bpf` gives): a squatted DIR-new or DIR
# makes `run` refuse, naming the owner; a squatted DIR-old does not stop
# `unload`; what `run` pins is root's alone (0700), so uid 1000 cannot
# unpin it and the denied bind stays denied. Every dmaguard command here is
# bounded: none may block.
# vm: timeout=420
. /vm/dmaguard.sh
P=$DG_PIN
expect_ok chmod 1777 /sys/fs/bpf
policy "deny bind device=$SHARED_A"
expect_ok unbind "$SHARED_A"


# uid 1000 tries every way to take the pins away
user_attack() {
	as-user 1000 sh -c "rm -rf $P/links/* $P/progs/* $P/links $P/progs; mv $P $P-x; rm -rf $P" 2>&1 |
		sed 's/^/    | /'
}

expect_denied() {
	expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
}

# root's own pins: DIR, links/ and progs/ root-owned, mode 0700
expect_root_only() {
	expect_eq "$(stat -c '%u %a' "$P" "$P/links" "$P/progs" | tr '\n' ' ')" \
		"0 700 0 700 0 700 " "owner and mode of $P, links/, progs/"
}

# 1. DIR-new squatted before root's first run, with things in it the
#    removal cannot unlink (subdirectories): run refuses, naming the owner.
as-user 1000 sh -c "mkdir -m777 $P-new $P-new/links $P-new/progs $P-new/x $P-new/links/x $P-new/progs/x" ||
	fail "uid 1000 could not squat $P-new"
rc_of 40 dmaguard run --policy "$DG_POLICY" --output /tmp/ev1
expect_eq "$RC" 1 "exit status of run with $P-new squatted"
expect_line "*$P-new*uid 1000*"
expect_line "*warning*/sys/fs/bpf*writable*mode=0700*"
expect_fail test -e "$P"
expect_ok rm -rf "$P-new"

# a stale DIR-new of root's (a crash while loading) is cleared by run
expect_ok mkdir -m 700 "$P-new" "$P-new/links" "$P-new/progs"
dg_start
expect_out '*warning*/sys/fs/bpf*writable by others*mode=0700*' cat "$DG_LOG"
expect_root_only
expect_fail test -e "$P-new"
expect_fail as-user 1000 -l "$P" true
user_attack
expect_denied
expect_root_only
rc_of 60 dmaguard reload --policy "$DG_POLICY"
expect_eq "$RC" 0 "exit status of reload"
dg_stop

# 2. DIR-old squatted (non-empty): unload still detaches everything, and
#    names the squatter it left alone.
as-user 1000 sh -c "mkdir -m777 $P-old $P-old/x" || fail "uid 1000 could not squat $P-old"
rc_of 60 dmaguard unload
expect_eq "$RC" 0 "exit status of unload with $P-old squatted"
expect_line "*$P-old*uid 1000*"
expect_fail test -e "$P"
expect_eq "$(bpf_prog_count)" 0 "BPF programs after unload"
expect_ok test -d "$P-old/x"
expect_write_ok /sys/bus/pci/drivers/e1000/bind "$SHARED_A"
expect_ok unbind "$SHARED_A"
expect_ok rm -rf "$P-old"

# 3. DIR itself squatted: run, reload and unload refuse, naming the owner,
#    and touch nothing of it.
as-user 1000 sh -c "mkdir -m777 $P $P/links $P/progs" || fail "uid 1000 could not squat $P"
rc_of 40 dmaguard run --policy "$DG_POLICY" --output /tmp/ev3
expect_eq "$RC" 1 "exit status of run with $P squatted"
expect_line "*$P*uid 1000*"
rc_of 40 dmaguard reload --policy "$DG_POLICY"
expect_eq "$RC" 1 "exit status of reload with $P squatted"
expect_line "*$P*uid 1000*"
rc_of 40 dmaguard unload
expect_eq "$RC" 1 "exit status of unload with $P squatted"
expect_line "*$P*uid 1000*"
expect_ok test -d "$P/links"
expect_ok rm -rf "$P"

# and once the administrator removed it, enforcement holds against uid 1000
dg_start
expect_root_only
user_attack
expect_denied
dg_stop
rc_of 60 dmaguard unload
expect_eq "$RC" 0 "exit status of the final unload"
expect_eq "$(bpf_prog_count)" 0 "BPF programs after the final unload"
