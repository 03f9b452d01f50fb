# VFIO group opens are judged by uid and by comm, through the inode's
# device number: a node made with mknod under another name in /tmp is
# judged exactly like /dev/vfio/N.
. /vm/dmaguard.sh
vfio_open_setup
policy "allow open group=$g uid=0 comm=vfio-hold
deny open group=$g"
dg_start

expect_ok vfio-hold -o "$node"
expect_line 'open=ok'
expect_fail vfio-hold -o -u 1000 -g 1000 "$node"
expect_line 'open=EPERM*'
expect_event "\"type\":\"open\",\"verdict\":\"deny\",\"reason\":\"rule\",\"rule\":\"$DG_POLICY:2\",\"group\":$g,.*\"uid\":1000" "deny event by uid"

cp /bin/vfio-hold /tmp/other-tool
expect_fail /tmp/other-tool -o "$node"
expect_line 'open=EPERM*'
expect_event "\"type\":\"open\",\"verdict\":\"deny\".*\"comm\":\"other-tool\"" "deny event by comm"

# the same group node under another name
devno=$(cat /sys/class/vfio/$g/dev)
expect_ok mknod /tmp/vfio-alias c "${devno%:*}" "${devno#*:}"
chmod 666 /tmp/vfio-alias
expect_fail vfio-hold -o -u 1000 -g 1000 /tmp/vfio-alias
expect_line 'open=EPERM*'
expect_ok vfio-hold -o /tmp/vfio-alias
expect_line 'open=ok'
# other character devices are not judged
expect_ok cat /dev/null
dg_stop
