# With dmaguard running, `status` takes group owners from the pinned groups
# map that the BPF programs keep ("owner_source":"map"): kernel for the
# e1000 group, none once the e1000e is on vfio-pci, user with the claiming
# process while vfio-hold holds the group, none again after it exits. The
# map outlives `run`; after `unload` status derives owners from sysfs again.

. /vm/status-json.sh

summary() {
	dmaguard status --json | json_group_summary "$1"
}

printf 'mode enforce\n' >/tmp/allow.conf
chmod 600 /tmp/allow.conf
dmaguard run --policy /tmp/allow.conf >/tmp/events 2>/tmp/run.err &
daemon=$!
wait_until 20 grep -q '^dmaguard run: enforcing' /tmp/run.err
sed 's/^/    | /' /tmp/run.err
expect_ok test -e /sys/fs/bpf/dmaguard/groups

shared=$(group_of "$SHARED_A")
expect_eq "$(summary "$shared")" \
	"owner=kernel pid=- comm=- source=map viable=false blocker=$SHARED_A/e1000" \
	"summary of the shared group $shared"

expect_ok vfio_bind "$ISOLATED"
g=$(group_of "$ISOLATED")
expect_ok wait_for_path "/dev/vfio/$g" 5
expect_eq "$(summary "$g")" "owner=none pid=- comm=- source=map viable=true blocker=-" \
	"summary of group $g on vfio-pci"

vfio-hold -H -r /tmp/held "/dev/vfio/$g" >/tmp/holder.out 2>&1 &
holder=$!
expect_ok wait_for_path /tmp/held 10
expect_eq "$(summary "$g")" \
	"owner=user pid=$holder comm=vfio-hold source=map viable=true blocker=-" \
	"summary of group $g while vfio-hold holds it"
expect_out "group $g: owner user (pid $holder vfio-hold), viable" dmaguard status
kill "$holder"
wait "$holder"
expect_eq "$(summary "$g")" "owner=none pid=- comm=- source=map viable=true blocker=-" \
	"summary of group $g after the holder exited"

expect_ok unbind "$ISOLATED"
expect_ok set_override "$ISOLATED" ""
expect_ok probe "$ISOLATED"
expect_eq "$(summary "$g")" \
	"owner=kernel pid=- comm=- source=map viable=false blocker=$ISOLATED/e1000e" \
	"summary of group $g back on e1000e"

# The map stays after run exits; unload removes it.
kill "$daemon"
wait "$daemon"
expect_eq "$(summary "$shared" | sed 's/.*source=\([a-z]*\).*/\1/')" map \
	"owner source after run exited"
expect_ok dmaguard unload
expect_eq "$(summary "$shared")" \
	"owner=kernel pid=- comm=- source=sysfs viable=false blocker=$SHARED_A/e1000" \
	"summary of the shared group after unload"
