# CO-RE relocation against the cut of this kernel's BTF that `run` hands
# libbpf (user/core_btf.h) gives every program the instructions that
# relocation against all of the kernel's BTF gives (tests/vm/core).
[ -x /bin/core-agrees ] || fail "no /bin/core-agrees in the image (make build/tests/vm/core/core-agrees)"
expect_ok core-agrees
expect_match "$OUT" "*core-agrees: cut * of * bytes of BTF*" "the cut was made"
expect_match "$OUT" "*core-agrees: * agree, 0 differ*" "every program agrees"
