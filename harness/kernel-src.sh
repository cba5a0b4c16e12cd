#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Prepare the kernel source tree in build/linux:
#  1. unpack linux-source-6.12 (or copy $KSRC) once;
#  2. bring the patch series in patches/ to the wanted state, applying only what changed;
#  3. overlay the repository's kernel-layout files, touching only files whose content changed,
#     so that make rebuilds no more than needed.
. "$(dirname "$0")/lib.sh"

STATE=$KSRC_DIR/.harness
TARBALL=${TARBALL:-/usr/src/linux-source-6.12.tar.xz}
OVERLAY_DIRS="arch drivers include virt Documentation tools"

unpack() {
	local origin
	if [ -n "${KSRC:-}" ]; then
		origin="ksrc:$(cd "$KSRC" && pwd)"
	else
		origin="tarball:$TARBALL"
	fi
	if [ -f "$STATE/origin" ] && [ "$(cat "$STATE/origin")" = "$origin" ]; then
		return 0
	fi
	rm -rf "$KSRC_DIR" "$KOUT"
	mkdir -p "$KSRC_DIR"
	if [ -n "${KSRC:-}" ]; then
		[ -f "$KSRC/Makefile" ] && [ -d "$KSRC/arch/arm64" ] || die "KSRC=$KSRC is not a Linux tree"
		msg "harness: copying $KSRC"
		rsync -a --exclude=.git "$KSRC/" "$KSRC_DIR/" || die "copying $KSRC failed"
		[ -f "$KSRC_DIR/.config" ] && die "KSRC=$KSRC has a .config; run 'make mrproper' there first"
	else
		[ -f "$TARBALL" ] || die "$TARBALL missing (package linux-source-6.12)"
		msg "harness: unpacking $TARBALL"
		tar -xJf "$TARBALL" -C "$KSRC_DIR" --strip-components=1 || die "unpacking $TARBALL failed"
	fi
	mkdir -p "$STATE/applied"
	: >"$STATE/applied.list"
	: >"$STATE/overlay.list"
	echo "$origin" >"$STATE/origin"
}

# The applied series is kept as copies in $STATE/applied/, in order. The longest prefix that is
# still wanted, byte for byte, stays; the rest is reverted newest first and the new tail applied.
sync_patches() {
	local -a want have
	local i keep n p
	mapfile -t want < <(sed -e 's/#.*//' -e 's/[[:space:]]*$//' "$TOP/patches/series" | grep -v '^$')
	mapfile -t have <"$STATE/applied.list"
	keep=0
	while [ $keep -lt ${#want[@]} ] && [ $keep -lt ${#have[@]} ] &&
	      [ "${want[$keep]}" = "${have[$keep]}" ] &&
	      cmp -s "$TOP/patches/${want[$keep]}" "$STATE/applied/$keep"; do
		keep=$((keep + 1))
	done
	for ((i = ${#have[@]} - 1; i >= keep; i--)); do
		msg "harness: reverting patch ${have[$i]}"
		patch -d "$KSRC_DIR" -p1 -R -s --no-backup-if-mismatch <"$STATE/applied/$i" ||
			die "reverting ${have[$i]} failed; remove build/linux and retry"
		rm -f "$STATE/applied/$i"
	done
	printf '%s\n' "${have[@]:0:$keep}" | grep -v '^$' >"$STATE/applied.list"
	n=$keep
	for ((i = keep; i < ${#want[@]}; i++)); do
		p=${want[$i]}
		[ -f "$TOP/patches/$p" ] || die "patches/series names $p, which does not exist"
		if ! patch -d "$KSRC_DIR" -p1 -f --dry-run <"$TOP/patches/$p" >"$LOGS/patch-$p.log" 2>&1; then
			cat "$LOGS/patch-$p.log" >&2
			die "patch $p does not apply to $(cat "$STATE/origin")"
		fi
		patch -d "$KSRC_DIR" -p1 -s -f --no-backup-if-mismatch <"$TOP/patches/$p" || die "patch $p failed"
		cp "$TOP/patches/$p" "$STATE/applied/$n"
		echo "$p" >>"$STATE/applied.list"
		msg "harness: applied patch $p"
		n=$((n + 1))
	done
}

overlay_list() {
	cd "$TOP" || exit 1
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		# Tracked plus untracked-but-not-ignored files, as they are in the work tree.
		git ls-files -z --cached --others --exclude-standard -- $OVERLAY_DIRS |
			xargs -0 -r -n 200 sh -c 'for f; do [ -f "$f" ] && printf "%s\n" "$f"; done' sh
	else
		# shellcheck disable=SC2086
		find $OVERLAY_DIRS -type f 2>/dev/null
	fi | sort -u
}

sync_overlay() {
	local new=$STATE/overlay.new f
	overlay_list >"$new"
	# A repository file must never replace an upstream file: those are changed by patches.
	while IFS= read -r f; do
		if [ -e "$KSRC_DIR/$f" ] && ! grep -qxF "$f" "$STATE/overlay.list"; then
			die "repository file $f would replace the upstream file of the same name; change it with a patch in patches/ instead"
		fi
	done < <(comm -23 "$new" "$STATE/overlay.list")
	# Files that left the repository leave the tree too.
	comm -13 "$new" "$STATE/overlay.list" | while IFS= read -r f; do
		rm -f "$KSRC_DIR/$f"
	done
	# -c: copy only what differs, so unchanged files keep their times and are not rebuilt.
	rsync -rc --files-from="$new" "$TOP/" "$KSRC_DIR/" || die "overlay copy failed"
	mv "$new" "$STATE/overlay.list"
}

unpack
sync_patches
sync_overlay
