#!/bin/sh
# `make check`: unit tests, then every VM scenario on every kernel, then one
# closing line adding both up. Both suites run even if the first fails.
# Usage: tests/check.sh MAKE
make=${1:-make}
log=build/check.log
mkdir -p build
: >"$log"

run() {
	# keep the suite's output live and its closing line for the total
	$make --no-print-directory "$1" 2>&1 | tee -a "$log"
}

run unit
run vm
total() {
	sed -n "s/^$1: \([0-9]*\) passed, \([0-9]*\) failed.*/\\$2/p" "$log" | tail -n 1
}
up=$(total unit 1) uf=$(total unit 2) vp=$(total vm 1) vf=$(total vm 2)
# a suite that ended without its closing line counts as one failure
[ -n "$up" ] || { up=0; uf=1; echo "check: the unit tests ended without a summary"; }
[ -n "$vp" ] || { vp=0; vf=1; echo "check: the VM tests ended without a summary"; }
passed=$((up + vp))
failed=$((uf + vf))
echo "check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
