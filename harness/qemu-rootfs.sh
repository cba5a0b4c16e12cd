#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Debian 12's own arm64 QEMU, and optionally libvirt, for our kernel's userspace: the packages
# and their whole Depends closure (no Recommends) are downloaded from Debian's archive with
# apt-get download and unpacked, never installed, into build/qemu-root/, a root filesystem
# tree. No binary is rebuilt or patched; what a headless `-M virt -kernel` run never reads
# (documentation, locales, the 32-bit qemu-system-arm, maintainer-script machinery) is removed.
#   qemu-rootfs.sh [qemu] [libvirt] [debug]
#     qemu      qemu-system-arm:arm64 (it holds qemu-system-aarch64); the default
#     libvirt   adds libvirt-daemon, libvirt-daemon-driver-qemu and libvirt-clients
#     debug     adds strace (QEMU's KVM ioctls when it fails on the Gunyah backend)
# The resolved package lists (build/qemu-debs/SET.list) and the .deb files are cached, and the
# tree is rebuilt only when a set is added or this script changes: a second run is instant.
# Delete build/qemu-debs/SET.list to resolve a set again against newer apt lists. The tree's
# /.harness-rootfs names the sets and every package version in it.
. "$(dirname "$0")/lib.sh"

ROOT=$QEMU_ROOT
DEBS=$BUILD/qemu-debs
STAMP=$ROOT/.harness-rootfs

declare -A SET_PKGS=(
	[qemu]="qemu-system-arm"
	[libvirt]="qemu-system-arm libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients"
	[debug]="qemu-system-arm strace"
)

