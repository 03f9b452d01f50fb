# The static dmaguard binary runs inside the VM.
expect_ok dmaguard version
expect_match "$OUT" 'dmaguard*' "dmaguard version output"
