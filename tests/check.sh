#!/bin/sh
# `make check`: unit tests, then every VM scenario on every kernel (x86-64,
# then the arm64 lane), then the system lane (the Debian package in a
# Debian userspace), then one closing line adding them up. Every suite
# runs even if one before fails.
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
run vm-arm64
run system
total() {
	sed -n "s/^$1: \([0-9]*\) passed, \([0-9]*\) failed.*/\\$2/p" "$log" | tail -n 1
}
passed=0 failed=0
for suite in unit vm vm-arm64 system; do
	p=$(total $suite 1) f=$(total $suite 2)
	# a suite that ended without its closing line counts as one failure
	[ -n "$p" ] || { p=0; f=1; echo "check: the $suite tests ended without a summary"; }
	passed=$((passed + p)) failed=$((failed + f))
done
echo "check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
