#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make run`: boot the stack to the shell of its last layer, or run RUN='command' there and exit
# with its status.
#   STACK=gunyah       L1 KVM host (QEMU TCG) -> Gunyah emulator -> our kernel -> Debian's QEMU
#                      -accel kvm -> a Linux guest: the guest's shell (the default)
#   STACK=gunyah-host  the same without QEMU: our kernel's shell, RUN runs in our kernel
#   STACK=direct       our kernel straight under QEMU (Linux at EL1, no hypervisor)
# Quiet: a line per layer as it starts, then only the command's output, or the shell. The whole
# console is in build/logs/run-STACK.log; V=1 shows it as it comes. VMM=libvirt (STACK=gunyah):
# libvirtd in our kernel starts the guest, the domain of Documentation/virt/kvm/arm/
# gunyah-domain.xml, and the shell is virsh console's.
. "$(dirname "$0")/lib.sh"

RUN=${RUN:-}
V=${V:-}
VMM=${VMM:-qemu}
STACK=${STACK:-}
if [ -z "$STACK" ]; then
	STACK=direct
	[ -f "$TOP/tools/testing/gunyah/Makefile" ] && STACK=gunyah
fi
case $VMM in
qemu|libvirt) ;;
*) die "VMM must be qemu or libvirt" ;;
esac
LIBVIRT=
[ "$VMM" = qemu ] || LIBVIRT=1
case $STACK in
gunyah) LAST=@@guest WHO=guest ;;
gunyah-host|direct)
	[ -z "$LIBVIRT" ] || die "VMM=libvirt needs STACK=gunyah, the stack where QEMU boots a guest"
	LAST=@@harness WHO="our kernel"
	;;
*) die "STACK must be gunyah, gunyah-host or direct" ;;
esac
T0=$(now)
log=$LOGS/run-$STACK.log
run64=$(printf '%s' "$RUN" | base64 -w0)

layer() { msg "$(printf 'run: [%4.0fs]' "$(elapsed "$T0")") $*"; }

# What the stack boots, built when missing or out of date.
build() {
	local targets=(initramfs)
	[ "$STACK" = direct ] || targets+=(emulator)
	make -C "$TOP" --no-print-directory "${targets[@]}" || return 1
	[ "$STACK" != gunyah ] || guest_initramfs qemu
}

