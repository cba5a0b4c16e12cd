#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The table of malformed KVM ioctls (gunyah-kvm-errno) under native KVM in the L1 machine and
# under the Gunyah backend in our kernel, row by row.
#   errno-results.sh NATIVE-LOG EMU-LOG
# native/gunyah-kvm-errno: every row got the errno the table has for native KVM, under native
# KVM; the table's native column is checked against the real thing first.
# emu/errno/ROW: PASS when Gunyah's errno is native KVM's (the one measured in NATIVE-LOG);
# SKIP when Gunyah answers otherwise as the table documents, with the reason (and still FAIL
# if it does not answer that); FAIL otherwise. '*' rows depend on what the host offers: each
# side answers for the capabilities it reports, so only the verdict is compared.
. "$(dirname "$0")/lib.sh"

native_log=$1 emu_log=$2
# | row | ioctl | input | native | gunyah | got | result |, without the header
rows() { grep -a '^| [a-z0-9-]* | ' "$1" | tr -d '\r' | grep -v '^| row |'; }
field() { awk -F'|' -v f="$1" '{ gsub(/^ +| +$/, "", $f); print $f }'; }

declare -A native_got
if [ -f "$native_log" ] && grep -qa '^gunyah-kvm-errno: backend: native' "$native_log"; then
	while IFS= read -r line; do
		native_got[$(field 2 <<<"$line")]=$(field 7 <<<"$line")
	done < <(rows "$native_log")
	if grep -qa '^gunyah-kvm-errno: PASS' "$native_log"; then
		result PASS native/gunyah-kvm-errno
	else
		bad=$(rows "$native_log" | awk -F'|' '$8 !~ /ok/ { gsub(/ /, "", $2); printf "%s%s", s, $2; s = ", " }')
		result FAIL native/gunyah-kvm-errno "native KVM answered otherwise than the table: ${bad:-no table}"
	fi
else
	result FAIL native/gunyah-kvm-errno "no table from native KVM in ${native_log#"$TOP"/}"
fi

if ! grep -qa '^gunyah-kvm-errno: backend: Gunyah' "$emu_log"; then
	result FAIL emu/errno/table "no table from the Gunyah backend in ${emu_log#"$TOP"/}"
	exit 0
fi
while IFS= read -r line; do
	id=$(field 2 <<<"$line")
	native=$(field 5 <<<"$line")
	gunyah=$(field 6 <<<"$line")
	got=$(field 7 <<<"$line")
	verdict=$(field 8 <<<"$line")
	measured=${native_got[$id]:-not measured}
	# What native KVM gives: measured, and for a '*' row on a host with Gunyah's capabilities
	if [[ $native == *"*"* ]]; then
		native_is="native KVM ${native%% *} with Gunyah's capabilities, $measured in L1"
	else
		native_is="native KVM $measured"
	fi
	expected=${gunyah%% *}
	[ "$expected" = "=" ] && expected=${native%% *}
	if [ "$verdict" != ok ]; then
		result FAIL "emu/errno/$id" "Gunyah $got, expected $expected ($native_is)"
	elif [[ $gunyah == *"[d]"* ]]; then
		why=$(grep -a "^    $id: " "$emu_log" | head -n 1 | tr -d '\r' | sed "s/^    $id: //")
		result SKIP "emu/errno/$id" "Gunyah $got, $native_is: $why"
	elif [[ $native == *"*"* ]] || [ "$measured" = "$got" ]; then
		result PASS "emu/errno/$id"
	else
		result FAIL "emu/errno/$id" "Gunyah $got, native KVM $measured"
	fi
done < <(rows "$emu_log")
exit 0
