# A policy that someone other than root could have written or replaced is
# refused by run and reload with exit 2, naming the path, and nothing in
# force is touched (dmaguard.policy(5), FILE PERMISSIONS).
. /vm/dmaguard.sh

# untrusted_reload WHAT FILE GLOB: reload refuses FILE with a message matching GLOB
untrusted_reload() {
	dmaguard reload --policy "$2" >/tmp/untrusted.out 2>&1
	rc=$?
	sed 's/^/    | /' /tmp/untrusted.out
	expect_eq "$rc" 2 "exit code of reload with $1"
	expect_out "$3" cat /tmp/untrusted.out
}

# a good policy in a directory every user may write: run refuses it
mkdir -p /run/shared
chmod 0777 /run/shared
printf 'deny bind device=%s\n' "$SHARED_A" >/run/shared/p.conf
chmod 644 /run/shared/p.conf
# (in the background: a run that took it would enforce until killed)
dmaguard run --policy /run/shared/p.conf >/tmp/run.out 2>&1 &
pid=$!
wait_until 30 sh -c "! kill -0 $pid 2>/dev/null || grep -q '^dmaguard run: enforcing' /tmp/run.out"
if kill -0 "$pid" 2>/dev/null; then
	kill -KILL "$pid"
	wait "$pid"
	sed 's/^/    | /' /tmp/run.out
	fail "run took a policy in a world-writable directory"
fi
wait "$pid"
rc=$?
sed 's/^/    | /' /tmp/run.out
expect_eq "$rc" 2 "exit code of run with a policy in a world-writable directory"
expect_out "dmaguard run: /run/shared/p.conf: refusing the policy: directory /run/shared is writable by every user (owner root, mode 0777); fix: chmod go-w /run/shared" \
	cat /tmp/run.out
[ ! -e "$DG_PIN" ] || fail "run left $DG_PIN behind"

# enforce a deny rule, then try to replace it with untrusted allow-all policies
policy "deny bind device=$SHARED_A"
expect_ok unbind "$SHARED_A"
dg_start
: >/run/empty.conf
chmod 644 /run/empty.conf

# the attack: the other user swaps the file for a link to an empty root file
rm /run/shared/p.conf
ln -s /run/empty.conf /run/shared/p.conf
untrusted_reload "a link in a world-writable directory" /run/shared/p.conf \
	"*directory /run/shared is writable by every user*"

mkdir -p /etc/dmaguard
cp /run/empty.conf /etc/dmaguard/user.conf
chown 1000:1000 /etc/dmaguard/user.conf
untrusted_reload "a file of uid 1000" /etc/dmaguard/user.conf \
	"*file /etc/dmaguard/user.conf is owned by uid 1000 (mode 0644)*chown root /etc/dmaguard/user.conf"

ln -s /run/empty.conf /tmp/user-link.conf
chown -h 1000:1000 /tmp/user-link.conf
untrusted_reload "a link of uid 1000 in /tmp" /tmp/user-link.conf \
	"*/tmp/user-link.conf is owned by uid 1000, who may replace it in the sticky directory /tmp*"

mkfifo /etc/dmaguard/fifo.conf
untrusted_reload "a FIFO" /etc/dmaguard/fifo.conf "*is a FIFO (expected a regular file)"

# the first policy is still in force
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"

# root's own file in root's sticky /tmp is trusted
cp /run/empty.conf /tmp/root.conf
expect_ok dmaguard reload --policy /tmp/root.conf
expect_write_ok /sys/bus/pci/drivers/e1000/bind "$SHARED_A"
dg_stop
