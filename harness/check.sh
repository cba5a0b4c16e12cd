#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make check`: build everything, boot it, run every test, count the results.
# Each stage prints its time and keeps its full log in build/logs/. The last line is
# "N passed, N failed, N skipped"; the exit status is non-zero if anything failed.
. "$(dirname "$0")/lib.sh"

DIRECT_TIMEOUT=${DIRECT_TIMEOUT:-240}
L1_TIMEOUT=${L1_TIMEOUT:-1200}
T0=$(now)
: >"$RESULTS"

summary() {
	local p f s
	p=$(grep -c '^PASS ' "$RESULTS")
	f=$(grep -c '^FAIL ' "$RESULTS")
	s=$(grep -c '^SKIP ' "$RESULTS")
	if [ "$f" -ne 0 ]; then
		msg "failed:"
		grep '^FAIL ' "$RESULTS" | sed 's/^FAIL /  /' >&2
	fi
	msg "make check: total $(elapsed "$T0")s; results in ${RESULTS#"$TOP"/}, logs in ${LOGS#"$TOP"/}/"
	echo "$p passed, $f failed, $s skipped"
	[ "$f" -eq 0 ]
}

# The first "harness: error:" line of a stage log, to name the cause in the result.
cause() { grep -m1 -a 'harness: error:' "$LOGS/$1.log" | sed 's/^harness: error: //'; }

# Results lines from a stage are appended as they are; a missing prerequisite ends the run.
required() { # required STAGE RESULT-NAME cmd...
	local name=$1 res=$2
	shift 2
	if stage "$name" "$@"; then
		result PASS "$res"
	else
		result FAIL "$res" "$(cause "$name")"
		summary
		exit 1
	fi
}

required deps setup/packages "$HARNESS_DIR/deps.sh"
required fetch-debs setup/arm64-debs "$HARNESS_DIR/fetch-debs.sh"
required kernel-src build/kernel-source "$HARNESS_DIR/kernel-src.sh"
required kernel-build build/kernel-image "$HARNESS_DIR/kernel-build.sh"

# Our own code must build without warnings at W=1 (the kernel build uses W=1 throughout).
ours=$(grep -aE '^[^ ]+:[0-9]+:[0-9]+: warning:' "$LOGS/kernel-build.log" |
	sed -E 's#^(\.\./)*([^:]*/build/linux/)?##' | while IFS= read -r w; do
		grep -qxF "${w%%:*}" "$KSRC_DIR/.harness/overlay.list" && echo "$w"
	done)
if [ -n "$ours" ]; then
	echo "$ours" >&2
	# Rebuild those objects next time too, so the warnings are not hidden by an incremental build.
	echo "$ours" | cut -d: -f1 | sort -u | sed 's/\.c$/.o/' | (cd "$KOUT" && xargs -r rm -f)
	result FAIL build/warnings-in-our-code "$(echo "$ours" | wc -l) warnings, see above"
else
	result PASS build/warnings-in-our-code
fi

: >"$LOGS/checkpatch.log"
"$HARNESS_DIR/static-checks.sh"

required initramfs build/guest-initramfs guest_initramfs

# Direct boot: no hypervisor. Our kernel must boot, run KUnit and report Gunyah absent.
#   direct_boot NAME KOUT    (results under NAME/)
direct_boot() {
	local name=$1 kout=$2 log=$LOGS/$1-boot.log rc why release got

	KIMAGE=$kout/arch/arm64/boot/Image stage "$name-boot" \
		qemu_direct "$DIRECT_TIMEOUT" "harness.mode=check ${KERNEL_APPEND:-}" </dev/null
	rc=$?
	why=$(boot_failure "$rc" "$log" "$DIRECT_TIMEOUT")
	if [ -n "$why" ]; then
		result FAIL "$name/boot" "$why"
	else
		result PASS "$name/boot"
	fi
	release=$(cat "$kout/include/config/kernel.release")
	got=$(grep -a -m1 '^@@harness uname-r ' "$log" | tr -d '\r' | cut -d' ' -f3)
	if [ "$got" = "$release" ]; then
		result PASS "$name/uname-r"
	else
		result FAIL "$name/uname-r" "expected $release, init printed '${got:-nothing}'"
	fi
	if grep -qa 'gunyah: .*not detected' "$log"; then
		result PASS "$name/gunyah-absent-reported"
	else
		result FAIL "$name/gunyah-absent-reported" "no 'gunyah: ... not detected' line without a hypervisor"
	fi
	kernel_reports "$name" "$log"
	guest_test_results "$name" "$log"
	python3 "$HARNESS_DIR/kunit-results.py" "$KSRC_DIR" "$log" "$name/kunit" >>"$RESULTS" \
		2>"$LOGS/$name-kunit.log"
	grep -E "^(FAIL|SKIP) $name/kunit" "$RESULTS" | sed 's/^/  /' >&2
}
direct_boot direct "$KOUT"

# The same kernel with KASAN and lockdep (arch/arm64/configs/gunyah_kvm_debug.config).
debug=
if stage kernel-build-debug "$HARNESS_DIR/kernel-build.sh" debug; then
	result PASS build/kernel-debug-image
	debug=1
	direct_boot direct-debug "$KOUT_DEBUG"
else
	result FAIL build/kernel-debug-image "$(cause kernel-build-debug)"
fi
export debug

# Host-side unit tests of pure logic (build machine gcc, TAP output).
"$HARNESS_DIR/host-tests.sh"

# The L1 KVM host: Debian's stock kernel with KVM, and the Gunyah emulator running our kernel.
"$HARNESS_DIR/l1-check.sh" "$L1_TIMEOUT"

summary
