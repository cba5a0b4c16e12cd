#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install, from Debian's archive, exactly the packages the harness uses, when missing.
. "$(dirname "$0")/lib.sh"

PKGS="make gcc libc6-dev patch rsync cpio xz-utils zstd bc bison flex kmod perl python3
      libssl-dev libelf-dev ccache sparse gcc-aarch64-linux-gnu libc6-dev-arm64-cross
      libfdt-dev qemu-system-arm linux-source-6.12"

installed() {
	dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null | grep -q '^install ok installed'
}

missing=
for p in $PKGS; do
	installed "$p" || missing="$missing $p"
done
need_arch=
dpkg --print-foreign-architectures | grep -qx arm64 || need_arch=1
[ -z "$missing" ] && [ -z "$need_arch" ] && exit 0

msg "harness: installing:$missing"
SUDO=
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || die "need root (or sudo) to apt-get install:$missing"
	SUDO=sudo
fi
# busybox-static, the L1 kernel and libfdt-dev:arm64 are arm64 packages: fetch-debs.sh downloads
# and unpacks them into build/ (installing them would replace the build machine's own busybox).
if [ -n "$need_arch" ]; then
	$SUDO dpkg --add-architecture arm64 || die "dpkg --add-architecture arm64 failed"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q || die "apt-get update failed"
[ -z "$missing" ] && exit 0
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing || die "apt-get install failed:$missing"
