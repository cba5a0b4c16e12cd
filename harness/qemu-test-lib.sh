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
