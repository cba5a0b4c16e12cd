#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: figures, not a test. One boot of the L1 machine runs the same workloads with the
# same code twice: against the L1 machine's native KVM, and inside our kernel under the Gunyah
# emulator against the Gunyah backend. Prints both side by side with the ratio Gunyah / native.
#  - our VMM (tools/testing/gunyah/vmm, --bench): VM create, MMIO round trips, teardown;
#  - the user's view (harness/qemu-bench.sh): Debian's QEMU -accel kvm booting the Linux guest,
#    to its first console line and to its userspace, and a 64 MiB virtio-blk read in the guest.
#   BENCH_LOOPS=N      VMs per side (default 5)
#   QEMU_BENCH_RUNS=N  QEMU boots per side (default 2)
. "$(dirname "$0")/lib.sh"

LOOPS=${BENCH_LOOPS:-5}
VMM=$VMM_OUT/gunyah-kvm-vmm
log=$LOGS/bench.log
[ -x "$VMM" ] || die "no $VMM: run 'make vmm'"
[ -x "$EMU_OUT/gunyah-emu" ] || die "no $EMU_OUT/gunyah-emu: run 'make emulator'"
msg "harness: bench: building the initramfs with Debian's QEMU (log: ${LOGS#"$TOP"/}/bench-build.log)"
{ guest_initramfs qemu && qemu_payload; } >"$LOGS/bench-build.log" 2>&1 ||
	die "building our kernel's initramfs with QEMU failed (see ${LOGS#"$TOP"/}/bench-build.log)"

bench_cmd="/harness/gunyah-kvm-vmm --bench --loops $LOOPS --timeout 600"
qemu_cmd="QEMU_BENCH_RUNS=${QEMU_BENCH_RUNS:-2} sh /harness/qemu/bench.sh"
inner="echo @@bench gunyah; $bench_cmd; $qemu_cmd; echo @@bench end"
cmdline="console=ttyAMA0 panic=-1 kunit.enable=0 harness.run=$(printf '%s' "$inner" | base64 -w0)"
# QEMU's root filesystem unpacked, its 256 MiB guest and a 64 MiB disk: as make check's QEMU
# runs, and the disk
emu="/harness/gunyah-emu --mem 1024M --cpus 2 --initrd /harness/guest.cpio --cmdline '$cmdline' /harness/Image"
files=(-T "$QEMU_ROOT" -f "$VMM:/harness/gunyah-kvm-vmm" -f "$EMU_OUT/gunyah-emu:/harness/gunyah-emu"
       -f "$KIMAGE:/harness/Image:644" -f "$GUEST_INITRAMFS_QEMU:/harness/guest.cpio:644")
for f in "${QEMU_PAYLOAD[@]}"; do
	files+=(-f "$f")
done
msg "harness: bench: L1 machine, native KVM then Gunyah emulator ($LOOPS VMs, QEMU ${QEMU_BENCH_RUNS:-2} boots each)"
INITRAMFS_COMPRESS=zstd "$HARNESS_DIR/l1-run.sh" -t 3600 "${files[@]}" -- \
	"echo @@bench native; $bench_cmd; $qemu_cmd; echo @@bench end; $emu" </dev/null >"$log" 2>&1 ||
	die "the bench run failed (see ${log#"$TOP"/})"

# "bench: NAME VALUE UNIT" lines, by side
awk '
	{ gsub(/\r/, "") }
	/^@@bench (native|gunyah)$/ { side = $2; next }
	/^@@bench end$/ { side = ""; next }
	side != "" && /^bench: / { v[side, $2] = $3; u[$2] = $4; if (!($2 in seen)) { seen[$2] = 1; order[n++] = $2 } }
	END {
		printf "%-28s %14s %14s %8s\n", "figure", "native KVM", "Gunyah", "ratio"
		for (i = 0; i < n; i++) {
			k = order[i]
			nat = ((("native", k) in v) ? v["native", k] " " u[k] : "n/a")
			gun = ((("gunyah", k) in v) ? v["gunyah", k] " " u[k] : "n/a")
			r = ((("native", k) in v) && (("gunyah", k) in v) && v["native", k] > 0) ? sprintf("%.2f", v["gunyah", k] / v["native", k]) : "-"
			printf "%-28s %14s %14s %8s\n", k, nat, gun, r
		}
	}' "$log"
