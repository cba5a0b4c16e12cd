#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Debian's QEMU on /dev/kvm when things go wrong, and with company: QEMU killed with SIGKILL
# while its guest runs must leave no page pinned, and the next starts must work; two QEMUs
# then run at once (they share the RM's parcel budget), each guest booting twice and powering
# off as in qemu-boot.sh. Runs in our kernel (the Gunyah backend) and, unchanged, on native
# KVM, where there is no pinned-page count to read. Exit 0 pass, 77 skip, else fail.
# The emulator's counters at the end of the boot say whether a VMID or a parcel was left.
NAME=qemu-robust
PORT=18081
. /harness/qemu/lib.sh

fail() { echo "qemu-robust: FAIL: $*"; exit 1; }

web_server $PORT
dir=$(mktemp -d)
# A failure leaves no QEMU behind to hold its VM
trap 'kill $httpd_pid 2>/dev/null; for f in "$dir"/*.pid; do kill -9 "$(cat "$f")" 2>/dev/null; done
      rm -rf "$www" "$dir"' EXIT

# start NAME MEM: QEMU in the background, its guest's token in $dir/NAME.token, console in
# $dir/NAME.log, pid in $dir/NAME.pid
start() {
	token=$(rand)
	echo "$token" >"$dir/$1.token"
	dd if=/dev/zero of="$dir/$1.disk" bs=1M count=1 2>/dev/null
	echo "qemu-disk-$1" | dd of="$dir/$1.disk" conv=notrunc 2>/dev/null
	: >"$dir/$1.log"
	$QEMU -M virt -accel kvm -cpu host -smp 2 -m "$2" -nographic \
		-kernel $P/Image -initrd $P/initrd.cpio.gz \
		-append "console=ttyAMA0 quiet panic=-1 kunit.enable=0 token=$token qemu.port=$PORT" \
		-drive "file=$dir/$1.disk,if=none,id=d,format=raw" -device virtio-blk-device,drive=d \
		-netdev user,id=n -device virtio-net-device,netdev=n </dev/null >"$dir/$1.log" 2>&1 &
	echo $! >"$dir/$1.pid"
}

# A failed KVM_RUN: QEMU then stops the VM and waits for ever
run_failed() { grep -aq '^error: kvm run failed' "$dir/$1.log"; }

# wait_line NAME LINE: until the guest printed LINE (a prefix), or QEMU ended or stopped its
# VM, or TIMEOUT
wait_line() {
	ticks=0
	while ! tr -d '\r' <"$dir/$1.log" | grep -aq "^$2"; do
		kill -0 "$(cat "$dir/$1.pid")" 2>/dev/null || return 1
		[ $ticks -lt $((TIMEOUT * 2)) ] && ! run_failed "$1" || return 1
		sleep 0.5
		ticks=$((ticks + 1))
	done
}

console() { tr -d '\r' <"$dir/$1.log" | tail -n 30 | sed "s/^/  $1| /"; }

# 1. SIGKILL while the guest runs: its init has started, its disk and network are in use.
start killed 256M
if ! wait_line killed guest-boot:; then
	console killed
	fail "the guest to be killed never reached its init"
fi
kill -9 "$(cat "$dir/killed.pid")"
wait "$(cat "$dir/killed.pid")"
echo "qemu-robust: QEMU killed with SIGKILL while its guest ran"
no_pins "after QEMU was killed" || fail "pages left pinned"

# 2. Two at once, after the killed one: each guest boots, reboots and powers off.
start a 192M
start b 192M
for g in a b; do
	ticks=0
	while kill -0 "$(cat "$dir/$g.pid")" 2>/dev/null && [ $ticks -lt $((TIMEOUT * 2)) ] &&
	      ! run_failed $g; do
		sleep 0.5
		ticks=$((ticks + 1))
	done
	run_failed $g && { console $g; fail "QEMU $g: $(grep -a -m1 '^error: ' "$dir/$g.log")"; }
	kill -9 "$(cat "$dir/$g.pid")" 2>/dev/null && { console $g; fail "QEMU $g killed after ${TIMEOUT}s"; }
	wait "$(cat "$dir/$g.pid")"
	st=$?
	[ $st -eq 0 ] || { console $g; fail "QEMU $g exited with status $st"; }
	n=$(tr -d '\r' <"$dir/$g.log" | grep -c "^guest-token: $(cat "$dir/$g.token")\$")
	[ "$n" -eq 2 ] || { console $g; fail "guest $g echoed its token $n times, not twice"; }
	tr -d '\r' <"$dir/$g.log" | grep -aq "^guest-wget: $web" ||
		{ console $g; fail "guest $g did not fetch the file over virtio-net"; }
	tr -d '\r' <"$dir/$g.log" | grep -aq '^guest-poweroff' ||
		{ console $g; fail "guest $g did not power off"; }
done
echo "qemu-robust: two QEMUs at once, each guest booted twice and powered off"
no_pins "after both" || fail "pages left pinned"
echo "qemu-robust: QEMU killed, then two at once$([ -r $PINNED ] && echo ', nothing left pinned')"
