#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Debian's own qemu-system-aarch64 with -accel kvm boots a Linux guest (our Image and a busybox
# initramfs, harness/qemu-guest-init) with a virtio disk, once on virtio-mmio and once on
# virtio-pci, and user networking. The guest echoes a random token from its command line,
# prints its disk's first line and a file it fetched over virtio-net from a web server started
# here, reboots once (QEMU resets the VM) and powers off. Runs in our kernel (the Gunyah
# backend) and, unchanged, in the L1 machine on native KVM. Exit 0 pass, 77 skip, else fail.
NAME=qemu-boot
PORT=18080
# Knobs, for diagnosis (our kernel's init passes VAR=value kernel parameters on to it):
# QEMU_BOOT_MACHINE (virt; e.g. virt,its=off), QEMU_BOOT_BLK (the virtio-blk devices to try),
# QEMU_BOOT_VERBOSE (the guest kernel's messages on its console, and the console here),
# QEMU_BOOT_TIMEOUT (seconds for one QEMU run).
MACHINE=${QEMU_BOOT_MACHINE:-virt}

. /harness/qemu/lib.sh

# Every character on the guest's PL011 is an exit to QEMU, slow under nested virtualization:
# the guest kernel's boot messages stay off its console unless QEMU_BOOT_VERBOSE is set.
quiet=quiet
[ -z "${QEMU_BOOT_VERBOSE:-}" ] || quiet=

uptime_s() { cut -d' ' -f1 /proc/uptime; }
since() { awk -v a="$1" -v b="$(uptime_s)" 'BEGIN { printf "%.1f", b - a }'; }
web_server $PORT
trap 'kill $httpd_pid 2>/dev/null; rm -rf "$www"' EXIT

failed=
# boot BLK-DEVICE: one QEMU run, the guest booting twice
boot() {
	blk=$1
	why=
	token=$(rand)
	disktok=qemu-disk-$(rand)
	disk=$(mktemp)
	log=$(mktemp)
	dd if=/dev/zero of="$disk" bs=1M count=1 2>/dev/null
	echo "$disktok" | dd of="$disk" conv=notrunc 2>/dev/null

	kmsg=$(dmesg | wc -l)
	t0=$(uptime_s)
	$QEMU -M "$MACHINE" -accel kvm -cpu host -smp 2 -m 256M -nographic \
		-kernel $P/Image -initrd $P/initrd.cpio.gz \
		-append "console=ttyAMA0 $quiet panic=-1 kunit.enable=0 token=$token qemu.port=$PORT" \
		-drive "file=$disk,if=none,id=d,format=raw" -device "$blk,drive=d" \
		-netdev user,id=n -device virtio-net-device,netdev=n </dev/null >"$log" 2>&1 &
	pid=$!
	# Watch it: when the guest's init starts; a failed KVM_RUN (QEMU then stops the VM and
	# waits forever); the timeout.
	first=
	stuck=
	ticks=0
	while kill -0 $pid 2>/dev/null; do
		[ -n "$first" ] || ! grep -aq '^guest-boot: 1' "$log" || first=$(since "$t0")
		if grep -aq '^error: kvm run failed' "$log"; then
			sleep 1
			stuck="KVM_RUN failed"
		elif [ $ticks -ge $((TIMEOUT * 2)) ]; then
			stuck="killed after ${TIMEOUT}s"
		fi
		[ -z "$stuck" ] || { kill -9 $pid; break; }
		sleep 0.5
		ticks=$((ticks + 1))
	done
	wait $pid
	st=$?
	t=$(since "$t0")

	# QEMU's own messages (unsupported KVM features and the like), always shown.
	tr -d '\r' <"$log" | grep -a '^qemu-system-aarch64: \|^error: ' | awk -v p="qemu-boot: $blk: " '
		!c[$0]++ { o[++n] = $0 }
		END { for (i = 1; i <= n; i++) print p o[i] (c[o[i]] > 1 ? " (x" c[o[i]] ")" : "") }'
	n=$(tr -d '\r' <"$log" | grep -c "^guest-token: $token\$")
	if [ -n "$stuck" ]; then
		why="QEMU stopped: $stuck ($(tr -d '\r' <"$log" | grep -a -m1 '^error: '))"
	elif [ "$st" -gt 128 ]; then
		why="QEMU died of signal $((st - 128))$([ $st = 139 ] && echo ' (SIGSEGV)')"
	elif [ "$st" -ne 0 ]; then
		why="QEMU exited with status $st: $(tr -d '\r' <"$log" | grep -a -m1 '^qemu-system-aarch64: ')"
	elif ! grep -aq "^guest-uname-r: $(cat $P/release)" "$log"; then
		why="no 'guest-uname-r: $(cat $P/release)'"
	elif [ "$n" -ne 2 ]; then
		why="token echoed $n times, not twice"
	elif ! grep -aq "^guest-disk: $disktok" "$log"; then
		why="the guest did not read its disk"
	elif ! grep -aq "^guest-wget: $web" "$log"; then
		why="the guest did not fetch the file over virtio-net"
	elif ! grep -aq '^guest-boot: 1' "$log" || ! grep -aq '^guest-boot: 2' "$log" ||
	     ! grep -aq '^guest-poweroff' "$log"; then
		why="no reboot and power-off"
	elif [ "$(dd if="$disk" bs=512 skip=8 count=1 2>/dev/null | head -c 14)" != guest-rebooted ]; then
		why="the guest's disk write did not reach the image"
	fi
	[ -z "${QEMU_BOOT_VERBOSE:-}" ] || tr -d '\r' <"$log" | sed "s/^/  $blk| /"
	if [ -n "$why" ]; then
		echo "qemu-boot: $blk: FAIL after ${t}s: $why; the console:"
		tr -d '\r' <"$log" | tail -n 60 | sed 's/^/  | /'
		echo "qemu-boot: $blk: the kernel's messages meanwhile:"
		dmesg | tail -n +$((kmsg + 1)) | tail -n 40 | sed 's/^/  # /'
		[ -n "$failed" ] || failed="$blk: $why"
	else
		echo "qemu-boot: $blk: two boots, disk, network and token in ${t}s (first init after ${first:-?}s)"
		tr -d '\r' <"$log" | grep -a '^guest-' | sed "s/^/qemu-boot: $blk: /"
	fi
	rm -f "$disk" "$log"
}

for blk in ${QEMU_BOOT_BLK:-virtio-blk-device virtio-blk-pci}; do
	boot "$blk"
done
# The last line is the one make check quotes.
[ -z "$failed" ] || { echo "qemu-boot: FAIL: $failed"; exit 1; }
echo "qemu-boot: QEMU booted the guest on both virtio transports"
