#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build an initramfs with the kernel's own gen_init_cpio (no root needed for /dev/console).
#   mkinitramfs.sh [-t TREE]... OUT.cpio.gz INIT [HOSTFILE:GUESTPATH[:MODE]]...
# -t TREE: a root filesystem tree (directories, files, symbolic links) laid out under / next
# to busybox, as the Debian userspace of build/qemu-root is.
# INITRAMFS_COMPRESS=zstd: zstd instead of gzip, for the large ones (QEMU's root filesystem):
# it packs 100 MB in a second and unpacks four times as fast as gzip in a slow machine.
. "$(dirname "$0")/lib.sh"

trees=()
while [ "${1:-}" = -t ]; do
	[ -d "$2" ] || die "initramfs: tree $2 missing"
	trees+=("$2")
	shift 2
done
out=$1 init=$2
shift 2
GEN=$BUILD/tools/gen_init_cpio
if [ ! -x "$GEN" ] || [ "$KSRC_DIR/usr/gen_init_cpio.c" -nt "$GEN" ]; then
	mkdir -p "$BUILD/tools"
	gcc -O2 -o "$GEN" "$KSRC_DIR/usr/gen_init_cpio.c" || die "building gen_init_cpio failed"
fi
BUSYBOX=$BUILD/debs/busybox-static/bin/busybox
[ -x "$BUSYBOX" ] || die "$BUSYBOX missing: run harness/fetch-debs.sh"

spec=$(mktemp)
trap 'rm -f "$spec"' EXIT
{
	for d in /bin /sbin /usr /usr/bin /usr/sbin /dev /proc /sys /tmp /root /harness; do
		echo "dir $d 755 0 0"
	done
	echo "nod /dev/console 600 0 0 c 5 1"
	echo "file /bin/busybox $BUSYBOX 755 0 0"
	echo "file /init $init 755 0 0"
	declare -A dirs
	for spec_item in "$@"; do
		IFS=: read -r src dst mode <<<"$spec_item"
		[ -f "$src" ] || die "initramfs: $src missing"
		d=$(dirname "$dst")
		while [ "$d" != / ] && [ -z "${dirs[$d]:-}" ]; do
			dirs[$d]=1
			d=$(dirname "$d")
		done
		echo "file $dst $src ${mode:-755} 0 0"
	done
	for d in "${!dirs[@]}"; do echo "dir $d 755 0 0"; done | sort
	for t in "${trees[@]}"; do
		find "$t" -mindepth 1 \( -type d -printf 'dir /%P %m 0 0\n' \) -o \
			\( -type f -printf 'file /%P %p %m 0 0\n' \) -o \
			\( -type l -printf 'slink /%P %l 777 0 0\n' \)
	done
} >"$spec.tmp"
# Directories must precede their files; a directory named twice is made once.
{ grep '^dir ' "$spec.tmp" | sort -k2,2 -u; grep -v '^dir ' "$spec.tmp"; } >"$spec"
rm -f "$spec.tmp"
mkdir -p "$(dirname "$out")"
case ${INITRAMFS_COMPRESS:-gzip} in
gzip) compress=(gzip -6) ;;
zstd) compress=(zstd -q -3 -T0) ;;
*) die "INITRAMFS_COMPRESS must be gzip or zstd" ;;
esac
"$GEN" "$spec" | "${compress[@]}" >"$out.tmp" || die "gen_init_cpio failed"
mv "$out.tmp" "$out"
