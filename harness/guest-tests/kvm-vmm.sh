#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The acceptance VMM (tools/testing/gunyah/vmm) on /dev/kvm served by Gunyah: an SMP guest
# with memory in two slots, MMIO exits both ways, an SPI through KVM_IRQ_LINE and one
# through an irqfd, power-off; a guest that resets itself ten times, each reset reported as
# such and the VM started again as QEMU does it; then repeated VMs in one process, a VMM
# killed (SIGKILL, by itself) before its first KVM_RUN, while running and in the middle of an
# MMIO exit, and a normal VM after them. No page may stay pinned; the emulator's counters at
# exit say whether a VMID or a parcel was left behind.
[ -c /dev/kvm ] || { echo "kvm-vmm: no /dev/kvm (no Gunyah)"; exit 77; }
vmm="/harness/gunyah-kvm-vmm --timeout 300"
$vmm -v || exit 1
$vmm --tiny --resets 10 || { echo "kvm-vmm: the guest's resets failed"; exit 1; }
$vmm --loops 2 || exit 1
for at in before-run running mmio; do
	$vmm --die-at=$at
	st=$?
	[ $st -eq 137 ] || { echo "kvm-vmm: --die-at=$at exited $st, not 137 (SIGKILL)"; exit 1; }
done
$vmm || { echo "kvm-vmm: no VM after the killed ones"; exit 1; }
pinned=/sys/kernel/debug/kvm/gunyah_host_pinned_pages
[ -r $pinned ] || { echo "kvm-vmm: no $pinned"; exit 1; }
[ "$(cat $pinned)" = 0 ] || { echo "kvm-vmm: $(cat $pinned) pages still pinned"; exit 1; }
echo "kvm-vmm: all VMs ran and went away"
