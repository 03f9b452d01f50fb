#!/bin/sh
# Boot one VM with one scenario and stream its console (tests/vm/README.md).
# Usage: tests/vm/boot.sh [-k SUITE] [-t SECONDS] [-a APPEND] [-q] SCENARIO
exec python3 "$(dirname "$0")/lib/boot.py" "$@"
