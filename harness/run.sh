#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make run`: boot the stack to the shell of its last layer, or run RUN='command' there and exit
# with its status.
#   STACK=gunyah       L1 KVM host (QEMU TCG) -> Gunyah emulator -> our kernel -> Debian's QEMU
#                      -accel kvm -> a Linux guest: the guest's shell (the default)
#   STACK=gunyah-host  the same without QEMU: our kernel's shell, RUN runs in our kernel
#   STACK=direct       our kernel straight under QEMU (Linux at EL1, no hypervisor)
# The whole console is in build/logs/run-STACK.log. VMM=libvirt: not yet.
. "$(dirname "$0")/lib.sh"

RUN=${RUN:-}
VMM=${VMM:-qemu}
STACK=${STACK:-}
if [ -z "$STACK" ]; then
	STACK=direct
	[ -f "$TOP/tools/testing/gunyah/Makefile" ] && STACK=gunyah
fi
case $VMM in
qemu) ;;
libvirt) msg "run: VMM=libvirt: not yet; make run starts the guest with QEMU only, for now"; exit 2 ;;
*) die "VMM must be qemu (libvirt: not yet)" ;;
esac
case $STACK in
gunyah|gunyah-host|direct) ;;
*) die "STACK must be gunyah, gunyah-host or direct" ;;
esac
log=$LOGS/run-$STACK.log
run64=$(printf '%s' "$RUN" | base64 -w0)

# What the stack boots, built when missing or out of date.
build() {
	local targets=(initramfs)
	[ "$STACK" = direct ] || targets+=(emulator)
	make -C "$TOP" --no-print-directory "${targets[@]}" || return 1
	[ "$STACK" != gunyah ] || guest_initramfs qemu
}

# The stack, its console on stdout; RUN's status comes back as "@@harness exit N" there.
# RUN_TIMEOUT bounds the whole run (seconds).
boot() {
	local cmdline emu t=${RUN_TIMEOUT:-86400} i=(-i)
	[ -z "$RUN" ] || i=()
	case $STACK in
	direct)
		[ -z "$RUN" ] || t=${RUN_TIMEOUT:-600}
		qemu_direct "$t" "kunit.enable=0${RUN:+ harness.run=$run64}"
		;;
	gunyah-host)
		cmdline="console=ttyAMA0 panic=-1 kunit.enable=0${RUN:+ harness.run=$run64}"
		emu="stty -isig 2>/dev/null; /harness/gunyah-emu --mem 512M --cpus 2 --initrd /harness/guest.cpio --cmdline '$cmdline' /harness/Image"
		[ -z "$RUN" ] || t=${RUN_TIMEOUT:-1200}
		"$HARNESS_DIR/l1-run.sh" "${i[@]}" -t "$t" \
			-f "$EMU_OUT/gunyah-emu:/harness/gunyah-emu" -f "$KIMAGE:/harness/Image:644" \
			-f "$GUEST_INITRAMFS:/harness/guest.cpio:644" -- "$emu"
		;;
	gunyah)
		# The initramfs with QEMU is 105 MB unpacked and QEMU's guest has 256 MiB: our kernel
		# gets 768 MiB, as in make check's QEMU run (qemu-check.sh), and the L1 machine's
		# initramfs, carrying it, is zstd.
		cmdline="console=ttyAMA0 panic=-1 kunit.enable=0 harness.guest${RUN:+ harness.guest.run=$run64}"
		emu="stty -isig 2>/dev/null; /harness/gunyah-emu --mem 768M --cpus 2 --initrd /harness/guest.cpio --cmdline '$cmdline' /harness/Image"
		[ -z "$RUN" ] || t=${RUN_TIMEOUT:-1800}
		INITRAMFS_COMPRESS=zstd "$HARNESS_DIR/l1-run.sh" "${i[@]}" -t "$t" \
			-f "$EMU_OUT/gunyah-emu:/harness/gunyah-emu" -f "$KIMAGE:/harness/Image:644" \
			-f "$GUEST_INITRAMFS_QEMU:/harness/guest.cpio:644" -- "$emu"
		;;
	esac
}

build || exit 1
msg "harness: booting the $STACK stack (Ctrl-A x quits the outermost QEMU)"
if [ -n "$RUN" ]; then
	boot </dev/null | tee "$log"
else
	# The terminal is QEMU's input: Ctrl-A x quits it, and with it everything it runs.
	boot | tee "$log"
	exit "${PIPESTATUS[0]}"
fi
st=$(tr -d '\r' <"$log" | sed -n 's/.*@@harness exit \([0-9][0-9]*\)$/\1/p' | tail -n 1)
if [ -z "$st" ]; then
	msg "harness: error: the command's exit status never arrived (see ${log#"$TOP"/})"
	exit 125
fi
exit "$st"
