# An unprivileged user (uid 1000) against a VFIO group only exe= may open,
# and an administrator who names the program by a symbolic link.
# - a memfd copy (fexecve) has no exe: denied;
# - a symlinked directory on the way reaches the file itself: allowed,
#   named by its own path (the same program);
# - a directory name with a newline is reported escaped;
# - exe= names who runs nothing: any user who may run the program opens
#   (dmaguard.policy(5): pair exe with uid or cgroup), and a uid= with it
#   holds;
# - an exe= that is a symbolic link matches nothing, and check says so;
# - prctl(PR_SET_MM, PR_SET_MM_MAP) in the user's own user namespace
#   replaces the process's executable with the allowed file without running
#   it: that open must be denied.
. /vm/dmaguard.sh
vfio_open_setup
hold=$(readlink -f /bin/vfio-hold)
echo 'qemu-test:x:64055:64056::/nonexistent:/bin/false' >>/etc/passwd

policy "default open deny
allow open group=$g exe=$hold
allow open group=$g exe=/opt/pair/vfio-hold uid=qemu-test
allow open group=$g exe=/usr/bin/kvm"
mkdir -p /usr/bin /opt/pair
ln -sf "$hold" /usr/bin/kvm
expect_out "$DG_POLICY:4:*: warning: exe=/usr/bin/kvm: /usr/bin/kvm is $hold on this host*" \
	dmaguard check "$DG_POLICY"
dg_start --all

# exe alone: whoever may run the program opens
expect_ok as-user 1000 vfio-hold -o "$node"
expect_line 'open=ok'
expect_event "\"verdict\":\"allow\",\"reason\":\"rule\",\"rule\":\"$DG_POLICY:2\".*\"uid\":1000,.*\"exe\":\"$hold\"" "exe alone allows any user"

# a memfd copy is on no mount: no exe
expect_fail as-user 1000 exe-swap -m "$hold" -o "$node"
expect_line 'open=EPERM*'
expect_event "\"verdict\":\"deny\",\"reason\":\"default\".*\"uid\":1000,\"cgroup\":\"/\"}" "memfd copy denied, no exe"

# a symlinked directory: the path is the file's own
ln -s "$(dirname "$hold")" /tmp/bindir
expect_ok as-user 1000 /tmp/bindir/vfio-hold -o "$node"
expect_line 'open=ok'

# a copy in a directory whose name holds a newline: denied, escaped
odd=$(printf '/opt/a\nb"c')
mkdir -p "$odd"
cp "$hold" "$odd/vfio-hold"
expect_fail "$odd/vfio-hold" -o "$node"
expect_line 'open=EPERM*'
expect_event '"verdict":"deny".*"exe":"/opt/a\\nb\\"c/vfio-hold"' "odd bytes escaped"

# exe paired with uid: another user running the file is denied
cp "$hold" /opt/pair/vfio-hold
expect_ok /opt/pair/vfio-hold -o -u 64055 -g 64055 "$node"
expect_line 'open=ok'
expect_fail as-user 1000 /opt/pair/vfio-hold -o "$node"
expect_line 'open=EPERM*'

# the admin's symbolic link: run through it, the program is $hold (rule 2),
# never /usr/bin/kvm (rule 4)
expect_ok /usr/bin/kvm -o "$node"
expect_event "\"verdict\":\"allow\",\"reason\":\"rule\",\"rule\":\"$DG_POLICY:2\".*\"uid\":0,.*\"exe\":\"$hold\"" "symlink reaches the file's own path"

# the executable replaced in the user's own user namespace
if ! as-user 1000 unshare -r true 2>/dev/null; then
	log "note: unprivileged user namespaces are off on $(uname -r): exe swap not run"
	dg_stop
	exit 0
fi
rc_of 10 as-user 1000 exe-swap "$hold" "$node"
case "$OUT" in
*userns=unsupported*)
	dg_stop
	skip "exe-swap's raw PR_SET_MM_MAP is written for x86-64 only (everything before it passed)" ;;
esac
expect_line 'userns=ok'
expect_line 'prctl=ok'
expect_line 'open=EPERM*'
expect_event "\"verdict\":\"deny\",\"reason\":\"default\".*\"comm\":\"exe-swap\",\"uid\":1000,\"cgroup\":\"/\"}" "swapped exe denied, no exe"
dg_stop
