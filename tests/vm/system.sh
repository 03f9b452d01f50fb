#!/bin/sh
# The system lane (tests/vm/README.md, "The system lane"): a Debian
# userspace with the dmaguard package, booted per scenario.
# Environment: SUITES="bookworm trixie" SCENARIOS="glob ..." VM_LIVE=1
# DMAGUARD_DEB=path (default: $O/deb/dmaguard_*.deb from `make deb`)
exec python3 "$(dirname "$0")/lib/system.py" "$@"
