#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boot the L1 KVM host machine with extra files and run a command there.
#   l1-run.sh [-i] [-t TIMEOUT] [-f HOSTFILE:GUESTPATH]... [-T TREE]... [-r RESULTS] [-- 'command']
# -T TREE lays a root filesystem tree out under / (build/qemu-root: Debian's QEMU).
# The console goes to stdout; with -i it is also the command's input (an interactive
# session: the terminal is handed to QEMU). Exit status: the command's, or that of the KVM smoke payload
# when no command is given; 125 when the machine failed to report (timeout, panic).
. "$(dirname "$0")/lib.sh"

timeout_s=900
results=
interactive=
files=()
trees=()
while [ $# -gt 0 ]; do
	case $1 in
	-i) interactive=1; shift ;;
	-t) timeout_s=$2; shift 2 ;;
	-f) files+=("$2"); shift 2 ;;
	-T) trees+=(-t "$2"); shift 2 ;;
	-r) results=$2; shift 2 ;;
	--) shift; break ;;
	*) die "usage: l1-run.sh [-i] [-t TIMEOUT] [-f HOSTFILE:GUESTPATH]... [-T TREE]... [-r RESULTS] [-- 'command']" ;;
	esac
done
cmd=$*

mkdir -p "$L1_DIR"
"$HARNESS_DIR/fetch-debs.sh" || exit 125
if [ ! -x "$L1_DIR/kvm-smoke" ] || [ "$HARNESS_DIR/kvm-smoke.c" -nt "$L1_DIR/kvm-smoke" ]; then
	aarch64-linux-gnu-gcc -static -O2 -Wall -Wextra -o "$L1_DIR/kvm-smoke" "$HARNESS_DIR/kvm-smoke.c" ||
		die "building kvm-smoke failed"
fi

work=$(mktemp -d "$L1_DIR/run.XXXXXX")
trap 'rm -rf "$work"' EXIT
extra=("$L1_DIR/kvm-smoke:/harness/kvm-smoke")
if [ -n "$cmd" ]; then
	printf '%s\n' "$cmd" >"$work/cmd.sh"
	extra+=("$work/cmd.sh:/harness/cmd.sh:644")
fi
"$HARNESS_DIR/mkinitramfs.sh" "${trees[@]}" "$work/l1.cpio.gz" "$HARNESS_DIR/l1-init" "${extra[@]}" "${files[@]}" || exit 125

[ -n "$results" ] || results=$work/results
: >"$results"
if [ -n "$interactive" ]; then
	qemu_l1 "$timeout_s" "$work/l1.cpio.gz" "$results"
	rc=$?
	: >"$work/console.log"
else
	qemu_l1 "$timeout_s" "$work/l1.cpio.gz" "$results" </dev/null | tee "$work/console.log"
	rc=${PIPESTATUS[0]}
fi
why=$(boot_failure "$rc" "$work/console.log" "$timeout_s")
if [ -n "$why" ] || ! grep -q '^done ' "$results"; then
	msg "l1-run: the L1 machine did not finish: ${why:-no 'done' result}"
	exit 125
fi
if [ -n "$cmd" ]; then
	st=$(awk '$1 == "cmd" { print $2 }' "$results")
else
	st=$(awk '$1 == "kvm-smoke" { print $2 }' "$results")
fi
exit "${st:-125}"
