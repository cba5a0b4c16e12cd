#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Configure (allnoconfig + our fragments) and build an arm64 Image.
#   kernel-build.sh            build/kernel:       gunyah_kvm.config + gunyah_kvm_test.config
#   kernel-build.sh debug      build/kernel-debug: the same + gunyah_kvm_debug.config
# gunyah_kvm.config is the product; the test fragment adds KUnit, the live RM suite and the
# other test-only settings that make check and make run need.
. "$(dirname "$0")/lib.sh"

CONFIGS=$TOP/arch/arm64/configs
FRAGMENTS=("$CONFIGS/gunyah_kvm.config" "$CONFIGS/gunyah_kvm_test.config")
if [ "${1:-}" = debug ]; then
	KOUT=$KOUT_DEBUG
	FRAGMENTS+=("$CONFIGS/gunyah_kvm_debug.config")
fi
JOBS=${JOBS:-$(nproc)}
CC_WRAP=
command -v ccache >/dev/null && CC_WRAP="ccache "
# Absolute paths appear in compile lines with O=; let ccache hit across checkouts.
export CCACHE_BASEDIR=$TOP
kmake() {
	# shellcheck disable=SC2086
	make -C "$KSRC_DIR" O="$KOUT" $KARCH CC="${CC_WRAP}aarch64-linux-gnu-gcc" "$@"
}

mkdir -p "$KOUT"
# The effective fragment: every symbol's last assignment across the fragments, in order.
merged=$KOUT/.fragment.config
awk '
	/^CONFIG_[A-Za-z0-9_]+=/ { sym = $0; sub(/=.*/, "", sym) }
	/^# CONFIG_[A-Za-z0-9_]+ is not set/ { sym = $2 }
	/^(CONFIG_|# CONFIG_.* is not set)/ { if (!(sym in line)) order[n++] = sym; line[sym] = $0 }
	END { for (i = 0; i < n; i++) print line[order[i]] }
' "${FRAGMENTS[@]}" >"$merged.new"
if [ ! -f "$KOUT/.config" ] || ! cmp -s "$merged.new" "$merged"; then
	msg "harness: configuring ${KOUT#"$TOP"/} (allnoconfig + ${FRAGMENTS[*]#"$CONFIGS"/})"
	KCONFIG_ALLCONFIG=$merged.new kmake allnoconfig || die "kernel configuration failed"
	# Every line of the fragments must have survived: a typo or unmet dependency is an error.
	bad=0
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*)
			grep -qxF "$line" "$KOUT/.config" || { msg "harness: config: wanted '$line', got '$(grep "^${line%%=*}=\|# ${line%%=*} is not set" "$KOUT/.config")'"; bad=1; } ;;
		"# CONFIG_"*" is not set")
			sym=${line#\# }; sym=${sym%% *}
			grep -q "^$sym=" "$KOUT/.config" && { msg "harness: config: wanted $sym off"; bad=1; } ;;
		esac
	done <"$merged.new"
	[ $bad -eq 0 ] || die "config fragment not honoured (see above)"
	mv "$merged.new" "$merged"
fi
rm -f "$merged.new"
# W=1 throughout, so our files are always compiled with the extra warnings and nothing is
# rebuilt for a change of flags between a normal and a checking build.
kmake -j"$JOBS" W=1 Image || die "kernel build failed"
msg "harness: built $(cat "$KOUT/include/config/kernel.release") -> ${KOUT#"$TOP"/}/arch/arm64/boot/Image"
