#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Debian's own qemu-system-aarch64 -accel kvm (harness/qemu-rootfs.sh) boots a Linux guest
# (harness/guest-tests/qemu-boot.sh: two virtio-blk transports, virtio-net, a reboot):
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

stage qemu-rootfs "$HARNESS_DIR/qemu-rootfs.sh" &&
	stage guest-initramfs-qemu guest_initramfs qemu
st=$?
if [ $st -ne 0 ]; then
	result FAIL build/qemu-rootfs "$(grep -h -m1 -a 'harness: error:' "$LOGS/qemu-rootfs.log" \
		"$LOGS/guest-initramfs-qemu.log" 2>/dev/null | sed 's/^harness: error: //')"
	exit 0
fi
result PASS build/qemu-rootfs
msg "  QEMU root filesystem $(du -sh "$QEMU_ROOT" | cut -f1), our kernel's initramfs with it $(du -h "$GUEST_INITRAMFS_QEMU" | cut -f1)"

for side in "${sides[@]}"; do
	case $side in
	native)
		files=(-T "$QEMU_ROOT" -f "$HARNESS_DIR/guest-tests/qemu-boot.sh:/harness/tests/qemu-boot.sh")
		for f in "${QEMU_PAYLOAD[@]}"; do
			files+=(-f "$f")
		done
		stage l1-native-qemu "$HARNESS_DIR/l1-run.sh" -t 600 -r "$LOGS/l1-native-qemu-results.txt" \
			"${files[@]}" -- 'QEMU_BOOT_TIMEOUT=240 sh /harness/tests/qemu-boot.sh' </dev/null
		st=$?
		why=$(grep -a -E '^(qemu-boot|l1-run): ' "$LOGS/l1-native-qemu.log" | tail -n 1 | tr -d '\r')
		if [ "$st" -eq 0 ]; then
			result PASS native/qemu-boot
		else
			result FAIL native/qemu-boot "${why:-exit status $st}"
		fi
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
		# that on a loaded one; QEMU_BOOT_TIMEOUT bounds each run.
		cmdline="console=ttyAMA0 panic=-1 kunit.enable=0 harness.mode=check harness.tests=qemu-boot QEMU_BOOT_TIMEOUT=400"
		log=$LOGS/l1-qemu.log
		stage l1-qemu "$HARNESS_DIR/l1-run.sh" -t 960 -r "$LOGS/l1-qemu-results.txt" \
			-f "$EMU:/harness/gunyah-emu" -f "$KIMAGE:/harness/Image:644" \
			-f "$GUEST_INITRAMFS_QEMU:/harness/guest.cpio.gz:644" -- \
			"/harness/gunyah-emu --mem 768M --cpus 2 --timeout 900 --initrd /harness/guest.cpio.gz --cmdline '$cmdline' /harness/Image" \
			</dev/null
		if [ $? -eq 125 ]; then
			result FAIL emu-qemu/l1-boot "$(grep -a -m1 'l1-run:' "$log" | sed 's/^l1-run: //')"
		else
			result PASS emu-qemu/l1-boot
		fi
		guest_test_results emu-qemu "$log"
		grep -qa '^@@harness test qemu-boot ' "$log" ||
			result FAIL emu-qemu/guest/qemu-boot "the test did not run (see ${log#"$TOP"/})"
		kernel_reports emu-qemu "$log"
		# Whatever QEMU did, nothing stays with the RM.
		for c in rm_vmids_left rm_parcels_left secondary_vms_left; do
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
