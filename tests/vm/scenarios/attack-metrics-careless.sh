# A careless administrator's --metrics-file: in sticky /tmp, where uid
# 1000 put a symbolic link at the name first; in uid 1000's home (the rule
# lets another uid's directory hold it); through uid 1000's link in that
# home; relative, from a working directory uid 1000 then renames and
# replaces with a link to /etc. Root replaces whatever is at the name and
# never follows a link of uid 1000's: the root file /etc/victim and /etc
# never change, and uid 1000 cannot remove the file from /tmp.
# vm: timeout=300
. /vm/dmaguard.sh
printf 'SECRET\n' >/etc/victim
chmod 0600 /etc/victim
expect_ok sh -c 'echo 0 >/proc/sys/fs/protected_symlinks'
victim() {
	printf '%s %s %s' "$(stat -c '%u %a %s' /etc/victim)" "$(cat /etc/victim)" \
		"$(ls -A /etc | grep -c prom)"
}
BEFORE=$(victim)
untouched() {
	expect_eq "$(victim)" "$BEFORE" "/etc/victim and /etc ($1)"
}
policy "mode enforce
deny bind device=$SHARED_A driver=e1000"
expect_ok unbind "$SHARED_A"

# /tmp, a link of uid 1000's at the name
expect_ok as-user 1000 ln -s /etc/victim /tmp/x.prom
dg_start --metrics-file /tmp/x.prom
expect_ok wait_until 10 test ! -L /tmp/x.prom
expect_eq "$(stat -c '%F %u %a' /tmp/x.prom)" "regular file 0 644" "/tmp/x.prom"
expect_fail as-user 1000 rm -f /tmp/x.prom
expect_fail as-user 1000 mv /tmp/x.prom /tmp/y.prom
untouched /tmp
dg_stop

# uid 1000's home: a link at the name, then a link on the way
mkdir -p /home/alice
chown 1000:1000 /home/alice
chmod 0700 /home/alice
expect_ok as-user 1000 ln -s /etc/victim /home/alice/x.prom
expect_ok as-user 1000 ln -s /etc /home/alice/sub
dg_start --metrics-file /home/alice/x.prom
expect_ok wait_until 10 test ! -L /home/alice/x.prom
expect_eq "$(stat -c '%F %u %a' /home/alice/x.prom)" "regular file 0 644" "/home/alice/x.prom"
untouched home
dg_stop
dg_start --metrics-file /home/alice/sub/x.prom
expect_ok wait_until 10 grep -q 'cannot write the metrics file' "$DG_LOG"
expect_out "*/home/alice/sub is a symbolic link below a directory of uid 1000*" cat "$DG_LOG"
untouched "home link"
dg_stop

# relative, from a working directory uid 1000 swaps for a link to /etc
expect_ok as-user 1000 mkdir -m 0755 /home/alice/work
cd /home/alice/work || fail "cd"
dg_start --metrics-file rel.prom
cd /
expect_ok wait_for_path /home/alice/work/rel.prom 10
expect_ok as-user 1000 mv /home/alice/work /home/alice/work2
expect_ok as-user 1000 ln -s /etc /home/alice/work
ino=$(stat -c %i /home/alice/work2/rel.prom)
expect_ok wait_until 15 sh -c "[ \$(stat -c %i /home/alice/work2/rel.prom) != $ino ] || grep -q 'cannot write the metrics file' $DG_LOG"
sed 's/^/    | /' "$DG_LOG"
expect_fail test -e /etc/rel.prom
untouched relative
kill -0 "$DG_PID" || fail "the daemon is gone"
dg_stop
