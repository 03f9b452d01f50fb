# arm64 before 6.4 cannot attach BPF trampolines to kernel functions (no
# ftrace direct calls): `run` exits 3 naming what is missing, pins nothing
# and leaves every driver where it was.
# vm: arch=arm64
# vm: kernels=bullseye bookworm
. /vm/dmaguard.sh
policy "deny bind device=$ISOLATED"
run_expect_3 '*cannot attach BPF trampolines to its functions*arm64 from 6.4*'
expect_eq "$(driver_of "$ISOLATED")" e1000e "driver of ISOLATED"
