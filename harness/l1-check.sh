#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The L1 stage of `make check`: boot the KVM host machine, check KVM, run our own VMM against
# its native KVM, and run our kernel under the Gunyah emulator there (L1 -> gunyah-emu -> our
# kernel).
. "$(dirname "$0")/lib.sh"

L1_TIMEOUT=${1:-1200}
EMU_DIR=$TOP/tools/testing/gunyah
EMU=$EMU_OUT/gunyah-emu
EMU_TIMEOUT=$((L1_TIMEOUT - 120))
# Our kernel's own tests (guest-tests) in the normal boot: the lifecycle stress alone runs 200
# VMs, a few seconds each on a loaded machine.
GUEST_TESTS_TIMEOUT=900
VMM_DIR=$TOP/tools/testing/gunyah/vmm
VMM=$VMM_OUT/gunyah-kvm-vmm
ERRNO=$VMM_OUT/gunyah-kvm-errno
VMM_TIMEOUT=300
# What the KVM selftests add to the boots that run them: their time limits bound each test,
# this bounds the boot should our kernel or the L1 machine stop in one of them.
SELFTESTS_TIMEOUT=900
emu=
emu_missing="tools/testing/gunyah not present yet"
vmm=

headers() { # 6.12 uapi headers for userspace that needs newer KVM ioctls than the cross libc's
	# shellcheck disable=SC2086
	make -C "$KSRC_DIR" O="$KOUT" $KARCH headers
}
have_headers() { # the headers stage, run once for every user
	[ -n "${headers_st:-}" ] || { stage kernel-headers headers; headers_st=$?; }
	return "$headers_st"
}
if [ -f "$EMU_DIR/Makefile" ]; then
	if have_headers &&
	   stage emulator-build make -C "$EMU_DIR" OUT="$EMU_OUT" CROSS_COMPILE=aarch64-linux-gnu- \
		KHDR="$KOUT/usr/include" LIBFDT="$LIBFDT_ARM64"; then
		result PASS build/gunyah-emu
		emu=1
	else
		result FAIL build/gunyah-emu "see build/logs/emulator-build.log"
		emu_missing="gunyah-emu did not build"
	fi
fi
if [ -f "$VMM_DIR/Makefile" ]; then
	if have_headers &&
	   stage vmm-build make -C "$VMM_DIR" OUT="$VMM_OUT" CROSS_COMPILE=aarch64-linux-gnu- \
		KHDR="$KOUT/usr/include"; then
		result PASS build/gunyah-kvm-vmm
		vmm=1
		# Our kernel runs it too, under the emulator (harness/guest-tests/kvm-*.sh).
		stage guest-initramfs-vmm guest_initramfs ||
			result FAIL build/guest-initramfs-with-vmm "see build/logs/guest-initramfs-vmm.log"
	else
		result FAIL build/gunyah-kvm-vmm "see build/logs/vmm-build.log"
	fi
fi
# The base tree's aarch64 KVM selftests, unedited (kvm-selftests-build.sh). They run in two
# boots that happen anyway, with the same list: under the L1 machine's native KVM after our
# VMM's native run, and in our kernel's normal boot on Gunyah as one of its guest tests, from
# an initramfs of that boot alone (the direct boots and the other boots under the emulator
# do without them).
selftests= boot_initramfs=$GUEST_INITRAMFS boot_extra=$GUEST_TESTS_TIMEOUT
if have_headers && stage kvm-selftests-build "$HARNESS_DIR/kvm-selftests-build.sh"; then
	result PASS build/kvm-selftests
	selftests=1
	if [ -z "$emu" ]; then
		:
	elif stage guest-initramfs-selftests guest_initramfs selftests; then
		boot_initramfs=$GUEST_SELFTESTS_INITRAMFS
		boot_extra=$((GUEST_TESTS_TIMEOUT + SELFTESTS_TIMEOUT))
	else
		result FAIL build/guest-initramfs-with-selftests \
			"see build/logs/guest-initramfs-selftests.log"
	fi
else
	result FAIL build/kvm-selftests "$(grep -m1 -a 'harness: error:' "$LOGS/kvm-selftests-build.log" |
		sed 's/^harness: error: //')"
fi

