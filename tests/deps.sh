#!/bin/sh
# Install the Debian packages dmaguard needs to build and test, if missing.
# Idempotent and silent when everything is there.
# The arm64 lane (tests/vm/README.md) cross-builds with Debian's cross
# toolchain against multiarch :arm64 libraries, as Debian documents for
# cross-building: that needs the arm64 architecture in dpkg. The guest's
# arm64 busybox is not installed (it would replace the host's): the VM
# lane fetches it with its private apt (tests/vm/lib/kernels.py).
set -e
PKGS="make gcc clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev libzstd-dev
linux-libc-dev libc6-dev qemu-system-x86 busybox-static kmod cpio xz-utils zstd
python3 ca-certificates debian-archive-keyring
debhelper dpkg-dev lintian mmdebstrap gpgv systemd bash-completion e2fsprogs
pciutils qemu-system-arm gcc-aarch64-linux-gnu libc6-dev-arm64-cross
libbpf-dev:arm64 libelf-dev:arm64 zlib1g-dev:arm64 libzstd-dev:arm64
linux-libc-dev:arm64"
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
dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64
# apt's unprivileged sandbox user cannot write /dev/null on some build
# containers (mode 0755): we are root already, let apt stay root.
apt="apt-get -o APT::Sandbox::User=root"
$apt update -qq >/dev/null
$apt install -y -qq --no-install-recommends $missing >/dev/null
