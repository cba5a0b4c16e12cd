#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: figures, not a test. One boot of the L1 machine runs our VMM
# (tools/testing/gunyah/vmm, --bench) twice with the same guest and the same code: against the
# L1 machine's native KVM, and inside our kernel under the Gunyah emulator against the Gunyah
# backend. Prints both side by side with the ratio Gunyah / native.
#   BENCH_LOOPS=N   VMs per side (default 5)
. "$(dirname "$0")/lib.sh"

LOOPS=${BENCH_LOOPS:-5}
VMM=$VMM_OUT/gunyah-kvm-vmm
log=$LOGS/bench.log
[ -x "$VMM" ] || die "no $VMM: run 'make vmm'"
[ -x "$EMU_OUT/gunyah-emu" ] || die "no $EMU_OUT/gunyah-emu: run 'make emulator'"
guest_initramfs >/dev/null || die "building our kernel's initramfs failed"

bench_cmd="/harness/gunyah-kvm-vmm --bench --loops $LOOPS --timeout 600"
inner="echo @@bench gunyah; $bench_cmd; echo @@bench end"
cmdline="console=ttyAMA0 panic=-1 kunit.enable=0 harness.run=$(printf '%s' "$inner" | base64 -w0)"
emu="/harness/gunyah-emu --mem 512M --cpus 2 --initrd /harness/guest.cpio.gz --cmdline '$cmdline' /harness/Image"
msg "harness: bench: L1 machine, native KVM then Gunyah emulator ($LOOPS VMs each)"
"$HARNESS_DIR/l1-run.sh" -t 1800 -f "$VMM:/harness/gunyah-kvm-vmm" \
	-f "$EMU_OUT/gunyah-emu:/harness/gunyah-emu" -f "$KIMAGE:/harness/Image:644" \
	-f "$GUEST_INITRAMFS:/harness/guest.cpio.gz:644" -- \
	"echo @@bench native; $bench_cmd; echo @@bench end; $emu" </dev/null >"$log" 2>&1 ||
	die "the bench run failed (see ${log#"$TOP"/})"

# "bench: NAME VALUE UNIT" lines, by side
awk '
	{ sub(/\r$/, "") }
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
