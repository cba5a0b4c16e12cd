#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Debian's own qemu-system-aarch64 -accel kvm (harness/qemu-rootfs.sh) boots a Linux guest
# (harness/guest-tests/qemu-boot.sh: two virtio-blk transports, virtio-net, a reboot;
# qemu-robust.sh: QEMU killed with SIGKILL, then two at once):
#  - native: in the L1 machine on its native KVM, the baseline and the proof that the test
#    itself is right;
#  - gunyah: in our kernel under the Gunyah emulator, through /dev/kvm on the Gunyah backend.
#   qemu-check.sh [native] [gunyah]     (default: both; part of make check, from l1-check.sh)
# Needs the kernel, and for gunyah the emulator, built (make kernel emulator).
. "$(dirname "$0")/lib.sh"

# The L1 machine's initramfs carries QEMU's root filesystem or our kernel's: zstd, not gzip.
export INITRAMFS_COMPRESS=zstd

sides=("$@")
[ ${#sides[@]} -gt 0 ] || sides=(native gunyah)
EMU=$EMU_OUT/gunyah-emu

# shellcheck disable=SC2086 # the sets are words
stage qemu-rootfs "$HARNESS_DIR/qemu-rootfs.sh" $QEMU_SETS &&
	stage guest-initramfs-qemu guest_initramfs qemu
st=$?
if [ $st -ne 0 ]; then
	result FAIL build/qemu-rootfs "$(grep -h -m1 -a 'harness: error:' "$LOGS/qemu-rootfs.log" \
		"$LOGS/guest-initramfs-qemu.log" 2>/dev/null | sed 's/^harness: error: //')"
	exit 0
fi
result PASS build/qemu-rootfs
msg "  QEMU root filesystem $(du -sh "$QEMU_ROOT" | cut -f1), our kernel's initramfs with it $(du -h "$GUEST_INITRAMFS_QEMU" | cut -f1)"

# Every guest-tests/qemu-*.sh, on both sides
tests=()
for t in "$HARNESS_DIR"/guest-tests/qemu-*.sh; do
	t=${t##*/}
	tests+=("${t%.sh}")
done

for side in "${sides[@]}"; do
	case $side in
	native)
		files=(-T "$QEMU_ROOT")
		for t in "${tests[@]}"; do
			files+=(-f "$HARNESS_DIR/guest-tests/$t.sh:/harness/tests/$t.sh")
		done
		for f in "${QEMU_PAYLOAD[@]}"; do
			files+=(-f "$f")
		done
		# Each test's status on a line of its own: "@@native TEST STATUS"
		run="for t in ${tests[*]}; do QEMU_BOOT_TIMEOUT=240 sh /harness/tests/\$t.sh"
		run="$run; echo \"@@native \$t \$?\"; done"
		stage l1-native-qemu "$HARNESS_DIR/l1-run.sh" -t 1200 -r "$LOGS/l1-native-qemu-results.txt" \
			"${files[@]}" -- "$run" </dev/null
		st=$?
		for t in "${tests[@]}"; do
			tst=$(grep -a "^@@native $t " "$LOGS/l1-native-qemu.log" | tr -d '\r' | awk '{ print $3 }')
			why=$(grep -a -E "^($t|l1-run): " "$LOGS/l1-native-qemu.log" | tail -n 1 | tr -d '\r')
			if [ "$tst" = 0 ]; then
				result PASS native/$t
			else
				result FAIL native/$t "${why:-exit status ${tst:-missing, boot status $st}}"
			fi
		done
		;;
	gunyah)
		if [ ! -x "$EMU" ]; then
			result SKIP emu-qemu/qemu-boot "no gunyah-emu"
			continue
		fi
		# The initramfs carries QEMU's root filesystem (105 MB unpacked) and QEMU's guest has
		# 256 MiB: the primary VM gets 768 MiB (each MiB costs boot time). KUnit ran in the
		# other boots. Both virtio-blk transports, as natively: one QEMU run with its two
		# guest boots took 60-110 s on the Gunyah backend on an idle machine, several times
		# that on a loaded one; qemu-limits adds two guest boots and a few seconds of probes.
		# QEMU_BOOT_TIMEOUT bounds each run, the stage's limit the whole.
		cmdline="console=ttyAMA0 panic=-1 kunit.enable=0 harness.mode=check harness.tests=qemu-* QEMU_BOOT_TIMEOUT=400"
		log=$LOGS/l1-qemu.log
		stage l1-qemu "$HARNESS_DIR/l1-run.sh" -t 2100 -r "$LOGS/l1-qemu-results.txt" \
			-f "$EMU:/harness/gunyah-emu" -f "$KIMAGE:/harness/Image:644" \
			-f "$GUEST_INITRAMFS_QEMU:/harness/guest.cpio.gz:644" -- \
			"/harness/gunyah-emu --mem 768M --cpus 2 --timeout 2040 --initrd /harness/guest.cpio.gz --cmdline '$cmdline' /harness/Image" \
			</dev/null
		if [ $? -eq 125 ]; then
			result FAIL emu-qemu/l1-boot "$(grep -a -m1 'l1-run:' "$log" | sed 's/^l1-run: //')"
		else
			result PASS emu-qemu/l1-boot
		fi
		guest_test_results emu-qemu "$log"
		for t in "${tests[@]}"; do
			grep -qa "^@@harness test $t " "$log" ||
				result FAIL emu-qemu/guest/$t "the test did not run (see ${log#"$TOP"/})"
		done
		kernel_reports emu-qemu "$log"
		# Whatever QEMU did, nothing stays with the RM, and the host never touched a lent page.
		for c in rm_vmids_left rm_parcels_left secondary_vms_left primary_blocked_accesses; do
			v=$(grep -a "^gunyah-emu: counter $c " "$log" | tail -n 1 | awk '{ print $4 }' | tr -d '\r')
			if [ "$v" = 0 ]; then
				result PASS "emu-qemu/counter/$c"
			else
				result FAIL "emu-qemu/counter/$c" "$c = ${v:-not printed}, expected 0"
			fi
		done
		;;
	*) die "qemu-check.sh: native or gunyah, not '$side'" ;;
	esac
done
exit 0