# Paths under the tree that a headless run never reads.
TRIM=(
	usr/share/doc usr/share/man usr/share/info usr/share/locale usr/share/lintian
	usr/share/bug usr/share/gtk-doc usr/share/bash-completion usr/share/zsh
	usr/share/iso-codes usr/share/xml/iso-codes
	usr/share/applications usr/share/icons usr/share/pixmaps usr/share/pkgconfig usr/share/gdb
	usr/share/gcc usr/share/doc-base usr/share/gst-plugins-base usr/share/pmdk
	usr/lib/aarch64-linux-gnu/*.a
	# glibc's character set converters: 19 MiB, and QEMU converts nothing.
	usr/lib/aarch64-linux-gnu/gconv
	# The 32-bit Arm system emulator and the storage daemon: only qemu-system-aarch64 runs.
	usr/bin/qemu-system-arm usr/bin/qemu-storage-daemon
	# Firmware and option ROMs of the other machines (x86, PowerPC, SPARC, s390, RISC-V, HPPA):
	# an aarch64 `virt` machine with -kernel loads none. The keymaps stay (VNC, for libvirt).
	usr/share/qemu/*.bin usr/share/qemu/*.img usr/share/qemu/*.dtb usr/share/qemu/*.rom
	usr/share/qemu/*.lid usr/share/qemu/*.elf usr/share/qemu/openbios-* usr/share/qemu/palcode-*
	# Maintainer-script machinery of the arch-all packages in the closure (perl, debconf).
	usr/share/perl5 usr/share/debconf usr/sbin/adduser usr/sbin/deluser usr/sbin/addgroup
	usr/sbin/delgroup usr/bin/debconf usr/bin/debconf-apt-progress usr/bin/debconf-communicate
	usr/bin/debconf-copydb usr/bin/debconf-escape usr/bin/debconf-set-selections
	usr/bin/debconf-show usr/sbin/dpkg-preconfigure usr/sbin/dpkg-reconfigure
)

sets=("$@")
[ ${#sets[@]} -gt 0 ] || sets=(qemu)
for s in "${sets[@]}"; do
	[ -n "${SET_PKGS[$s]:-}" ] || die "qemu-rootfs: unknown set '$s' (qemu, libvirt or debug)"
done
self=$(sha256sum "$0" | cut -c1-16)

# Nothing to do when every requested set is in the tree, unpacked by this very script.
if [ -f "$STAMP" ] && [ "$(sed -n 1p "$STAMP")" = "$self" ]; then
	have=1
	for s in "${sets[@]}"; do
		grep -qx "set $s" "$STAMP" || have=
	done
	[ -n "$have" ] && exit 0
fi
# Keep the sets already there.
[ -f "$STAMP" ] && while read -r k s; do
	[ "$k" = set ] && sets+=("$s")
done <"$STAMP"
mapfile -t sets < <(printf '%s\n' "${sets[@]}" | sort -u)

mkdir -p "$DEBS"
# The closure as apt's own resolver sees it for an empty system, one name:arch=version a line,
# arm64 and arch-all packages only (the dependencies of arch-all packages resolve to the build
# machine's architecture, and nothing of that architecture runs in our kernel).
resolve() { # resolve SET
	local pkgs=() p
	for p in ${SET_PKGS[$1]}; do pkgs+=("$p:arm64"); done
	: >"$DEBS/empty-status"
	apt-get install -s -q -o APT::Install-Recommends=0 -o Dir::State::status="$DEBS/empty-status" \
		-o Debug::NoLocking=1 "${pkgs[@]}" >"$LOGS/qemu-rootfs-resolve-$1.log" 2>&1 ||
		return 1
	sed -nE 's/^Inst ([^ ]+) \(([^ ]+) .*\[(arm64|all)\]\).*/\1=\2/p' \
		"$LOGS/qemu-rootfs-resolve-$1.log" | sort >"$DEBS/$1.list.new"
	[ -s "$DEBS/$1.list.new" ] && mv "$DEBS/$1.list.new" "$DEBS/$1.list"
}
deb_file() { # deb_file name[:arch]=version -> the file name apt-get download writes
	local name=${1%%=*} ver=${1#*=} arch=all
	case $name in *:*) arch=${name#*:}; name=${name%%:*} ;; esac
	echo "${name}_${ver//:/%3a}_$arch.deb"
}
download() { # download SET: every .deb of its list not yet in the cache
	local want=() p
	while read -r p; do
		[ -f "$DEBS/$(deb_file "$p")" ] || want+=("$p")
	done <"$DEBS/$1.list"
	[ ${#want[@]} -eq 0 ] && return 0
	msg "harness: downloading ${#want[@]} arm64 packages for '$1'"
	(cd "$DEBS" && apt-get download "${want[@]}") >>"$LOGS/qemu-rootfs-download-$1.log" 2>&1
}

for s in "${sets[@]}"; do
	if [ ! -s "$DEBS/$s.list" ]; then
		resolve "$s" || die "resolving the '$s' packages failed (see build/logs/qemu-rootfs-resolve-$s.log)"
	fi
	if ! download "$s"; then
		# The archive moved on (a security update): refresh the lists and resolve again.
		apt-get update -q >/dev/null 2>&1
		{ resolve "$s" && download "$s"; } ||
			die "downloading the '$s' packages failed (see build/logs/qemu-rootfs-download-$s.log)"
	fi
done

# Unpack every set into a fresh tree, then trim it.
rm -rf "$ROOT.new"
mkdir -p "$ROOT.new"
(cd "$DEBS" && cat "${sets[@]/%/.list}" | sort -u) >"$DEBS/unpack.list"
while read -r p; do
	dpkg-deb -x "$DEBS/$(deb_file "$p")" "$ROOT.new" || die "unpacking $p failed"
done <"$DEBS/unpack.list"
for t in "${TRIM[@]}"; do
	# shellcheck disable=SC2086 # globs
	rm -rf "${ROOT:?}".new/$t
done
{
	echo "$self"
	printf 'set %s\n' "${sets[@]}"
	cat "$DEBS/unpack.list"
} >"$ROOT.new/.harness-rootfs"
rm -rf "$ROOT"
mv "$ROOT.new" "$ROOT"
msg "harness: ${ROOT#"$TOP"/}: ${sets[*]}, $(wc -l <"$DEBS/unpack.list") packages, $(du -sh "$ROOT" | cut -f1)"
