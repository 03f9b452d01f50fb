#!/bin/sh
# `make bench` (after `make all`): see tests/bench/README.md.
exec python3 "$(dirname "$0")/bench.py" "$@"