# The console of the stack on stdin: all of it into $log, a line on stderr as each layer starts,
# and on stdout the output of RUN or, from the shell's marker on, the shell as it comes.
console() {
	local line rc m cur='' shown=0 show=''
	: >"$log"
	if [ -n "$V" ]; then
		tee -a "$log"
		return
	fi
	while :; do
		line=
		IFS= read -r -t 0.05 line
		rc=$?
		printf '%s' "$line" >>"$log"
		cur+=$line
		# Markers start a line, after the carriage returns a line may start with.
		m=${cur#"${cur%%[!$'\r']*}"}
		if [ $rc -gt 128 ]; then
			# Part of a line that may wait long for its end: a prompt, an echo. What may
			# be a marker waits for the rest of its line.
			if [ "$show" = tty ] && [[ @@ != "$m"* && $m != @@* ]]; then
				printf '%s' "${cur:shown}"
				shown=${#cur}
			fi
			continue
		fi
		[ $rc -ne 0 ] || printf '\n' >>"$log"
		case $m in
		'@@run gunyah-emu'*) layer "Gunyah emulator starting our kernel..." ;;
		'@@harness qemu '*) layer "our kernel: QEMU -accel kvm booting the guest..." ;;
		'@@harness libvirt '*) layer "our kernel: libvirtd up, virsh start: QEMU -accel kvm booting the guest..." ;;
		"$LAST run"*) layer "$WHO: running '$RUN'"; show=run ;;
		"$LAST shell"*)
			layer "$WHO: its shell (leave it to power off;${LIBVIRT:+ Ctrl-] leaves virsh console and shuts the guest down;} Ctrl-A x kills the whole stack)"
			show='tty'
			;;
		*"$LAST exit "[0-9]*|"$LAST poweroff"*|'@@harness qemu-exit'*|'@@harness libvirt-exit'*)
			# A last line with no newline of its own ends where the marker starts.
			cur=${cur%"$LAST exit "*}
			[ "$show" != run ] || [ -z "${cur//$'\r'/}" ] || printf '%s\n' "${cur//$'\r'/}"
			show=
			;;
		*)
			case $show in
			run) printf '%s\n' "${cur//$'\r'/}" ;;
			tty) printf '%s\n' "${cur:shown}" ;;
			esac
			;;
		esac
		cur='' shown=0
		[ $rc -eq 0 ] || break
	done
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
		emu="echo @@run gunyah-emu; stty -isig 2>/dev/null; /harness/gunyah-emu --mem 512M --cpus 2 --initrd /harness/guest.cpio --cmdline '$cmdline' /harness/Image"
		[ -z "$RUN" ] || t=${RUN_TIMEOUT:-1200}
		"$HARNESS_DIR/l1-run.sh" "${i[@]}" -t "$t" \
			-f "$EMU_OUT/gunyah-emu:/harness/gunyah-emu" -f "$KIMAGE:/harness/Image:644" \
			-f "$GUEST_INITRAMFS:/harness/guest.cpio:644" -- "$emu"
		;;
	gunyah)
		# The initramfs with QEMU is 105 MB unpacked and QEMU's guest has 256 MiB: our kernel
		# gets 768 MiB, as in make check's QEMU run (qemu-check.sh), and the L1 machine's
		# initramfs, carrying it, is zstd.
		cmdline="console=ttyAMA0 panic=-1 kunit.enable=0 harness.guest${RUN:+ harness.guest.run=$run64}${LIBVIRT:+ harness.guest.vmm=libvirt}${V:+ harness.verbose}"
		emu="echo @@run gunyah-emu; stty -isig 2>/dev/null; /harness/gunyah-emu --mem 768M --cpus 2 --initrd /harness/guest.cpio --cmdline '$cmdline' /harness/Image"
		[ -z "$RUN" ] || t=${RUN_TIMEOUT:-1800}
		INITRAMFS_COMPRESS=zstd "$HARNESS_DIR/l1-run.sh" "${i[@]}" -t "$t" \
			-f "$EMU_OUT/gunyah-emu:/harness/gunyah-emu" -f "$KIMAGE:/harness/Image:644" \
			-f "$GUEST_INITRAMFS_QEMU:/harness/guest.cpio:644" -- "$emu"
		;;
	esac
}

if [ -n "$V" ]; then
	build || exit 1
else
	layer "building what is missing (log: ${LOGS#"$TOP"/}/run-build.log)"
	if ! build >"$LOGS/run-build.log" 2>&1; then
		tail -n 20 "$LOGS/run-build.log" >&2
		die "the build failed (see ${LOGS#"$TOP"/}/run-build.log)"
	fi
fi
case $STACK in
direct) layer "our kernel booting straight under QEMU TCG (Linux at EL1, no hypervisor)..." ;;
*) layer "L1 KVM host (QEMU TCG, Debian's kernel at EL2) booting..." ;;
esac
# Ctrl-C during a RUN (the terminal's, not the guest's) stops every QEMU; then nothing more to say.
trap 'exit 130' INT
if [ -n "$RUN" ]; then
	boot </dev/null | console
else
	# The terminal is QEMU's input: Ctrl-A x quits it, and with it everything it runs.
	boot | console
	st=${PIPESTATUS[0]}
	[ -n "$V" ] || layer "the stack has shut down (console: ${log#"$TOP"/})"
	exit "$st"
fi
st=$(tr -d '\r' <"$log" | sed -n 's/.*@@harness exit \([0-9][0-9]*\)$/\1/p' | tail -n 1)
if [ -z "$st" ]; then
	msg "---- last lines of ${log#"$TOP"/} ----"
	tr -d '\r' <"$log" | tail -n 20 >&2
	msg "harness: error: the command's exit status never arrived (see ${log#"$TOP"/})"
	exit 125
fi
exit "$st"