# One boot of the L1 machine, optionally running the emulator with extra arguments.
#   l1_boot NAME [EMU-ARGS [IMAGE]]: console in build/logs/l1-NAME.log, results in
#   l1-NAME-results.txt. IMAGE: our kernel (with its initramfs) unless another is named.
#   KARGS in the environment: more arguments for our kernel's command line; EXTRA_TIMEOUT:
#   seconds more than L1_TIMEOUT for this boot.
l1_boot() {
	local name=$1 emu_args=${2:-} image=${3:-} cmd= args=()
	local l1_timeout=$((L1_TIMEOUT + ${EXTRA_TIMEOUT:-0}))
	local emu_timeout=$((EMU_TIMEOUT + ${EXTRA_TIMEOUT:-0}))

	if [ -n "$emu" ] && [ -n "$image" ]; then
		args=(-f "$EMU:/harness/gunyah-emu" -f "$image:/harness/guest.Image:644")
		cmd="/harness/gunyah-emu --timeout $emu_timeout $emu_args /harness/guest.Image"
	elif [ -n "$emu" ]; then
		args=(-f "$EMU:/harness/gunyah-emu" -f "$KIMAGE:/harness/Image:644"
		      -f "$GUEST_INITRAMFS:/harness/guest.cpio.gz:644")
		cmd="/harness/gunyah-emu --mem 512M --cpus 2 --timeout $emu_timeout $emu_args \
--initrd /harness/guest.cpio.gz --cmdline 'console=ttyAMA0 panic=-1 harness.mode=check${KARGS:+ $KARGS}' /harness/Image"
	fi
	"$HARNESS_DIR/l1-run.sh" -t "$l1_timeout" -r "$LOGS/l1-$name-results.txt" "${args[@]}" \
		${cmd:+-- "$cmd"} </dev/null
}
l1_result() { # l1_result RUN KEY NAME WHAT
	local st
	st=$(awk -v k="$2" '$1 == k { print $2 }' "$LOGS/l1-$1-results.txt")
	if [ "$st" = 0 ]; then
		result PASS "$3"
	else
		result FAIL "$3" "$4 (status ${st:-missing})"
	fi
}
boot_result() { # boot_result RUN STATUS NAME
	if [ "$2" -eq 125 ]; then
		result FAIL "$3" "$(grep -a -m1 'l1-run:' "$LOGS/l1-$1.log" | sed 's/^l1-run: //')"
	else
		result PASS "$3"
	fi
}

# Our kernel's normal boot under the emulator, with the KVM selftests among its guest tests.
EXTRA_TIMEOUT=$boot_extra GUEST_INITRAMFS=$boot_initramfs stage l1-boot l1_boot boot
boot_result boot $? l1/boot
l1_result boot kvm-dev l1/dev-kvm-present "/dev/kvm missing in L1"
l1_result boot kvm-init l1/kvm-initialised "KVM did not initialise in L1"
l1_result boot kvm-smoke l1/kvm-smoke-guest-ran "the smoke guest did not run under L1 KVM"

# Under native KVM, in a boot of their own: the table of malformed ioctls (native KVM's
# errnos, which the Gunyah backend's must equal: errno-results.sh, after our kernel's run), our
# own VMM, KVM API only (tools/testing/gunyah/vmm), the baseline that the Gunyah backend must
# match, then the KVM selftests, the baseline for the same tests on Gunyah. The command's
# status is the VMM's; each selftest's line comes back on the results port, and those of a
# boot that stopped early are kept.
native_files=() native_vmm= native_selftests= native_timeout=0
if [ -n "$vmm" ]; then
	native_files+=(-f "$VMM:/harness/gunyah-kvm-vmm" -f "$ERRNO:/harness/gunyah-kvm-errno")
	native_vmm='/harness/gunyah-kvm-errno; /harness/gunyah-kvm-vmm -v && /harness/gunyah-kvm-vmm --tiny --resets 10 && /harness/gunyah-kvm-vmm --loops 20'
	native_timeout=$VMM_TIMEOUT
fi
if [ -n "$selftests" ]; then
	while read -r f; do native_files+=(-f "$f"); done < <(selftest_files)
	# shellcheck disable=SC2016
	run='-o "$HARNESS_RESULT_PORT" /harness/selftests /harness/kvm-selftests.list'
	native_selftests="sh /harness/kvm-selftests-run.sh $run"
	native_timeout=$((native_timeout + SELFTESTS_TIMEOUT))
fi
st=0
if [ -n "$native_vmm$native_selftests" ]; then
	stage l1-native "$HARNESS_DIR/l1-run.sh" -t "$native_timeout" \
		-r "$LOGS/l1-native-results.txt" "${native_files[@]}" \
		-- "${native_vmm:-true}; st=\$?; ${native_selftests:-:}; exit \$st" </dev/null
	st=$?
fi
if [ -z "$vmm" ]; then
	result SKIP native/gunyah-kvm-vmm "gunyah-kvm-vmm not built"
elif [ "$st" -eq 0 ]; then
	result PASS native/gunyah-kvm-vmm
else
	why=$(grep -a -m1 -E '^(gunyah-kvm-vmm: FAIL|l1-run): ' "$LOGS/l1-native.log" | tr -d '\r')
	result FAIL native/gunyah-kvm-vmm "${why:-exit status $st}"
fi
[ -z "$selftests" ] || boot_result native "$st" native/kvm-selftests/l1-boot

# Debian's QEMU with -accel kvm boots a Linux guest: on native KVM in L1, and in our kernel
# under the emulator (its own boot, after the native run) on the Gunyah backend.
"$HARNESS_DIR/qemu-check.sh" native ${emu:+gunyah}

if [ -z "$emu" ]; then
	result SKIP l1/gunyah-emu "$emu_missing"
	exit 0
