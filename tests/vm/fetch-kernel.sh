#!/bin/sh
# Fetch (or find in the cache) Debian kernels by suite and print
# "suite release vmlinuz" for each. Usage: tests/vm/fetch-kernel.sh SUITE...
exec python3 "$(dirname "$0")/lib/kernels.py" "$@"
