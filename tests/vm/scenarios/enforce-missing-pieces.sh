# Without what enforcement needs, `run` exits 3 naming the missing piece and
# the fix, and pins nothing: no BPF filesystem, no securityfs to read the
# active LSM list from, no readable kernel BTF.
. /vm/dmaguard.sh
policy "deny bind device=$SHARED_A"

expect_ok umount /sys/fs/bpf
run_expect_3 '*/sys/fs/bpf is not on a BPF filesystem (mount -t bpf -o mode=0700 bpf /sys/fs/bpf)*'
expect_ok mount -t bpf -o mode=0700 bpf /sys/fs/bpf

expect_ok umount /sys/kernel/security
run_expect_3 '*cannot read the active LSM list /sys/kernel/security/lsm*mount -t securityfs*'
expect_ok mount -t securityfs securityfs /sys/kernel/security

: >/tmp/no-btf
expect_ok mount --bind /tmp/no-btf /sys/kernel/btf/vmlinux
run_expect_3 "*BTF*"
expect_ok umount /sys/kernel/btf/vmlinux

# nothing half-loaded: the bind the policy would deny still works
expect_eq "$(bpf_prog_count)" 0 "BPF programs loaded"
expect_ok unbind "$SHARED_A"
expect_write_ok /sys/bus/pci/drivers/e1000/bind "$SHARED_A"
