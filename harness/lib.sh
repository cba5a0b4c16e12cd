# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the build/boot/test harness. Sourced, not executed.

set -o pipefail

HARNESS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HARNESS_DIR/.." && pwd)
BUILD=${BUILD:-$TOP/build}
LOGS=$BUILD/logs
RESULTS=${RESULTS:-$BUILD/results.txt}
mkdir -p "$LOGS"

# Kernel build locations, shared by every script.
KSRC_DIR=$BUILD/linux
KOUT=$BUILD/kernel
KOUT_DEBUG=$BUILD/kernel-debug
KIMAGE=$KOUT/arch/arm64/boot/Image
KARCH="ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-"
GUEST_INITRAMFS=$BUILD/initramfs/guest.cpio.gz
# The same with the KVM selftests, for our kernel's normal boot under the emulator
GUEST_SELFTESTS_INITRAMFS=$BUILD/initramfs/guest-selftests.cpio.gz
EMU_OUT=$BUILD/emu
# libfdt-dev:arm64 unpacked by fetch-debs.sh: the static emulator links its libfdt.a
LIBFDT_ARM64=$BUILD/debs/libfdt-dev
VMM_OUT=$BUILD/vmm
# The base tree's aarch64 KVM selftests (kvm-selftests-build.sh) and their list: which run
# with which arguments and time limit (kvm-selftests-run.sh).
SELFTESTS_OUT=$BUILD/selftests
SELFTESTS_LIST=$HARNESS_DIR/kvm-selftests.list
SELFTESTS_REASONS=$HARNESS_DIR/kvm-selftests.reasons
L1_DIR=$BUILD/l1

# Debian's arm64 QEMU, unpacked (harness/qemu-rootfs.sh); the guest it boots in the QEMU tests;
# our kernel's initramfs with both.
QEMU_ROOT=$BUILD/qemu-root
# What qemu-rootfs.sh unpacks there: QEMU and libvirt (libvirtd, its QEMU driver, virsh)
QEMU_SETS="qemu libvirt"
QEMU_GUEST=$BUILD/qemu-guest
GUEST_INITRAMFS_QEMU=$BUILD/initramfs/guest-qemu.cpio.zst

# The Linux guest that Debian's QEMU boots in harness/guest-tests/qemu-boot.sh: our Image, a
# busybox initramfs whose init is harness/qemu-guest-init, and the release its uname -r must
# print, under /harness/qemu. Sets QEMU_PAYLOAD to their initramfs file arguments.
qemu_payload() {
	mkdir -p "$QEMU_GUEST"
	INITRAMFS_COMPRESS=gzip \
		"$HARNESS_DIR/mkinitramfs.sh" "$QEMU_GUEST/initrd.cpio.gz" "$HARNESS_DIR/qemu-guest-init" ||
		return 1
	cp "$KOUT/include/config/kernel.release" "$QEMU_GUEST/release" || return 1
	QEMU_PAYLOAD=("$KIMAGE:/harness/qemu/Image:644"
		      "$QEMU_GUEST/initrd.cpio.gz:/harness/qemu/initrd.cpio.gz:644"
		      "$QEMU_GUEST/release:/harness/qemu/release:644"
		      "$HARNESS_DIR/qemu-bench.sh:/harness/qemu/bench.sh"
		      "$HARNESS_DIR/qemu-test-lib.sh:/harness/qemu/lib.sh:644"
		      "$TOP/Documentation/virt/kvm/arm/gunyah-domain.xml:/harness/qemu/gunyah-domain.xml:644")
}

# Our kernel's initramfs: guest-init, the tests it runs in check mode (harness/guest-tests) and
# our VMM and errno table when they have been built (make vmm).
#   guest_initramfs            build/initramfs/guest.cpio.gz
#   guest_initramfs qemu       build/initramfs/guest-qemu.cpio.zst: also Debian's QEMU and libvirt
#                              (the tree of harness/qemu-rootfs.sh at /), its guest and the qemu-*
#                              tests. Only the boots that run QEMU take it: it is 57 MB
#                              compressed, 145 unpacked.
#   guest_initramfs selftests  build/initramfs/guest-selftests.cpio.gz: also the KVM selftests
#                              (kvm-selftests-build.sh), for our kernel's normal boot alone.
guest_initramfs() {
	local files=() trees=() t f out=$GUEST_INITRAMFS compress=gzip
	for t in "$HARNESS_DIR"/guest-tests/*.sh; do
		case ${t##*/} in qemu-*) [ "${1:-}" = qemu ] || continue ;; esac
		files+=("$t:/harness/tests/$(basename "$t")")
	done
	for t in gunyah-kvm-vmm gunyah-kvm-errno; do
		[ -x "$VMM_OUT/$t" ] && files+=("$VMM_OUT/$t:/harness/$t")
	done
	case ${1:-} in
	qemu)
		# shellcheck disable=SC2086 # the sets are words
		"$HARNESS_DIR/qemu-rootfs.sh" $QEMU_SETS && qemu_payload || return 1
		files+=("${QEMU_PAYLOAD[@]}")
		trees=(-t "$QEMU_ROOT")
		out=$GUEST_INITRAMFS_QEMU
		compress=zstd
		;;
	selftests)
		while read -r f; do files+=("$f"); done < <(selftest_files)
		out=$GUEST_SELFTESTS_INITRAMFS
		;;
	esac
	INITRAMFS_COMPRESS=$compress \
		"$HARNESS_DIR/mkinitramfs.sh" "${trees[@]}" "$out" "$HARNESS_DIR/guest-init" "${files[@]}"
}

