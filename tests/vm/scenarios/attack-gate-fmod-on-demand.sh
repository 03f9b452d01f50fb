# The open gate loaded on demand in its fmod_ret flavour (bpf not an active
# LSM): gate_load.c takes the flavour from the deny hook's pinned program.
# run leaves the gate out (no open rule); a VFIO group node appears after;
# the first reload with an open rule loads fmod_file_open (not
# lsm_file_open, which would attach and never run), which denies uid 1000
# and reports it.
# vm: kernels=bookworm trixie trixie-backports
# vm: append=lsm=lockdown,capability,yama
# vm: timeout=300
. /vm/dmaguard.sh
expect_fail grep -qw bpf /sys/kernel/security/lsm
gates() { ls "$DG_PIN/progs" | tr '\n' ' '; }
policy "allow bind id=8086:100e"
dg_start
expect_out '*deny hooks: fmod_ret on security_*() (bpf is not an active LSM)*' cat "$DG_LOG"
expect_eq "$(gates)" "fmod_kernfs " "programs pinned in progs/ before any open rule"
vfio_open_setup
expect_ok as-user 1000 vfio-hold -o "$node"
printf 'deny open group=%s uid=1000\n' "$g" >/tmp/open.conf
chmod 600 /tmp/open.conf
expect_out "*open gate attached*" dmaguard reload --policy /tmp/open.conf
expect_eq "$(gates)" "fmod_file_open fmod_kernfs " "programs pinned in progs/ after a reload with an open rule"
expect_eq "$(open_gate_progs)" 1 "open gate programs in the kernel"
expect_fail as-user 1000 vfio-hold -o "$node"
expect_line 'open=EPERM*'
expect_event "\"type\":\"open\",\"verdict\":\"deny\",\"reason\":\"rule\",\"rule\":\"/tmp/open.conf:1\"" "open deny event of the fmod_ret gate"
expect_ok vfio-hold -o "$node"
dg_stop
expect_ok dmaguard unload
expect_eq "$(bpf_prog_count)" 0 "BPF programs after unload"
