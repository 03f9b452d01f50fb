# Who opens a VFIO group, beyond uid and comm: uid=/gid= names resolved
# from /etc/passwd and /etc/group at load, cgroup= (the opener's cgroup v2
# path) and exe= (its executable's path, walked in the kernel). comm is
# the process's own choice (PR_SET_NAME); exe is not, and neither a copy,
# a hard link nor a bind mount in a user's own mount namespace passes for
# the file a rule names.
. /vm/dmaguard.sh
vfio_open_setup
hold=$(readlink -f /bin/vfio-hold)
cp "$hold" /tmp/qemu
chmod 755 /tmp/qemu
echo 'qemu-test:x:64055:64056::/nonexistent:/bin/false' >>/etc/passwd
echo 'qemu-grp:x:64056:' >>/etc/group

policy "default open allow
allow open group=$g comm=vfio-hold exe=$hold
allow open group=$g uid=qemu-test gid=qemu-grp exe=/tmp/qemu
allow open group=$g cgroup=/machine.slice/*
deny open group=$g"
expect_out "$DG_POLICY:3:*: uid=qemu-test is uid 64055" dmaguard check "$DG_POLICY"
expect_line "$DG_POLICY:3:*: gid=qemu-grp is gid 64056"
dg_start --all

# by exe (and comm): the real file, also for another uid
expect_ok vfio-hold -o "$node"
expect_line 'open=ok'
expect_event "\"type\":\"open\",\"verdict\":\"allow\",\"reason\":\"rule\",\"rule\":\"$DG_POLICY:2\".*\"comm\":\"vfio-hold\",\"uid\":0,\"cgroup\":\"/\",\"exe\":\"$hold\"" "allow by exe"
expect_ok vfio-hold -o -u 1000 -g 1000 "$node"
expect_line 'open=ok'

# a copy renamed to the allowed comm is still another executable
expect_fail /tmp/qemu -o -N vfio-hold "$node"
expect_line 'rename=ok'
expect_line 'open=EPERM*'
expect_event "\"type\":\"open\",\"verdict\":\"deny\",\"reason\":\"rule\",\"rule\":\"$DG_POLICY:5\".*\"comm\":\"vfio-hold\",\"uid\":0,\"cgroup\":\"/\",\"exe\":\"/tmp/qemu\"" "renamed copy denied, named by its exe"

# a hard link is another path to the same inode: not the path the rule names
# (on the same filesystem as the original: the root, not /tmp)
expect_ok mkdir -p /linked
expect_ok ln "$hold" /linked/vfio-hold
expect_fail /linked/vfio-hold -o "$node"
expect_line 'open=EPERM*'
expect_event "\"verdict\":\"deny\".*\"exe\":\"/linked/vfio-hold\"" "hard link denied"

# by uid and gid names (resolved at load) with exe
expect_ok /tmp/qemu -o -u 64055 -g 64056 "$node"
expect_line 'open=ok'
expect_event "\"verdict\":\"allow\",\"reason\":\"rule\",\"rule\":\"$DG_POLICY:3\".*\"uid\":64055" "allow by uid and gid names"

# by cgroup: the same copy, moved into a cgroup under /machine.slice
mount | grep -q ' type cgroup2 ' || expect_ok mount -t cgroup2 none /sys/fs/cgroup
cg=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
expect_ok mkdir -p "$cg/machine.slice/vm1.scope"
expect_ok sh -c "echo \$\$ >$cg/machine.slice/vm1.scope/cgroup.procs && exec /tmp/qemu -o $node"
expect_line 'open=ok'
expect_event "\"verdict\":\"allow\",\"reason\":\"rule\",\"rule\":\"$DG_POLICY:4\".*\"cgroup\":\"/machine.slice/vm1.scope\",\"exe\":\"/tmp/qemu\"" "allow by cgroup"

# an unprivileged user's bind mount over the allowed file, in a mount
# namespace of their own user namespace, does not make their copy it
if as-user 1000 unshare -rm true 2>/dev/null; then
	cp "$hold" /tmp/evil
	chmod 755 /tmp/evil
	expect_fail as-user 1000 unshare -rm sh -c "mount --bind /tmp/evil $hold && exec $hold -o $node"
	expect_line 'open=EPERM*'
	expect_event "\"verdict\":\"deny\",\"reason\":\"rule\",\"rule\":\"$DG_POLICY:5\".*\"uid\":1000,\"cgroup\":\"/\"}" "bind mount in a user namespace denied, no exe"
else
	log "note: unprivileged user namespaces are off on $(uname -r): bind-mount case not run"
fi

# a name that does not resolve fails the load; the policy in force stays
printf 'deny open uid=no-such-user\n' >/tmp/badname.conf
chmod 600 /tmp/badname.conf
rc_of 10 dmaguard reload --policy /tmp/badname.conf
expect_eq "$RC" 2 "reload exit status"
expect_line "*/tmp/badname.conf:1:15: unknown user 'no-such-user' in /etc/passwd*"
expect_fail /tmp/qemu -o -N vfio-hold "$node"
expect_line 'open=EPERM*'
expect_ok vfio-hold -o "$node"
dg_stop
rc_of 10 dmaguard check /tmp/badname.conf
expect_eq "$RC" 2 "check exit status"
