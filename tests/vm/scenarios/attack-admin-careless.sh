# What a careless administrator does, in a bpffs root mounted without
# mode= (1777): a --pin-dir under uid 1000's directory is refused, naming
# the owner; a --pin-dir under /tmp (not bpffs) is refused; a relative
# --pin-dir is resolved and made root-only; a second `run` on the same
# pins is refused while the first streams; `unload` while `run` streams
# stops the daemon cleanly; `kill -9` of `run` while it starts leaves
# nothing a later `run` cannot take over, and the deny rule holds. No
# command blocks.
# vm: timeout=420
. /vm/dmaguard.sh
P=$DG_PIN
expect_ok chmod 1777 /sys/fs/bpf
policy "deny bind device=$SHARED_A"
expect_ok unbind "$SHARED_A"


# --pin-dir under a directory uid 1000 made in the bpffs root
expect_ok as-user 1000 mkdir -m 777 /sys/fs/bpf/user
rc_of 40 dmaguard run --policy "$DG_POLICY" --pin-dir /sys/fs/bpf/user/dg --output /tmp/ev1
expect_eq "$RC" 1 "exit status of run --pin-dir under uid 1000's directory"
expect_line "*/sys/fs/bpf/user*uid 1000*"
expect_fail test -e /sys/fs/bpf/user/dg
# the same through a link of uid 1000's in /tmp
expect_ok as-user 1000 ln -s /sys/fs/bpf /tmp/bpf
rc_of 40 dmaguard run --policy "$DG_POLICY" --pin-dir /tmp/bpf/dg --output /tmp/ev1b
# (refused by the kernel's fs.protected_symlinks before dmaguard looks:
# the message then blames bpffs; without it the real path is walked)
expect_ne "$RC" 0 "exit status of run --pin-dir through uid 1000's link"
expect_fail test -e /sys/fs/bpf/dg

# DIR-lock squatted before root's first run: refused at once, naming the
# owner (not waited on, not reused)
expect_ok as-user 1000 mkdir -m 777 "$P-lock"
rc_of 60 dmaguard run --policy "$DG_POLICY" --output /tmp/ev-lock
expect_eq "$RC" 1 "exit status of run with $P-lock squatted"
expect_line "*$P-lock*uid 1000*"
expect_fail test -e "$P"
# unload (nothing pinned) refuses too, naming the squatter: a stop action
# the user can make fail (logged; the man page's "nothing pinned exits 0"
# does not say which wins)
rc_of 60 dmaguard unload
[ "$RC" -le 1 ] || fail "unload with $P-lock squatted exited $RC"
[ "$RC" -eq 0 ] || expect_line "*$P-lock*uid 1000*"
expect_ok test -d "$P-lock"
expect_ok rmdir "$P-lock"

# --pin-dir on a filesystem that is not bpffs
rc_of 40 dmaguard run --policy "$DG_POLICY" --pin-dir /tmp/pins --output /tmp/ev2
expect_ne "$RC" 0 "exit status of run --pin-dir /tmp/pins"
expect_line "*/tmp is not on a BPF filesystem*"
expect_fail test -e /tmp/pins

# a relative --pin-dir: resolved from the working directory, root-only
cd /sys/fs/bpf || fail "cd /sys/fs/bpf"
dmaguard run --policy "$DG_POLICY" --pin-dir rel --output /tmp/ev3 >/tmp/rel.log 2>&1 &
rel=$!
cd / || fail "cd /"
wait_until 60 grep -q '^dmaguard run: enforcing' /tmp/rel.log ||
	fail "run --pin-dir rel did not start: $(cat /tmp/rel.log)"
expect_eq "$(stat -c '%u %a' /sys/fs/bpf/rel)" "0 700" "owner and mode of the relative pin dir"
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
kill -TERM "$rel"
wait "$rel"
expect_eq "$?" 0 "exit status of run --pin-dir rel on SIGTERM"
rc_of 60 dmaguard unload --pin-dir /sys/fs/bpf/rel
expect_eq "$RC" 0 "exit status of unload of the relative pin dir"
expect_eq "$(bpf_prog_count)" 0 "BPF programs after unload"

# two runs at once: the second is refused, the first keeps streaming
dg_start
rc_of 60 dmaguard run --policy "$DG_POLICY" --output /tmp/second
expect_eq "$RC" 1 "exit status of a second run"
expect_line "*another 'dmaguard run' is streaming*"
expect_ok kill -0 "$DG_PID"
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
expect_event '"type":"bind".*"verdict":"deny"' "deny event of the first run"

# unload while run streams: run stops by itself, exit 0, saying why
rc_of 60 dmaguard unload
expect_eq "$RC" 0 "exit status of unload while run streams"
wait_until 20 sh -c "! kill -0 $DG_PID 2>/dev/null" || fail "run kept running after unload"
wait "$DG_PID"
expect_eq "$?" 0 "exit status of run after unload"
expect_out "*was unloaded*" cat "$DG_LOG"
expect_fail test -e "$P"
expect_eq "$(bpf_prog_count)" 0 "BPF programs after unload"

# kill -9 of run while it starts, at several points; the next run takes over
for delay in 0 1 2 4 8; do
	: >/tmp/k.log
	dmaguard run --policy "$DG_POLICY" --output /tmp/ev-k >/tmp/k.log 2>&1 &
	k=$!
	n=$delay
	while [ "$n" -gt 0 ] && ! grep -q '^dmaguard run: enforcing' /tmp/k.log; do
		usleep 100000
		n=$((n - 1))
	done
	kill -KILL "$k"
	wait "$k" 2>/dev/null
	log "killed run after ~${delay}00 ms: $(tail -n 1 /tmp/k.log)"
	ls -la /sys/fs/bpf | sed 's/^/    | /'
	for d in /sys/fs/bpf/dmaguard*; do
		[ -e "$d" ] || continue
		expect_eq "$(stat -c '%u' "$d")" 0 "owner of $d"
		expect_fail as-user 1000 test -w "$d"
	done
done
dg_start
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
expect_fail test -e "$P-new"
dg_stop
rc_of 60 dmaguard unload
expect_eq "$RC" 0 "exit status of the final unload"
expect_eq "$(bpf_prog_count)" 0 "BPF programs after the final unload"
