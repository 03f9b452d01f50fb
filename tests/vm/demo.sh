#!/bin/sh
# `make demo`: boot the bookworm test VM and play tests/vm/demo/story.sh with
# examples/policy.conf installed as /etc/dmaguard/policy.conf, console live.
set -e
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/build/vm/demo
mkdir -p "$out"
story=$out/demo.sh
{
	echo "# vm: kernels=bookworm"
	echo "mkdir -p /etc/dmaguard"
	echo "cat >/etc/dmaguard/policy.conf <<'DMAGUARD_POLICY_EOF'"
	cat "$top/examples/policy.conf"
	echo "DMAGUARD_POLICY_EOF"
	cat "$top/tests/vm/demo/story.sh"
} >"$story"
exec "$top/tests/vm/boot.sh" -k bookworm "$story"
