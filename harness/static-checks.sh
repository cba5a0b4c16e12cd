#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Static checks: sparse over every kernel directory with our C files, and checkpatch --strict
# on each C file of the repository (kernel code, the emulator, the harness). Run after kernel-build.sh (same W=1 flags, so
# make only runs the checker and recompiles nothing).
. "$(dirname "$0")/lib.sh"

ours=$(grep -E '^(arch|drivers|virt|mm|kernel|include)/.*\.[ch]$' "$KSRC_DIR/.harness/overlay.list")
dirs=$(echo "$ours" | grep '\.c$' | xargs -r -n1 dirname | sort -u | sed 's#$#/#')

if [ -n "$dirs" ]; then
	# shellcheck disable=SC2086
	make -C "$KSRC_DIR" O="$KOUT" $KARCH W=1 C=2 CHECK=sparse $dirs >"$LOGS/sparse.log" 2>&1
	rc=$?
	found=$(grep -aE '^[^ ]+:[0-9]+:[0-9]+: (warning|error):' "$LOGS/sparse.log" |
		sed -E 's#^(\.\./)*([^:]*/build/linux/)?##' | while IFS= read -r w; do
			echo "$ours" | grep -qxF "${w%%:*}" && echo "$w"
		done)
	if [ $rc -ne 0 ]; then
		result FAIL static/sparse "make C=2 failed (build/logs/sparse.log)"
	elif [ -n "$found" ]; then
		echo "$found" >&2
		result FAIL static/sparse "$(echo "$found" | wc -l) findings in our code"
	else
		result PASS static/sparse
	fi
fi

if git -C "$TOP" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	all_c=$(git -C "$TOP" ls-files --cached --others --exclude-standard -- '*.c' '*.h')
else
	all_c=$(cd "$TOP" && find arch drivers include virt tools harness -name '*.[ch]' 2>/dev/null)
fi
# One checkpatch per file, two at a time (it is slow and single-threaded); from build/, since in
# a git checkout checkpatch would leave a camelcase cache file behind.
cp_out=$BUILD/checkpatch
rm -rf "$cp_out"
mkdir -p "$cp_out"
# shellcheck disable=SC2016
printf '%s\n' $all_c | (cd "$BUILD" && xargs -r -P "$(nproc)" -I{} sh -c \
	'perl "$1/scripts/checkpatch.pl" --strict --no-tree --terse --show-types -f "$2/$3" \
		>"$4/$(echo "$3" | tr / _)" 2>&1' sh "$KSRC_DIR" "$TOP" {} "$cp_out")
for f in $all_c; do
	out=$(grep -E ': (ERROR|WARNING|CHECK):' "$cp_out/$(echo "$f" | tr / _)")
	if [ -z "$out" ]; then
		result PASS "static/checkpatch/$f"
	else
		echo "$out" >>"$LOGS/checkpatch.log"
		result FAIL "static/checkpatch/$f" "$(echo "$out" | wc -l) findings (build/logs/checkpatch.log)"
	fi
done
exit 0
