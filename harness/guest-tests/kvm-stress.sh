#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Lifecycle stress of the Gunyah backend: 200 VMs created, run and destroyed through /dev/kvm,
# the VMM killed with SIGKILL, by itself, at its last VM in three of every four VMM processes:
# before the first KVM_RUN, while the guest runs (spinning inside KVM_RUN) and in the middle of
# an MMIO exit. Each VM is as cheap as one that runs can be (gunyah-kvm-vmm --tiny: one vCPU,
# one 64 KiB slot, the vGIC; an MMIO write, a read answered by the VMM, PSCI SYSTEM_OFF).
#
# The count is the VMs' own: for every VM the VMM prints (--stats, also just before it kills
# itself) whether its guest ran, which only the guest's first MMIO write proves, and how many
# times the backend started it (the VM's gunyah_vm_starts binary stat). Exactly the VMs not
# killed before their first KVM_RUN must have run, each started exactly once: a backend that
# skipped, restarted or faked a VM changes the sums. No page may stay pinned after any VMM
# process, so nothing accumulates; the RM's budget (64 parcels for the host, its VMIDs) would
# run out long before 200 VMs if a VM leaked one, and the emulator's counters at exit
# (emu-results.sh) must show every VMID and parcel returned and at least the VMs started here.
# harness.stress-vms=N on our kernel's command line runs N VMs instead of 200.
[ -c /dev/kvm ] || { echo "kvm-stress: no /dev/kvm (no Gunyah)"; exit 77; }
vms=200
for arg in $(cat /proc/cmdline); do
	case $arg in
	harness.stress-vms=*) vms=${arg#*=} ;;
	esac
done
per=4	# VMs per VMM process; the last one may be killed
vmm="/harness/gunyah-kvm-vmm --tiny --stats --timeout 120"
pinned=/sys/kernel/debug/kvm/gunyah_host_pinned_pages
log=/tmp/kvm-stress.log
[ -r $pinned ] || { echo "kvm-stress: no $pinned"; exit 1; }
fail() { echo "kvm-stress: $*"; exit 1; }
up() { cut -d' ' -f1 /proc/uptime; }

: >$log
t0=$(up)
done_vms=0 procs=0 ran_expected=0 k_none=0 k_before=0 k_running=0 k_mmio=0
while [ $done_vms -lt "$vms" ]; do
	n=$per
	[ $((vms - done_vms)) -lt $n ] && n=$((vms - done_vms))
	case $((procs % 4)) in
	0) die= ;;
	1) die=before-run ;;
	2) die=running ;;
	3) die=mmio ;;
	esac
	if [ -z "$die" ]; then
		$vmm --loops $n >>$log 2>&1
		st=$?
		[ $st -eq 0 ] || { tail -n 3 $log; fail "VMM $procs ($n VMs) exited $st"; }
		k_none=$((k_none + 1))
		ran_expected=$((ran_expected + n))
	else
		$vmm --loops $n --die-at=$die >>$log 2>&1
		st=$?
		[ $st -eq 137 ] ||
			{ tail -n 3 $log; fail "VMM $procs (--die-at=$die) exited $st, not 137 (SIGKILL)"; }
		case $die in
		before-run) k_before=$((k_before + 1)); ran_expected=$((ran_expected + n - 1)) ;;
		running) k_running=$((k_running + 1)); ran_expected=$((ran_expected + n)) ;;
		mmio) k_mmio=$((k_mmio + 1)); ran_expected=$((ran_expected + n)) ;;
		esac
	fi
	p=$(cat $pinned)
	[ "$p" = 0 ] || fail "$p pages still pinned after VMM $procs (--die-at=${die:-none})"
	done_vms=$((done_vms + n))
	procs=$((procs + 1))
done
t1=$(up)

# gunyah-kvm-vmm: stats: vm N guest-ran 0|1 gunyah_vm_starts N
created=$(grep -c '^gunyah-kvm-vmm: stats: vm ' $log)
ran=$(awk '$2 == "stats:" { s += $6 } END { print s + 0 }' $log)
starts=$(awk '$2 == "stats:" { s += $8 } END { print s + 0 }' $log)
once=$(awk '$2 == "stats:" && $6 == $8 { n++ } END { print n + 0 }' $log)
kills=$(grep -c '^gunyah-kvm-vmm: --die-at: SIGKILL' $log)
echo "kvm-stress: $created VMs in $procs VMM processes: $ran guest(s) ran, $starts start(s) by the backend;" \
	"$kills VMMs killed ($k_before before the first KVM_RUN, $k_running running, $k_mmio in an MMIO exit)"
awk -v a="$t0" -v b="$t1" -v n="$vms" \
	'BEGIN { printf "kvm-stress: %d VMs in %.1f s, %.2f s per VM\n", n, b - a, (b - a) / n }'
[ "$created" -eq "$vms" ] || fail "$created VMs reported, $vms created"
[ "$kills" -eq $((k_before + k_running + k_mmio)) ] ||
	fail "$kills kills reported, $((k_before + k_running + k_mmio)) asked for"
[ "$ran" -eq "$ran_expected" ] || fail "$ran guests ran, expected $ran_expected"
[ "$starts" -eq "$ran_expected" ] ||
	fail "the backend started VMs $starts times, expected $ran_expected (one per guest that ran)"
[ "$once" -eq "$vms" ] || fail "$((vms - once)) VMs ran without one start or started without running"
# For emu-results.sh: the emulator must have started at least these
echo "kvm-stress: started $starts"
echo "kvm-stress: no page pinned after any of the $procs VMMs"
