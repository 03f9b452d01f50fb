# arm64 before 6.4 cannot attach BPF trampolines to kernel functions (no
# ftrace direct calls): `run` exits 3 naming what is missing, pins nothing
# and leaves every driver where it was.
# vm: arch=arm64
# vm: kernels=bullseye bookworm
. /vm/dmaguard.sh
policy "deny bind device=$ISOLATED"
dmaguard run --policy "$DG_POLICY" >/tmp/out 2>&1
rc=$?
sed 's/^/    | /' /tmp/out
expect_eq "$rc" 3 "exit code of run"
expect_out '*cannot attach BPF trampolines to its functions*arm64 from 6.4*' cat /tmp/out
expect_fail test -e /sys/fs/bpf/dmaguard
expect_fail test -e /sys/fs/bpf/dmaguard-new
expect_fail test -e /sys/fs/bpf/dmaguard-lock
expect_eq "$(driver_of "$ISOLATED")" e1000e "driver of ISOLATED"