fi
# The emulator's own bare-metal self-test guest first: it checks the enforcement of lending
# (reads and writes of a lent page abort, a hypercall buffer in lent memory is refused,
# reclaim restores, sanitize zeroes) and secondary VMs (several vCPUs, the vGIC, doorbells,
# two primary vCPUs running one VM's vCPUs at once) without depending on our kernel.
stage l1-emu-selftest l1_boot emu-selftest "--mem 64M --cpus 2" "$EMU_OUT/gunyah-selftest.Image"
boot_result emu-selftest $? emu-selftest/l1-boot
l1_result emu-selftest cmd emu-selftest/exit "the self-test guest failed"
if grep -qa 'selftest: PASSED' "$LOGS/l1-emu-selftest.log" &&
   grep -qa $'^gunyah-emu: counter primary_blocked_accesses 2\r*$' "$LOGS/l1-emu-selftest.log"; then
	result PASS emu-selftest/lent-page-accesses-blocked
else
	result FAIL emu-selftest/lent-page-accesses-blocked \
		"expected 'selftest: PASSED' and primary_blocked_accesses 2"
fi

l1_result boot cmd l1/gunyah-emu-exit "gunyah-emu did not finish cleanly"
"$HARNESS_DIR/emu-results.sh" normal "$LOGS/l1-boot.log"
if [ -n "$vmm" ]; then
	"$HARNESS_DIR/errno-results.sh" "$LOGS/l1-native.log" "$LOGS/l1-boot.log"
fi

# The KVM selftests, both columns side by side and judged (kvm-selftests-table.py):
# build/logs/kvm-selftests.txt, and .rst for Documentation/virt/kvm/arm/gunyah.rst.
if [ -n "$selftests" ]; then
	python3 "$HARNESS_DIR/kvm-selftests-table.py" "$SELFTESTS_LIST" "$SELFTESTS_REASONS" \
		"$LOGS/l1-native-results.txt" "$LOGS/l1-boot.log" \
		"$LOGS/kvm-selftests.txt" "$LOGS/kvm-selftests.rst" >>"$RESULTS" \
		2>"$LOGS/kvm-selftests-table.log" ||
		result FAIL kvm-selftests/table "$(tail -n 1 "$LOGS/kvm-selftests-table.log")"
	cut -c1-120 "$LOGS/kvm-selftests.txt" | sed 's/^/  /' >&2
	grep '^FAIL kvm-selftests/' "$RESULTS" | sed 's/^/  /' >&2
fi

# The KASAN/lockdep kernel under the emulator: the live RM path with its real transport.
if [ -n "$debug" ]; then
	# One VM through /dev/kvm is enough here: KASAN makes every VM slow.
	KARGS="harness.tests=kvm-dev" KIMAGE=$KOUT_DEBUG/arch/arm64/boot/Image \
		stage l1-debug l1_boot debug
	boot_result debug $? emu-debug/l1-boot
	"$HARNESS_DIR/emu-results.sh" debug "$LOGS/l1-debug.log"
fi

# Robustness: RM failures injected by the emulator. Our kernel must survive them, report
# them, and never hand back or touch a page whose reclaim failed (it stays lent, leaked).
#  - the first MEM_RECLAIM fails with NOMEM;
#  - a seeded fifth of all RM calls fail (three seeds, each a fixed set of failures).
# Our kernel's own tests (guest-tests: VMs through /dev/kvm) run in the normal boots only.
KARGS="harness.tests=none" stage l1-fault-reclaim l1_boot fault-reclaim "--fail-rm 51000015:1"
boot_result fault-reclaim $? fault/reclaim/l1-boot
"$HARNESS_DIR/emu-results.sh" fault-reclaim "$LOGS/l1-fault-reclaim.log"
# "Applied, reply lost": the RM does every fourth LEND and RECLAIM but its reply never comes,
# and no MEM_QCOM_LOOKUP_SGL reply ever comes, so a lend whose reply was lost cannot be found
# again. Only the stress case runs (200 lend-reclaim cycles with a short deadline); the kernel
# must repeat each lost reclaim, leak each lend it cannot resolve, never touch a lent page
# (init_on_free would write a freed one), and report as leaked exactly what the emulator holds.
KARGS="kunit.filter_glob=gunyah_rm_live.live_parcel_stress harness.tests=none" \
	stage l1-fault-lost-replies \
	l1_boot fault-lost-replies \
	"--lose-rate 0.25 --lose-msgs 51000012,51000015 --seed 5 --lose-reply 5100001a"
boot_result fault-lost-replies $? fault/lost-replies/l1-boot
"$HARNESS_DIR/emu-results.sh" fault-lost-replies "$LOGS/l1-fault-lost-replies.log"
for seed in 7 11 23; do
	KARGS="harness.tests=none" stage "l1-fault-random$seed" l1_boot "fault-random$seed" \
		"--fail-rate 0.2 --seed $seed"
	boot_result "fault-random$seed" $? "fault/random$seed/l1-boot"
	"$HARNESS_DIR/emu-results.sh" "fault-random$seed" "$LOGS/l1-fault-random$seed.log"
done
exit 0