# The built selftests with their runner and list, one HOST:GUEST[:MODE] a line, for
# mkinitramfs.sh and l1-run.sh -f; nothing before kvm-selftests-build.sh has run.
selftest_files() {
	local p
	[ -d "$SELFTESTS_OUT/bin" ] || return 0
	for p in $(cd "$SELFTESTS_OUT/bin" && find . -type f | sed 's#^\./##' | sort); do
		echo "$SELFTESTS_OUT/bin/$p:/harness/selftests/$p"
	done
	echo "$HARNESS_DIR/kvm-selftests-run.sh:/harness/kvm-selftests-run.sh"
	echo "$SELFTESTS_LIST:/harness/kvm-selftests.list:644"
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

msg() { printf '%s\n' "$*" >&2; }
die() { msg "harness: error: $*"; exit 1; }

# Record one test outcome: result PASS|FAIL|SKIP name [reason]
result() {
	local status=$1 name=$2
	shift 2
	printf '%s %s%s\n' "$status" "$name" "${*:+ # $*}" >>"$RESULTS"
	case $status in
	PASS) msg "  ok   $name" ;;
	SKIP) msg "  skip $name${*:+ ($*)}" ;;
	*) msg "  FAIL $name${*:+ ($*)}" ;;
	esac
}

# Run one named stage with its output in build/logs/NAME.log; print its time.
# stage NAME cmd args...
stage() {
	local name=$1 start rc
	shift
	start=$(now)
	msg "[stage] $name ..."
	"$@" >"$LOGS/$name.log" 2>&1
	rc=$?
	msg "[stage] $name: $([ $rc -eq 0 ] && echo done || echo "FAILED (exit $rc)") in $(elapsed "$start")s (log: ${LOGS#"$TOP"/}/$name.log)"
	if [ $rc -ne 0 ]; then
		msg "---- last lines of $name.log ----"
		tail -n 25 "$LOGS/$name.log" >&2
		msg "----"
	fi
	return $rc
}

# QEMU, software emulation. -nic none: no network is used, and the default NIC needs an
# option ROM that a --no-install-recommends QEMU lacks. pauth-impdef: the architected
# pointer-auth algorithm is very slow under TCG and nothing here depends on it.
QEMU=qemu-system-aarch64
QEMU_CPU="max,pauth-impdef=on"

# Boot our kernel directly: Linux at EL1 with no hypervisor, as on a Gunyah host but without Gunyah.
#   qemu_direct TIMEOUT APPEND [qemu args...]   (console on stdio)
qemu_direct() {
	local t=$1 append=$2
	shift 2
	timeout --foreground -k 5 "$t" $QEMU -machine virt,gic-version=3 -cpu "$QEMU_CPU" -smp 2 -m 1G \
		-nographic -nic none -no-reboot -kernel "$KIMAGE" -initrd "$GUEST_INITRAMFS" \
		-append "console=ttyAMA0 panic=-1 $append" "$@"
}

# Boot the L1 machine: Debian's stock arm64 kernel with KVM (virtualization=on gives it EL2).
# Results come back on a virtio-serial port, away from console noise.
#   qemu_l1 TIMEOUT INITRAMFS RESULTFILE [qemu args...]
qemu_l1() {
	local t=$1 initrd=$2 res=$3
	shift 3
	timeout --foreground -k 5 "$t" $QEMU -machine virt,virtualization=on,gic-version=3 \
		-cpu "$QEMU_CPU" -smp 2 -m "${L1_MEM:-3G}" -nographic -nic none -no-reboot \
		-kernel "$(ls "$BUILD"/debs/l1-kernel/boot/vmlinuz-* | head -n 1)" -initrd "$initrd" \
		-append "console=ttyAMA0 panic=-1 ${L1_APPEND:-}" \
		-device virtio-serial-pci -chardev file,id=hres,path="$res" \
		-device virtserialport,chardev=hres,name=harness.result "$@"
}

# Explain why a boot failed, from its exit status and console log; empty if it did not.
#   boot_failure RC LOG TIMEOUT
boot_failure() {
	local rc=$1 log=$2 t=$3 p
	p=$(grep -m1 -a 'Kernel panic - not syncing' "$log")
	if [ -n "$p" ]; then
		echo "kernel panicked: ${p#*] }"
	elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		echo "timed out after ${t}s (hung boot; last console line: $(grep -av '^qemu-system' "$log" | tail -n 1 | tr -d '\r' | cut -c1-120))"
	elif [ "$rc" -ne 0 ]; then
		echo "qemu exited with status $rc"
	fi
}

# One result saying whether a console log holds a kernel report: an oops, a BUG (KASAN
# included), a WARNING or a lockdep splat.
# The tests our kernel's init ran (harness/guest-tests): status 0 passed, 77 skipped, else failed;
# a test's own lines start with its name.
#   guest_test_results PREFIX LOG
guest_test_results() {
	local name st why
	while read -r _ _ name st; do
		why=$(grep -a "^$name: \|^gunyah-kvm-vmm: FAIL" "$2" | tail -n 1 | tr -d '\r')
		case $st in
		0) result PASS "$1/guest/$name" ;;
		77) result SKIP "$1/guest/$name" "$why" ;;
		*) result FAIL "$1/guest/$name" "${why:-exit status $st}" ;;
		esac
	# Only the status's digits: a kernel message may follow on the marker's line
	done < <(tr -d '\r' <"$2" | grep -aoE '^@@harness test [^ ]+ [0-9]+')
}

#   kernel_reports PREFIX LOG
kernel_reports() {
	local re='Unable to handle kernel|Internal error:|BUG:|WARNING:|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage'
	if grep -qaE "$re" "$2"; then
		result FAIL "$1/no-kernel-oops-warning-or-splat" "$(grep -aE -m1 "$re" "$2" | tr -d '\r')"
	else
		result PASS "$1/no-kernel-oops-warning-or-splat"
	fi
}
