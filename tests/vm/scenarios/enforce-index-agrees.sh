# The rule index in this kernel decides as the linear walk over the same
# rules: random policies written by the loader's own code into the maps the
# enforcing programs' rule lookup reads (tests/vm/match), random subjects,
# the lookup test-run in the kernel, compared case by case.
[ -x /bin/match-diff ] || fail "no /bin/match-diff in the image (make build/tests/vm/match/match-diff)"
expect_ok match-diff 400 50
expect_match "$OUT" '*match-diff: 40000 agree, 0 differ*' "kernel and walk agree"
