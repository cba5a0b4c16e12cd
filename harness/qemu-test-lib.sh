# SPDX-License-Identifier: GPL-2.0
# What the QEMU tests (harness/guest-tests/qemu-*.sh) share, sourced from /harness/qemu/lib.sh
# in our kernel and in the L1 machine alike. The tests set NAME first: their lines start with it.
QEMU=/usr/bin/qemu-system-aarch64
P=/harness/qemu
TIMEOUT=${QEMU_BOOT_TIMEOUT:-600}
# The Gunyah backend's count of pages pinned for guests; native KVM has none
PINNED=/sys/kernel/debug/kvm/gunyah_host_pinned_pages

# Skip (77) where there is nothing to test with
if [ ! -c /dev/kvm ]; then
	echo "$NAME: no /dev/kvm"
	exit 77
fi
if [ ! -x $QEMU ] || [ ! -f $P/Image ]; then
	echo "$NAME: no QEMU in this initramfs (harness/qemu-rootfs.sh; guest_initramfs qemu)"
	exit 77
fi

rand() { head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# web_server PORT: serves $www/file, a random line ($web), at 127.0.0.1:PORT, which the guest
# reaches as 10.0.2.2:PORT through QEMU's user networking; $httpd_pid is the server
web_server() {
	ip link set lo up
	www=$(mktemp -d)
	web=$(rand)
	echo "$web" >"$www/file"
	httpd -f -p "127.0.0.1:$1" -h "$www" &
	httpd_pid=$!
}

# no_pins WHEN: on Gunyah, every page QEMU's VMs pinned is unpinned within 10 s of QEMU's
# end; returns 1 if not
no_pins() {
	[ -r $PINNED ] || return 0
	i=0
	while [ "$(cat $PINNED)" != 0 ]; do
		if [ $i -ge 20 ]; then
			echo "$NAME: $(cat $PINNED) pages still pinned $1"
			return 1
		fi
		sleep 0.5
		i=$((i + 1))
	done
	echo "$NAME: no page pinned $1"
}

# libvirt_start: virtlogd and libvirtd, set up as Debian's libvirt-daemon-system sets them up
# (qemu-rootfs.sh unpacks the daemon without its maintainer scripts): QEMU runs as the user
# libvirt-qemu (group libvirt-qemu, and kvm: /dev/kvm is root:kvm 0660, a distribution's udev
# rule). Its log: $LIBVIRT_LOG. Returns 1 when there is no libvirt in this root filesystem or
# libvirtd never answers.
LIBVIRT_LOG=/var/log/libvirt/libvirtd.log
libvirt_start() {
	[ -x /usr/sbin/libvirtd ] && [ -x /usr/bin/virsh ] || return 1
	kvm_gid=${KVM_GID:-993}
	mkdir -p /etc /run /var/lib/libvirt/qemu /var/lib/libvirt/images /var/log/libvirt/qemu \
		/var/cache/libvirt/qemu
	[ -e /var/run ] || ln -s /run /var/run
	grep -q '^root:' /etc/passwd 2>/dev/null || echo 'root:x:0:0:root:/root:/bin/sh' >>/etc/passwd
	grep -q '^root:' /etc/group 2>/dev/null || echo 'root:x:0:' >>/etc/group
	grep -q '^kvm:' /etc/group || echo "kvm:x:$kvm_gid:" >>/etc/group
	kvm_gid=$(sed -n 's/^kvm:x:\([0-9]*\):.*/\1/p' /etc/group)
	if ! grep -q '^libvirt-qemu:' /etc/passwd; then
		echo "libvirt-qemu:x:64055:$kvm_gid:Libvirt Qemu:/var/lib/libvirt:/usr/sbin/nologin" >>/etc/passwd
		sed -i 's/^\(kvm:x:[0-9]*:\)$/\1libvirt-qemu/' /etc/group
		echo 'libvirt-qemu:x:64055:libvirt-qemu' >>/etc/group
	fi
	chgrp kvm /dev/kvm && chmod 0660 /dev/kvm
	# The serial console is a pty
	if ! grep -q ' /dev/pts ' /proc/mounts; then
		mkdir -p /dev/pts
		mount -t devpts -o ptmxmode=0666 devpts /dev/pts
	fi
	virtlogd >>$LIBVIRT_LOG 2>&1 &
	virtlogd_pid=$!
	libvirtd >>$LIBVIRT_LOG 2>&1 &
	libvirtd_pid=$!
	i=0
	until virsh -q -c qemu:///system version >/dev/null 2>&1; do
		[ $i -lt 120 ] || return 1
		sleep 0.5
		i=$((i + 1))
	done
}

# libvirt_stop: libvirtd and virtlogd end (the domains they started must have ended)
libvirt_stop() {
	kill $libvirtd_pid $virtlogd_pid 2>/dev/null
	wait $libvirtd_pid $virtlogd_pid 2>/dev/null
}
