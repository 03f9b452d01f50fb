# cgroup= against an unprivileged user, and a careless administrator's
# open rules at the index's limit.
# - uid 1000 can neither make nor join a cgroup under /machine.slice; in a
#   subtree delegated to it (and its own cgroup namespace, where it is "/",
#   if unshare can make one) a cgroup it names machine.slice/vm is
#   /user.slice/u1000/machine.slice/vm;
# - cgroup= without its leading '/' is refused with FILE:LINE:COL;
# - a user name twice in /etc/passwd resolves to the first line, as
#   getpwnam() does, and check shows the number;
# - 65,536 open rules, 65,534 of them the same (uid=4242 exe=), decide by
#   the lowest line; one more rule is refused;
# - opens in a loop while the policy is replaced, both allowing them: none
#   is denied.
# vm: timeout=480
. /vm/dmaguard.sh
vfio_open_setup
hold=$(readlink -f /bin/vfio-hold)
mount | grep -q ' type cgroup2 ' || expect_ok mount -t cgroup2 none /sys/fs/cgroup
cg=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
expect_ok mkdir -p "$cg/machine.slice/vm1.scope" "$cg/user.slice/u1000"
for f in "" /cgroup.procs /cgroup.threads /cgroup.subtree_control; do
	chown 1000:1000 "$cg/user.slice/u1000$f"
done

# careless spellings
printf 'allow open cgroup=machine.slice/*\n' >/tmp/noslash.conf
rc_of 10 dmaguard check /tmp/noslash.conf
expect_eq "$RC" 2 "check exit status of cgroup= without '/'"
expect_line "*/tmp/noslash.conf:1:19: cgroup 'machine.slice/\*' is not an absolute path*"
echo 'dup:x:5001:5001::/nonexistent:/bin/false' >>/etc/passwd
echo 'dup:x:0:0::/root:/bin/sh' >>/etc/passwd
printf 'allow open uid=dup\n' >/tmp/dup.conf
expect_out "/tmp/dup.conf:1:16: uid=dup is uid 5001" dmaguard check /tmp/dup.conf

# 65,536 rules: 65,534 duplicates, then cgroup, then a deny
{
	printf 'default open deny\n'
	awk -v g="$g" -v e="$hold" 'BEGIN { for (i = 0; i < 65534; i++)
		printf "allow open group=%s uid=4242 exe=%s\n", g, e }'
	printf 'allow open group=%s cgroup=/machine.slice/*\n' "$g"
	printf 'deny open group=%s exe=%s\n' "$g" "$hold"
} >"$DG_POLICY"
chmod 600 "$DG_POLICY"
expect_eq "$(grep -c '^\(allow\|deny\) open' "$DG_POLICY")" 65536 "rules written"
cp "$DG_POLICY" /tmp/over.conf
echo "deny open group=$g" >>/tmp/over.conf
rc_of 60 dmaguard check /tmp/over.conf
expect_eq "$RC" 2 "check exit status of 65,537 rules"
expect_line "*too many rules*"
dg_start --all

expect_ok vfio-hold -o -u 4242 -g 4242 "$node"
expect_line 'open=ok'
expect_event "\"verdict\":\"allow\",\"reason\":\"rule\",\"rule\":\"$DG_POLICY:2\".*\"uid\":4242" "the first of 65,534 duplicates"
expect_ok sh -c "echo \$\$ >$cg/machine.slice/vm1.scope/cgroup.procs && exec vfio-hold -o $node"
expect_event "\"verdict\":\"allow\",\"reason\":\"rule\",\"rule\":\"$DG_POLICY:65536\".*\"cgroup\":\"/machine.slice/vm1.scope\"" "allow by cgroup at rule 65,535"
expect_fail vfio-hold -o "$node"
expect_event "\"verdict\":\"deny\",\"reason\":\"rule\",\"rule\":\"$DG_POLICY:65537\".*\"uid\":0,\"cgroup\":\"/\"" "deny by rule 65,536"

# the user cannot reach /machine.slice
expect_fail as-user 1000 mkdir "$cg/machine.slice/evil"
expect_fail as-user 1000 sh -c "echo \$\$ >$cg/machine.slice/vm1.scope/cgroup.procs"
# ... but names its own: the path from the root says whose it is
ns=
if as-user 1000 unshare -rC true 2>/dev/null; then
	ns="unshare -rC"
else
	log "note: no unshare -rC here: the delegated case runs without a cgroup namespace"
fi
expect_fail sh -c "echo \$\$ >$cg/user.slice/u1000/cgroup.procs && exec as-user 1000 sh -c \
	'mkdir -p $cg/user.slice/u1000/machine.slice/vm && echo \$\$ >$cg/user.slice/u1000/machine.slice/vm/cgroup.procs && exec $ns vfio-hold -o $node'"
expect_line 'open=EPERM*'
expect_event "\"verdict\":\"deny\",\"reason\":\"rule\",\"rule\":\"$DG_POLICY:65537\".*\"uid\":1000,\"cgroup\":\"/user.slice/u1000/machine.slice/vm\"" "delegated machine.slice denied"

# opens while the policy is replaced: every policy allows them
printf 'default open deny\nallow open group=%s cgroup=/machine.slice/*\n' "$g" >/tmp/small.conf
chmod 600 /tmp/small.conf
expect_ok sh -c "echo \$\$ >$cg/machine.slice/vm1.scope/cgroup.procs && exec open-loop $node 300"
expect_line 'opens=300 failed=0'
rm -f /tmp/stop /tmp/loops
sh -c "echo \$\$ >$cg/machine.slice/vm1.scope/cgroup.procs
	while [ ! -e /tmp/stop ]; do open-loop $node 100; done >/tmp/loops" &
loop=$!
for p in /tmp/small.conf "$DG_POLICY" /tmp/small.conf "$DG_POLICY"; do
	rc_of 120 dmaguard reload --policy "$p"
	expect_eq "$RC" 0 "reload to $p while opening"
done
touch /tmp/stop
wait "$loop"
expect_ne "$(grep -c 'opens=' /tmp/loops)" 0 "open loops run"
grep -v 'failed=0$' /tmp/loops | head -n 3
grep '"verdict":"deny".*"cgroup":"/machine.slice' "$DG_EVENTS" | head -n 3
expect_eq "$(grep -c '"verdict":"deny".*"cgroup":"/machine.slice' "$DG_EVENTS")" 0 "opens denied while the policy is replaced"
expect_eq "$(grep -vc 'failed=0$' /tmp/loops)" 0 "loops with a failed open"
dg_stop
