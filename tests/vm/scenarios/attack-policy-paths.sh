# Ways an unprivileged user (uid 1000) might steer which file `--policy`
# reads, beyond those enforce-untrusted-policy.sh covers; every one is
# refused (exit 2) and the policy in force stays: a path through
# /proc/self/fd to a file uid 1000 can rewrite; `..` after a root-owned
# symbolic link into uid 1000's directory; a relative path from a working
# directory uid 1000 owns; a root-owned directory below uid 1000's; a
# symbolic link of uid 1000 in the middle of a path in sticky /tmp; a
# policy written by root with umask 000 in /tmp; a root-owned link in
# sticky /tmp that points into uid 1000's directory.
# vm: timeout=240
. /vm/dmaguard.sh
policy "deny bind device=$SHARED_A"
expect_ok unbind "$SHARED_A"
dg_start

# refused WHAT GLOB CMD...: CMD (a reload) exits 2 and says GLOB
refused() {
	local what=$1 glob=$2
	shift 2
	OUT=$(timeout 30 "$@" 2>&1)
	local rc=$?
	printf '%s\n' "$OUT" | sed 's/^/    | /'
	expect_eq "$rc" 2 "exit status of reload with $what"
	expect_line "$glob"
}

# uid 1000's home, with an allow-all policy it may rewrite at will
expect_ok mkdir -p /home/u
expect_ok chown 1000:1000 /home/u
expect_ok as-user 1000 sh -c ': >/home/u/p.conf; mkdir /home/u/sub'
mkdir -p /etc/dmaguard
chmod 755 /etc/dmaguard

# /proc/self/fd/N of a descriptor opened on the user's file
refused "/proc/self/fd/3 on uid 1000's file" "*/home/u*uid 1000*" \
	sh -c 'exec 3</home/u/p.conf; exec dmaguard reload --policy /proc/self/fd/3'

# a root link into the user's directory, then ..: /home/u/p.conf
ln -s /home/u/sub /etc/dmaguard/up
refused "'..' after a root link into uid 1000's directory" "*/home/u*uid 1000*" \
	dmaguard reload --policy /etc/dmaguard/up/../p.conf

# relative to a working directory uid 1000 owns
refused "a relative path in uid 1000's directory" "*/home/u*uid 1000*" \
	sh -c 'cd /home/u && exec dmaguard reload --policy p.conf'

# a root-owned directory and file below uid 1000's directory
expect_ok mkdir -m 755 /home/u/rootdir
: >/home/u/rootdir/p.conf
chmod 644 /home/u/rootdir/p.conf
refused "a root directory below uid 1000's" "*/home/u*uid 1000*" \
	dmaguard reload --policy /home/u/rootdir/p.conf

# uid 1000's link in sticky /tmp, in the middle of the path
: >/etc/dmaguard/empty.conf
chmod 644 /etc/dmaguard/empty.conf
expect_ok as-user 1000 ln -s /etc/dmaguard /tmp/dgconf
refused "uid 1000's link in the middle, in /tmp" "*/tmp/dgconf is owned by uid 1000*" \
	dmaguard reload --policy /tmp/dgconf/empty.conf

# root's link in /tmp to uid 1000's file
ln -s /home/u/p.conf /tmp/root-link.conf
refused "root's link in /tmp to uid 1000's file" "*/home/u*uid 1000*" \
	dmaguard reload --policy /tmp/root-link.conf

# root writes the policy with umask 000 into /tmp: mode 0666
(umask 000 && : >/tmp/umask0.conf)
refused "a policy written with umask 000" "*/tmp/umask0.conf is writable by every user*" \
	dmaguard reload --policy /tmp/umask0.conf

# nothing of it got through: the deny rule is still in force
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
dg_stop
