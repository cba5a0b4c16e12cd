#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Results of our kernel's run under the Gunyah emulator, from the L1 console log:
# its KUnit cases, that it saw Gunyah, and what the emulator's counters say about memory.
#   emu-results.sh L1_CONSOLE_LOG
. "$(dirname "$0")/lib.sh"

log=$1
release=$(cat "$KOUT/include/config/kernel.release")
got=$(grep -a -m1 '^@@harness uname-r ' "$log" | tr -d '\r' | cut -d' ' -f3)
if [ "$got" = "$release" ]; then
	result PASS emu/our-kernel-booted
else
	result FAIL emu/our-kernel-booted "expected uname -r $release, got '${got:-nothing}'"
fi
python3 "$HARNESS_DIR/kunit-results.py" "$KSRC_DIR" "$log" emu/kunit >>"$RESULTS" 2>"$LOGS/emu-kunit.log"
grep -E '^(FAIL|SKIP) emu/kunit' "$RESULTS" | sed 's/^/  /' >&2

counter() { grep -a "^gunyah-emu: counter $1 " "$log" | tail -n 1 | awk '{ print $4 }' | tr -d '\r'; }
expect() { # expect NAME TEST EXPRESSION-WHY
	local v
	v=$(counter "$1")
	if [ -z "$v" ]; then
		result FAIL "emu/counter/$1" "counter not printed"
	elif awk -v v="$v" "BEGIN { exit !($2) }"; then
		result PASS "emu/counter/$1"
	else
		result FAIL "emu/counter/$1" "$1 = $v, expected $3"
	fi
}
expect pages_lent 'v >= 1' "the live test to lend at least one page"
expect pages_shared 'v >= 1' "the live test to share at least one page"
lent=$(counter pages_lent)
shared=$(counter pages_shared)
expect pages_reclaimed "v == ${lent:-0} + ${shared:-0}" "every lent and shared page reclaimed"
expect primary_pages_unmapped 'v == 0' "no page left unmapped from the primary VM at exit"
expect primary_blocked_accesses "v >= 1" "the live test's userspace read of a lent page to be blocked"
