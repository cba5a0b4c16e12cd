#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build an initramfs with the kernel's own gen_init_cpio (no root needed for /dev/console).
#   mkinitramfs.sh OUT.cpio.gz INIT [HOSTFILE:GUESTPATH[:MODE]]...
. "$(dirname "$0")/lib.sh"

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
} >"$spec.tmp"
# Directories must precede their files.
{ grep '^dir ' "$spec.tmp" | sort -u; grep -v '^dir ' "$spec.tmp"; } >"$spec"
rm -f "$spec.tmp"
mkdir -p "$(dirname "$out")"
"$GEN" "$spec" | gzip -6 >"$out.tmp" || die "gen_init_cpio failed"
mv "$out.tmp" "$out"
