#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build and run the host-side unit tests (plain C, build machine gcc). Each test program
# prints TAP; every test point becomes one harness result, and a program that dies or
# whose count does not match its plan is a failure of its own.
. "$(dirname "$0")/lib.sh"

HOST_OUT=$EMU_OUT
SUITES="tools/testing/gunyah"

tap_results() { # tap_results PREFIX < tap
	awk -v prefix="$1" '
	/^1\.\.[0-9]+/ { plan = substr($1, 4) + 0; have_plan = 1; next }
	/^(not )?ok [0-9]+/ {
		st = ($1 == "not") ? "FAIL" : "PASS"
		line = $0
		sub(/^(not )?ok [0-9]+ *-? */, "", line)
		skip = (line ~ /# *[Ss][Kk][Ii][Pp]/)
		name = line; sub(/ *#.*/, "", name); gsub(/ /, "_", name)
		why = line; if (sub(/^[^#]*# */, "", why) == 0) why = ""
		if (skip) st = "SKIP"
		n++
		print st, prefix "/" name (why != "" ? " # " why : "")
	}
	END {
		if (!have_plan) print "FAIL", prefix "/plan # no TAP plan line"
		else if (n != plan) print "FAIL", prefix "/plan # " n " of " plan " test points ran"
	}'
}

for dir in $SUITES; do
	[ -f "$TOP/$dir/Makefile" ] || continue
	name=$(basename "$dir")
	if ! stage "host-tests-build-$name" make -C "$TOP/$dir" OUT="$HOST_OUT" host-tests; then
		result FAIL "host/$name/build" "make host-tests failed"
		continue
	fi
	result PASS "host/$name/build"
	for t in "$HOST_OUT"/host/test_*; do
		[ -x "$t" ] || continue
		tname=$(basename "$t")
		timeout 120 "$t" >"$LOGS/host-$tname.log" 2>&1
		rc=$?
		tap_results "host/$tname" <"$LOGS/host-$tname.log" >>"$RESULTS"
		grep -E "^(FAIL|SKIP) host/$tname/" "$RESULTS" | sed 's/^/  /' >&2
		[ $rc -eq 0 ] || result FAIL "host/$tname/exit" "exit status $rc"
		msg "  host tests $tname: $(grep -c "^PASS host/$tname/" "$RESULTS") passed (log: build/logs/host-$tname.log)"
	done

	# The same programs under AddressSanitizer and UBSan: one result per program.
	asan_out=$BUILD/host-asan
	if ! stage "host-tests-asan-build-$name" make -C "$TOP/$dir" OUT="$asan_out" SANITIZE=1 host-tests; then
		result FAIL "host-asan/$name/build" "make SANITIZE=1 host-tests failed"
		continue
	fi
	for t in "$asan_out"/host/test_*; do
		[ -x "$t" ] || continue
		tname=$(basename "$t")
		log=$LOGS/host-asan-$tname.log
		timeout 600 "$t" >"$log" 2>&1
		rc=$?
		if [ $rc -eq 0 ] && ! grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$log"; then
			result PASS "host-asan/$tname"
		else
			result FAIL "host-asan/$tname" "exit $rc; see build/logs/host-asan-$tname.log"
		fi
	done
done
exit 0
