#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# /dev/kvm exists exactly when Gunyah was detected, and with the mode and group the init
# gave it (as a distribution's udev rule does), members of that group can use it and
# others cannot. Exit 0 pass, 77 skip, anything else fail.
if ! dmesg | grep -q 'gunyah: Gunyah hypervisor detected'; then
	[ ! -e /dev/kvm ] || { echo "kvm-dev: /dev/kvm exists without Gunyah"; exit 1; }
	echo "kvm-dev: no Gunyah, no /dev/kvm"
	exit 0
fi
[ -c /dev/kvm ] || { echo "kvm-dev: Gunyah detected but no /dev/kvm"; exit 1; }
got=$(stat -c '%a %g' /dev/kvm)
[ "$got" = "660 $KVM_GID" ] || { echo "kvm-dev: /dev/kvm is '$got', wanted '660 $KVM_GID'"; exit 1; }
# A member of the group: the whole scenario as an unprivileged user.
/harness/gunyah-kvm-vmm --timeout 300 --user="1000:1000:$KVM_GID" ||
	{ echo "kvm-dev: a member of group kvm cannot use /dev/kvm"; exit 1; }
# Not a member: opening must fail with EACCES.
out=$(/harness/gunyah-kvm-vmm --timeout 300 --user=1000:1000 2>&1)
case $out in
*"open /dev/kvm: Permission denied"*) ;;
*) echo "kvm-dev: a user outside group kvm got: $out"; exit 1 ;;
esac
echo "kvm-dev: 0660 root:kvm, usable by its group only"
