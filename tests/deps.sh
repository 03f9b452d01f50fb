#!/bin/sh
# Install the Debian packages dmaguard needs to build and test, if missing.
# Idempotent and silent when everything is there.
set -e
PKGS="make gcc clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev libzstd-dev
linux-libc-dev libc6-dev qemu-system-x86 busybox-static kmod cpio xz-utils zstd
python3 ca-certificates debian-archive-keyring
debhelper dpkg-dev lintian mmdebstrap gpgv systemd bash-completion e2fsprogs
pciutils"
missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "dmaguard: missing packages:$missing (run 'make deps' as root)" >&2
	exit 1
fi
echo "  DEPS     installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends $missing >/dev/null
