#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make run`: boot our kernel to its shell, or run RUN='command' there and return its status.
#   STACK=direct  our kernel straight under QEMU (Linux at EL1, no hypervisor)
#   STACK=gunyah  L1 KVM host -> Gunyah emulator -> our kernel (default once the emulator exists)
. "$(dirname "$0")/lib.sh"

RUN=${RUN:-}
STACK=${STACK:-}
if [ -z "$STACK" ]; then
	STACK=direct
	[ -x "$EMU_OUT/gunyah-emu" ] && STACK=gunyah
fi
append=
[ -n "$RUN" ] && append="harness.run=$(printf '%s' "$RUN" | base64 -w0)"
log=$LOGS/run.log

case $STACK in
direct)
	msg "harness: booting our kernel directly (Ctrl-A x quits QEMU)"
	if [ -n "$RUN" ]; then
		qemu_direct "${RUN_TIMEOUT:-600}" "$append" </dev/null | tee "$log"
	else
		qemu_direct "${RUN_TIMEOUT:-86400}" "$append"
		exit $?
	fi
	;;
gunyah)
	[ -x "$EMU_OUT/gunyah-emu" ] || die "no build/emu/gunyah-emu: run 'make emulator' first"
	msg "harness: booting L1 -> gunyah-emu -> our kernel"
	cmdline="console=ttyAMA0 panic=-1 $append"
	emu="/harness/gunyah-emu --mem 512M --cpus 2 --initrd /harness/guest.cpio.gz --cmdline '$cmdline' /harness/Image"
	files=(-f "$EMU_OUT/gunyah-emu:/harness/gunyah-emu" -f "$KIMAGE:/harness/Image:644"
	       -f "$GUEST_INITRAMFS:/harness/guest.cpio.gz:644")
	if [ -n "$RUN" ]; then
		"$HARNESS_DIR/l1-run.sh" -t "${RUN_TIMEOUT:-1200}" "${files[@]}" -- "$emu" </dev/null | tee "$log"
	else
		"$HARNESS_DIR/l1-run.sh" -i -t "${RUN_TIMEOUT:-86400}" "${files[@]}" -- "$emu"
		exit $?
	fi
	;;
*) die "STACK must be direct or gunyah" ;;
esac
st=$(grep -a '^@@harness exit ' "$log" | tail -n 1 | tr -d '\r' | cut -d' ' -f3)
[ -n "$st" ] || die "the command's exit status never arrived (see $log)"
[ "$st" -eq 0 ] || msg "harness: RUN command exited with status $st"
exit "$st"
