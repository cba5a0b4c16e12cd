#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The base tree's aarch64 KVM selftests on /dev/kvm served by Gunyah, each with its arguments
# and time limit from harness/kvm-selftests.list: one "selftest NAME STATUS" line per test,
# which kvm-selftests-table.py sets against the same test under native KVM and judges. This
# script fails when the tests could not be run, or when their VMs left a page pinned.
[ -c /dev/kvm ] || { echo "kvm-selftests: no /dev/kvm (no Gunyah)"; exit 77; }
# Only the initramfs of the normal boot under the emulator has them (l1-check.sh).
[ -f /harness/kvm-selftests.list ] ||
	{ echo "kvm-selftests: not in this initramfs (the normal boot under the emulator has them)"
	  exit 77; }
# Where Gunyah lets a VM have RAM and MMIO (the library's defaults are GPA 0 for both): RAM
# from 2 GiB, clear of the device range below 1 GiB, of the RM's page at 1 GiB and of the
# tests' own memslots at 1 and 3 GiB; the ucall page in the device range, below the RM's
# page. Gunyah runs no VM without a vGIC: the library gives one to a VM that has none.
export KVM_SELFTESTS_SLOT0_GPA=0x80000000
export KVM_SELFTESTS_UCALL_GPA=0x3fff0000
export KVM_SELFTESTS_DEFAULT_VGIC=1
res=/tmp/kvm-selftests.results
: >"$res"
# kvm-selftests-table.py reads what follows this line: the tests' results and output, and
# whatever our kernel printed while they ran.
echo "kvm-selftests: start"
sh /harness/kvm-selftests-run.sh -o "$res" /harness/selftests /harness/kvm-selftests.list ||
	{ echo "kvm-selftests: the runner failed"; exit 1; }
# All the result lines again, together: a kernel message may have split one as it ran.
cat "$res"
echo "kvm-selftests: $(grep -c ' pass ' "$res") of $(wc -l <"$res") passed"
pinned=/sys/kernel/debug/kvm/gunyah_host_pinned_pages
[ -r $pinned ] || { echo "kvm-selftests: no $pinned"; exit 1; }
[ "$(cat $pinned)" = 0 ] ||
	{ echo "kvm-selftests: $(cat $pinned) pages still pinned after the selftests"; exit 1; }
