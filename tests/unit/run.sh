#!/bin/sh
# Run every unit-test binary given, then print the combined closing line.
# Usage: tests/unit/run.sh BIN...
passed=0
failed=0
skipped=0
for bin in "$@"; do
	name=$(basename "$bin")
	out=$("$bin" 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed "s/^/[$name] /"
	last=$(printf '%s\n' "$out" | tail -n 1)
	re='^\([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$'
	p=$(printf '%s\n' "$last" | sed -n "s/$re/\\1/p")
	f=$(printf '%s\n' "$last" | sed -n "s/$re/\\2/p")
	s=$(printf '%s\n' "$last" | sed -n "s/$re/\\3/p")
	if [ -z "$p" ]; then
		# The binary died before its summary: count it as one failure.
		echo "[$name] FAIL: exited $rc without a summary"
		p=0
		f=1
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	skipped=$((skipped + ${s:-0}))
	passed=$((passed + p))
	failed=$((failed + f))
done
# a skipped test is neither: it is counted and named (SKIP lines above)
if [ "$skipped" -gt 0 ]; then
	echo "unit: $passed passed, $failed failed, $skipped skipped"
else
	echo "unit: $passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
