#@ disk initramfs-modules=e1000e
# A host's boot: the real root on a disk, through the initramfs that
# update-initramfs built when the kernel package was installed (after
# dmaguard's package and this policy, so its hook put both in), with e1000e
# loaded in the initramfs. The policy denies e1000e on ISOLATED: it is
# denied in the initramfs, before the real root exists, and the service
# takes over the pins with no gap and no second set of programs.
expect_enforced_from_initramfs
# the initramfs holds the binary and the policy (lsinitramfs, as an admin checks)
expect_out "*usr/sbin/dmaguard*" lsinitramfs /boot/initrd.img-$(uname -r)
expect_line "*etc/dmaguard/policy.conf*"
expect_line "*scripts/init-top/dmaguard*"
