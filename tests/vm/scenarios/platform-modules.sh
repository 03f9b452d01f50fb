# The module headers work: "noload=" keeps e1000 out of the boot (the
# scenario loads it, as enforcement scenarios do to test module-load
# binding), "modules=" adds a module with its dependencies to the image and
# loads it.
# vm: noload=e1000
# vm: modules=pci-pf-stub
expect_eq "$(driver_of "$SHARED_A")" "" "driver of SHARED_A before loading e1000"
expect_fail sh -c 'lsmod | grep -q "^e1000 "'
expect_out 'pci_pf_stub *' lsmod

expect_ok modprobe e1000
wait_until 5 has_driver "$SHARED_B"
expect_eq "$(driver_of "$SHARED_A")" e1000 "driver of SHARED_A after modprobe"
expect_eq "$(driver_of "$SHARED_B")" e1000 "driver of SHARED_B after modprobe"

expect_ok modprobe -r e1000
expect_eq "$(driver_of "$SHARED_A")" "" "driver of SHARED_A after modprobe -r"
