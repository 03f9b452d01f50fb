# The guest environment the enforcement scenarios rely on: kernel file
# systems mounted, no BPF state left from anywhere (one VM per scenario),
# the scenario named on the command line, and the "# vm: append=" header
# reaching the kernel command line.
# vm: append=lsm=lockdown,capability,bpf dmaguard.test=append-works
for fs in "bpf /sys/fs/bpf" "securityfs /sys/kernel/security" \
	"debugfs /sys/kernel/debug" "devtmpfs /dev" "sysfs /sys" "proc /proc"; do
	expect_out "* ${fs#* } ${fs%% *} *" cat /proc/mounts
done
expect_eq "$(ls -A /sys/fs/bpf)" "" "contents of /sys/fs/bpf"
expect_match "$(cat /proc/cmdline)" "*dmaguard.scenario=platform-env*" "kernel command line"
expect_match "$(cat /proc/cmdline)" "*dmaguard.test=append-works*" "kernel command line"
# 6.12+ always add ima,evm at the end.
expect_match "$(cat /sys/kernel/security/lsm)" "lockdown,capability,bpf*" "active LSMs"
expect_ok lsmod
for m in e1000 e1000e vfio_pci vfio_iommu_type1 pci_stub; do
	expect_out "$m *" lsmod
done
