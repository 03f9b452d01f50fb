# Booted with an lsm= list without bpf, BPF LSM programs would attach and
# never run: dmaguard sees it, attaches the same decisions as fmod_ret on
# security_kernfs_init_security() and security_file_open(), says so, and
# denies binds and VFIO opens as usual.
# vm: kernels=bookworm trixie trixie-backports
# vm: append=lsm=lockdown,capability,yama
. /vm/dmaguard.sh
expect_fail grep -qw bpf /sys/kernel/security/lsm
expect_ok vfio_bind "$ISOLATED"
g=$(group_of "$ISOLATED")
chmod 666 /dev/vfio/$g
policy "deny bind device=$SHARED_A
deny open group=$g uid=1000"
expect_ok unbind "$SHARED_A"
dg_start
expect_out '*deny hooks: fmod_ret on security_*() (bpf is not an active LSM)*' cat "$DG_LOG"
expect_out '*programs:*fmod_file_open*' cat "$DG_LOG"
expect_out '*programs:*fmod_kernfs*' cat "$DG_LOG"
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A" "$DENY_ERR"
expect_eq "$(driver_of "$SHARED_A")" "" "driver of $SHARED_A"
expect_event "\"verdict\":\"deny\",\"reason\":\"rule\",\"rule\":\"$DG_POLICY:1\",\"device\":\"$SHARED_A\"" "deny event"
expect_fail vfio-hold -o -u 1000 -g 1000 /dev/vfio/$g
expect_line 'open=EPERM*'
expect_ok vfio-hold -o /dev/vfio/$g
dg_stop
