#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The user's view of a VM, for make bench (harness/bench.sh): Debian's qemu-system-aarch64
# -accel kvm boots the Linux guest as a user would (boot messages on its console), and its init
# reads 64 MiB from its virtio-blk disk. Printed as "bench: NAME VALUE UNIT", the mean of
# QEMU_BENCH_RUNS runs (default 2):
#   qemu-first-console-line   QEMU's start to the guest's first console line
#   qemu-guest-userspace      QEMU's start to the guest's init running a command (its shell)
#   qemu-virtio-blk-read      dd of 64 MiB from /dev/vda in the guest, timed by the guest
# Runs unchanged in the L1 machine (native KVM) and in our kernel (the Gunyah backend).
QEMU=/usr/bin/qemu-system-aarch64
P=/harness/qemu
RUNS=${QEMU_BENCH_RUNS:-2}

[ -x $QEMU ] && [ -c /dev/kvm ] || { echo "qemu-bench: no QEMU or no /dev/kvm"; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
dd if=/dev/zero of="$dir/disk" bs=1M count=64 2>/dev/null
# Debian's busybox dd prints no rate: the guest times the read itself (10 ms resolution)
cmd=$(printf '%s\n' 'a=$(cut -d" " -f1 /proc/uptime)' \
	'dd if=/dev/vda of=/dev/null bs=1M count=64 2>/dev/null' \
	'b=$(cut -d" " -f1 /proc/uptime)' 'echo "qemu-bench-read $a $b"' | base64 | tr -d '\n')
uptime_s() { cut -d' ' -f1 /proc/uptime; }

i=0
while [ $i -lt "$RUNS" ]; do
	i=$((i + 1))
	t0=$(uptime_s)
	# Each console line is stamped as it arrives; the guest powers off after its command.
	timeout 900 $QEMU -M virt -accel kvm -cpu host -smp 2 -m 256M -nographic \
		-kernel $P/Image -initrd $P/initrd.cpio.gz \
		-append "console=ttyAMA0 panic=-1 kunit.enable=0 harness.run=$cmd" \
		-drive "file=$dir/disk,if=none,id=d,format=raw" -device virtio-blk-device,drive=d \
		-nic none </dev/null 2>&1 |
		while IFS= read -r line; do
			# No fork per line: a builtin read of the clock
			read -r now _ </proc/uptime
			echo "$now $line"
		done >"$dir/log"
	awk -v t0="$t0" '
		{ sub(/\r$/, "") }
		!first && NF > 1 { first = $1 - t0 }
		/@@guest run/ && !user { user = $1 - t0 }
		$2 == "qemu-bench-read" && $4 > $3 { mb = 64 / ($4 - $3) }
		END {
			if (!first || !user || !mb) exit 1
			printf "run %.2f %.2f %.1f\n", first, user, mb
		}' "$dir/log" >>"$dir/runs" || {
		echo "qemu-bench: run $i incomplete; the end of its console:"
		tail -n 20 "$dir/log"
		exit 1
	}
done
awk '{ f += $2; u += $3; r += $4; n++ }
	END {
		printf "bench: qemu-first-console-line %.2f s\n", f / n
		printf "bench: qemu-guest-userspace %.2f s\n", u / n
		printf "bench: qemu-virtio-blk-read %.1f MiB/s\n", r / n
	}' "$dir/runs"
