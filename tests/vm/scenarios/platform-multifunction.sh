# The two functions of the multi-function slot (no ACS) form one group:
# vfio-pci on one function alone does not make the group viable.
g=$(group_of "$MF_A")
expect_eq "$(group_of "$MF_B")" "$g" "group of MF_B"
expect_ok vfio_bind "$MF_A"
node=/dev/vfio/$g
expect_ok wait_for_path "$node" 5
expect_fail vfio-hold -V "$node"
expect_line 'viable=not-viable'
expect_eq "$(driver_of "$MF_B")" e1000e "driver of MF_B"
expect_ok vfio_bind "$MF_B"
expect_ok vfio-hold -V "$node"
expect_line 'set_iommu=ok'
