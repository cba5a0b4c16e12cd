#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Download (not install) the arm64 packages the boots need and unpack what is used:
#  - busybox-static:arm64 for both initramfs images;
#  - Debian's stock arm64 6.12 kernel, the KVM host of the L1 machine;
#  - libfdt-dev:arm64, whose libfdt.a the static arm64 emulator links (only the archive and the
#    headers are used, so its shared-library package libfdt1 is not needed).
. "$(dirname "$0")/lib.sh"

DEBS=$BUILD/debs
mkdir -p "$DEBS"
cd "$DEBS" || exit 1

fetch() { # fetch PACKAGE:arm64 -> unpacked into $DEBS/PACKAGE/
	local pkg=$1 dir=${1%:arm64}
	[ -f "$dir/.done" ] && return 0
	rm -rf "$dir" ./*.deb.part
	apt-get download "$pkg" >"$LOGS/apt-download-$dir.log" 2>&1 ||
		{ apt-get update -q >/dev/null 2>&1 && apt-get download "$pkg" >>"$LOGS/apt-download-$dir.log" 2>&1; } ||
		die "apt-get download $pkg failed (see build/logs/apt-download-$dir.log)"
	mkdir -p "$dir"
	dpkg-deb -x "${dir}"_*_arm64.deb "$dir" || die "unpacking $pkg failed"
	rm -f "${dir}"_*_arm64.deb
	touch "$dir/.done"
}

fetch busybox-static:arm64
[ -x busybox-static/bin/busybox ] || die "busybox-static has no /bin/busybox"
fetch libfdt-dev:arm64
[ -f "$LIBFDT_ARM64/usr/lib/aarch64-linux-gnu/libfdt.a" ] || die "libfdt-dev:arm64 has no libfdt.a"

# The newest stock 6.12 arm64 kernel in the archive, unless L1_KERNEL_PKG names one.
if [ -z "${L1_KERNEL_PKG:-}" ]; then
	L1_KERNEL_PKG=$(apt-cache pkgnames linux-image-6.12. 2>/dev/null |
		grep -E '^linux-image-6\.12\.[0-9]+\+deb[0-9]+-arm64-unsigned$' | sort -V | tail -n 1)
	[ -n "$L1_KERNEL_PKG" ] || die "no linux-image-6.12.*-arm64-unsigned in the apt lists (dpkg --add-architecture arm64; apt-get update)"
fi
fetch "$L1_KERNEL_PKG:arm64"
ln -sfn "$L1_KERNEL_PKG" l1-kernel
ls l1-kernel/boot/vmlinuz-* >/dev/null 2>&1 || die "$L1_KERNEL_PKG has no /boot/vmlinuz"
