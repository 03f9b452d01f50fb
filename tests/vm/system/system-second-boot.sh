#@ disk after=system-initramfs-e1000e
# The disk system-initramfs-e1000e left, booted again: a host's second
# boot is enforced the same way as its first.
expect_ok test "$(journalctl --list-boots --no-pager | wc -l)" -ge 2
log "boots in the journal: $(journalctl --list-boots --no-pager | wc -l)"
expect_enforced_from_initramfs
