#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The L1 stage of `make check`: boot the KVM host machine, check KVM, and run our kernel
# under the Gunyah emulator there (L1 -> gunyah-emu -> our kernel).
. "$(dirname "$0")/lib.sh"

L1_TIMEOUT=${1:-1200}
EMU_DIR=$TOP/tools/testing/gunyah
EMU=$EMU_OUT/gunyah-emu
EMU_TIMEOUT=$((L1_TIMEOUT - 120))
emu=
emu_missing="tools/testing/gunyah not present yet"

headers() { # 6.12 uapi headers for userspace that needs newer KVM ioctls than the cross libc's
	# shellcheck disable=SC2086
	make -C "$KSRC_DIR" O="$KOUT" $KARCH headers
}
if [ -f "$EMU_DIR/Makefile" ]; then
	if stage kernel-headers headers &&
	   stage emulator-build make -C "$EMU_DIR" OUT="$EMU_OUT" CROSS_COMPILE=aarch64-linux-gnu- \
		KHDR="$KOUT/usr/include"; then
		result PASS build/gunyah-emu
		emu=1
	else
		result FAIL build/gunyah-emu "see build/logs/emulator-build.log"
		emu_missing="gunyah-emu did not build"
	fi
fi

files=()
cmd=
if [ -n "$emu" ]; then
	files=("$EMU:/harness/gunyah-emu" "$KIMAGE:/harness/Image:644"
	       "$GUEST_INITRAMFS:/harness/guest.cpio.gz:644")
	cmd="/harness/gunyah-emu --mem 512M --cpus 2 --timeout $EMU_TIMEOUT \
--initrd /harness/guest.cpio.gz --cmdline 'console=ttyAMA0 panic=-1 harness.mode=check' /harness/Image"
fi
res=$LOGS/l1-results.txt
# l1-run.sh takes "-f X" pairs; build them explicitly.
args=()
for f in "${files[@]}"; do args+=(-f "$f"); done
l1_boot() {
	"$HARNESS_DIR/l1-run.sh" -t "$L1_TIMEOUT" -r "$res" "${args[@]}" ${cmd:+-- "$cmd"} </dev/null
}
stage l1-boot l1_boot
rc=$?
log=$LOGS/l1-boot.log
if [ $rc -eq 125 ]; then
	result FAIL l1/boot "$(grep -a -m1 'l1-run:' "$log" | sed 's/^l1-run: //')"
else
	result PASS l1/boot
fi
l1_result() { # l1_result KEY NAME WHAT
	local st
	st=$(awk -v k="$1" '$1 == k { print $2 }' "$res")
	if [ "$st" = 0 ]; then
		result PASS "$2"
	else
		result FAIL "$2" "$3 (status ${st:-missing})"
	fi
}
l1_result kvm-dev l1/dev-kvm-present "/dev/kvm missing in L1"
l1_result kvm-init l1/kvm-initialised "KVM did not initialise in L1"
l1_result kvm-smoke l1/kvm-smoke-guest-ran "the smoke guest did not run under L1 KVM"

if [ -z "$emu" ]; then
	result SKIP l1/gunyah-emu "$emu_missing"
	exit 0
fi
l1_result cmd l1/gunyah-emu-exit "gunyah-emu did not finish cleanly"
"$HARNESS_DIR/emu-results.sh" "$log"
exit 0
