#!/bin/sh
# Run the VM scenarios (tests/vm/README.md). Usage: tests/vm/run.sh
# Environment: KERNELS="bookworm ..." SCENARIOS="glob ..." VM_JOBS=2 VM_LIVE=1
exec python3 "$(dirname "$0")/lib/runner.py" "$@"
