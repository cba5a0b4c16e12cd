#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Results of our kernel's run under the Gunyah emulator, from an L1 console log.
#   emu-results.sh normal LOG         KUnit cases, Gunyah seen, memory counters
#   emu-results.sh debug LOG          the same for the KASAN/lockdep kernel
#   emu-results.sh fault-NAME LOG     survival and page accounting under injected RM failures
. "$(dirname "$0")/lib.sh"

mode=$1 log=$2
release=$(cat "$KOUT/include/config/kernel.release")
case $mode in
normal) prefix=emu ;;
debug)
	prefix=emu-debug
	release=$(cat "$KOUT_DEBUG/include/config/kernel.release")
	;;
*) prefix=fault/${mode#fault-} ;;
esac

counter() { grep -a "^gunyah-emu: counter $1 " "$log" | tail -n 1 | awk '{ print $4 }' | tr -d '\r'; }
expect() { # expect NAME AWK-CONDITION WHAT-WAS-EXPECTED
	local v
	v=$(counter "$1")
	if [ -z "$v" ]; then
		result FAIL "$prefix/counter/$1" "counter not printed"
	elif awk -v v="$v" "BEGIN { exit !($2) }"; then
		result PASS "$prefix/counter/$1"
	else
		result FAIL "$prefix/counter/$1" "$1 = $v, expected $3"
	fi
}

got=$(grep -a -m1 '^@@harness uname-r ' "$log" | tr -d '\r' | cut -d' ' -f3)
if [ "$got" = "$release" ] && grep -qa '^@@harness done' "$log"; then
	result PASS "$prefix/our-kernel-ran-to-the-end"
else
	result FAIL "$prefix/our-kernel-ran-to-the-end" \
		"$(boot_failure 0 "$log" 0)${got:+ }init printed uname '${got:-nothing}'"
fi
if grep -qa 'gunyah: Gunyah hypervisor detected' "$log"; then
	result PASS "$prefix/gunyah-detected"
else
	result FAIL "$prefix/gunyah-detected" "no 'Gunyah hypervisor detected' line"
fi

kernel_reports "$prefix" "$log"

if [ "$mode" = normal ] || [ "$mode" = debug ]; then
	python3 "$HARNESS_DIR/kunit-results.py" "$KSRC_DIR" "$log" "$prefix/kunit" >>"$RESULTS" \
		2>"$LOGS/$prefix-kunit.log"
	grep -E "^(FAIL|SKIP) $prefix/kunit" "$RESULTS" | sed 's/^/  /' >&2
	guest_test_results "$prefix" "$log"
	expect pages_lent 'v >= 1' "the live test to lend at least one page"
	expect pages_shared 'v >= 1' "the live test to share at least one page"
	lent=$(counter pages_lent)
	shared=$(counter pages_shared)
	expect pages_reclaimed "v == ${lent:-0} + ${shared:-0}" "every lent and shared page reclaimed"
	expect primary_pages_unmapped 'v == 0' "no page left unmapped from the primary VM at exit"
	expect primary_blocked_accesses 'v == 1' \
		"exactly the live test's userspace read of a lent page to be blocked"
	# The 600 discontiguous pages went as LEND + APPEND; the 2 MiB folio as one SGL entry.
	expect parcels_appended 'v >= 1' "the live test's 600-page parcel to be completed with MEM_APPEND"
	expect sgl_entries_large 'v >= 1' "the live test's 2 MiB folio to arrive as one SGL entry"
	expect rm_fatal 'v == 0' "no request the real RM would have died of"
	expect secondary_park_unexpected_exits 'v == 0' "a parked vCPU to leave its WFI only by the step after it"
	if grep -qa '^@@harness test kvm-[a-z-]* 0' "$log"; then
		# VMs through /dev/kvm (guest-tests/kvm-*.sh) ran too: the live test's are a part.
		expect vm_started 'v >= 2' "the live test's VM and those of /dev/kvm to start"
		expect secondary_vmmio_exits 'v >= 3 + 26' "the exits of the live test and of a VMM's VM"
		expect secondary_powered_off 'v >= 2' "the live test's VM and a VMM's VM to power off"
		# gunyah-kvm-vmm's vCPU 0 waits in WFI twice: parked, then woken by its vIRQ
		expect secondary_vcpu_parks 'v >= 1' "a vCPU waiting in WFI to be parked (expects wakeup)"
		expect secondary_wakeup_virqs 'v >= 1' "a parked vCPU's wakeup vIRQ to be raised"
	else
		# The live test's secondary VM: started once, three VMMIO exits, powered off.
		expect vm_started 'v == 1' "the live test's one secondary VM to start"
		expect secondary_vmmio_exits 'v == 3' "its write, read and write to reach the host"
		expect secondary_powered_off 'v == 1' "it to power off"
	fi
	# The lifecycle stress (guest-tests/kvm-stress.sh): the emulator's own count of VM starts
	# must cover every VM the stress saw run, beside the live test's one.
	stress=$(grep -a '^kvm-stress: started ' "$log" | tail -n 1 | tr -d '\r' | awk '{ print $3 }')
	if [ -n "$stress" ]; then
		grep -a '^kvm-stress: .* per VM$' "$log" | tr -d '\r' | sed 's/^/  /' >&2
		started=$(counter vm_started)
		if [ "${started:-0}" -ge $((stress + 1)) ]; then
			result PASS "$prefix/stress/emulator-started-every-vm"
		else
			result FAIL "$prefix/stress/emulator-started-every-vm" \
				"vm_started = ${started:-not printed}, expected at least $stress + 1"
		fi
	fi
	# Whatever ran, killed VMMs included, nothing stays with the RM.
	expect rm_vmids_left 'v == 0' "every VMID freed"
	expect rm_parcels_left 'v == 0' "every parcel reclaimed"
	expect secondary_vms_left 'v == 0' "no sibling VM left behind"
	exit 0
fi

# Under injected failures: the failures happened, and the pages the emulator still holds away
# from the primary at exit are exactly, page by page, the pages the kernel reported leaking.
leak_check() {
	local out
	if out=$(python3 "$HARNESS_DIR/leak-check.py" "$log"); then
		result PASS "$prefix/leaked-pages-are-the-held-pages"
	else
		result FAIL "$prefix/leaked-pages-are-the-held-pages" "$out"
	fi
	echo "$out" >&2
}
leaked=$(grep -aoE 'gunyah_rsc_mgr [^ ]+: leaked lent parcel [^ ]+: [0-9]+ pages' "$log" |
	awk '{ s += $(NF - 1) } END { print s + 0 }')
case $mode in
fault-lost-replies)
	# "Applied, reply lost" on every fourth LEND and RECLAIM, while the stress case runs.
	expect rm_replies_lost 'v >= 20' "the emulator to have lost replies"
	expect primary_blocked_accesses 'v == 0' "no access to a lent page (a freed lent page is written by init_on_free)"
	if grep -qaE '[] ]ok [0-9]+ live_parcel_stress' "$log" &&
	   ! grep -qaE 'not ok [0-9]+ live_parcel_stress' "$log"; then
		result PASS "$prefix/stress-cycles-succeeded"
	else
		result FAIL "$prefix/stress-cycles-succeeded" "live_parcel_stress did not pass"
	fi
	grep -a 'lend-reclaim cycles succeeded' "$log" | tail -n 1 | sed 's/^/  /' >&2
	# Lost lends that cannot be looked up are leaked: the page-by-page comparison has work.
	if [ "$leaked" -ge 1 ]; then
		result PASS "$prefix/unresolved-lends-leaked"
	else
		result FAIL "$prefix/unresolved-lends-leaked" "no page reported leaked"
	fi
	;;
*)
	expect rm_injected_failures 'v >= 1' "the emulator to have injected failures"
	expect primary_blocked_accesses 'v <= 1' "no access to a lent page but the live test's deliberate probe"
	;;
esac
expect primary_pages_unmapped "v == $leaked" "as many pages still lent as the kernel leaked ($leaked)"
expect rm_remap_failures 'v == 0' "every reclaimed page mapped back into the primary"
expect rm_fatal 'v == 0' "no request the real RM would have died of"
leak_check
if [ "$mode" = fault-reclaim ]; then
	if grep -qaE 'not ok [0-9]+ live_lend_sanitized_reclaim' "$log" && [ "$leaked" -eq 1 ]; then
		result PASS fault/reclaim/failed-reclaim-reported-and-page-leaked
	else
		result FAIL fault/reclaim/failed-reclaim-reported-and-page-leaked \
			"expected live_lend_sanitized_reclaim to fail and one page leaked, leaked $leaked"
	fi
fi
exit 0
