# arm64 before 6.4 cannot attach BPF trampolines to kernel functions (no
# ftrace direct calls): `run` exits 3 naming what is missing, pins nothing
# and leaves every driver where it was. On 5.10 it stops one step earlier:
# that kernel's BTF has no really_probe() at all (arm64 only; x86's has).
# vm: arch=arm64
# vm: kernels=bullseye bookworm
. /vm/dmaguard.sh
policy "deny bind device=$ISOLATED"
case "$(uname -r)" in
5.*)	run_expect_3 '*the kernel has no really_probe() in its BTF*' ;;
*)	run_expect_3 '*cannot attach BPF trampolines to its functions*arm64 from 6.4*' ;;
esac
expect_eq "$(driver_of "$ISOLATED")" e1000e "driver of ISOLATED"
