# Unbinding and binding kernel drivers through sysfs works, and the
# helpers report the kernel's refusals.
P=/sys/bus/pci
expect_eq "$(driver_of "$SHARED_A")" e1000 "driver of SHARED_A at start"

expect_write_ok $P/drivers/e1000/unbind "$SHARED_A"
expect_eq "$(driver_of "$SHARED_A")" "" "driver of SHARED_A after unbind"
expect_eq "$(driver_of "$SHARED_B")" e1000 "driver of SHARED_B (untouched)"

# A driver that does not match the device refuses it.
expect_write_fail $P/drivers/e1000e/bind "$SHARED_A" "No such device"
expect_eq "$(driver_of "$SHARED_A")" "" "driver of SHARED_A after a refused bind"

expect_write_ok $P/drivers/e1000/bind "$SHARED_A"
expect_eq "$(driver_of "$SHARED_A")" e1000 "driver of SHARED_A after bind"

# Binding an already bound device fails.
expect_write_fail $P/drivers/e1000/bind "$SHARED_A"

# drivers_probe finds the matching driver again.
expect_ok unbind "$SHARED_B"
expect_write_ok $P/drivers_probe "$SHARED_B"
expect_eq "$(driver_of "$SHARED_B")" e1000 "driver of SHARED_B after drivers_probe"

# driver_override steers a device to pci-stub, and clearing it lets
# drivers_probe bind the native driver again.
expect_ok unbind "$ISOLATED"
expect_ok set_override "$ISOLATED" pci-stub
expect_ok probe "$ISOLATED"
expect_eq "$(driver_of "$ISOLATED")" pci-stub "driver of ISOLATED with override pci-stub"
expect_ok unbind "$ISOLATED"
expect_ok set_override "$ISOLATED" ""
expect_ok probe "$ISOLATED"
expect_eq "$(driver_of "$ISOLATED")" e1000e "driver of ISOLATED after clearing the override"
