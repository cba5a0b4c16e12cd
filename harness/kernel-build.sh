#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Configure (allnoconfig + our fragment) and build the arm64 Image in build/kernel.
. "$(dirname "$0")/lib.sh"

FRAGMENT=$TOP/arch/arm64/configs/gunyah_kvm.config
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
want=$(sha256sum "$FRAGMENT" | cut -d' ' -f1)
if [ ! -f "$KOUT/.config" ] || [ "$(cat "$KOUT/.fragment.sha" 2>/dev/null)" != "$want" ]; then
	msg "harness: configuring (allnoconfig + ${FRAGMENT#"$TOP"/})"
	KCONFIG_ALLCONFIG=$FRAGMENT kmake allnoconfig || die "kernel configuration failed"
	# Every line of the fragment must have survived: a typo or unmet dependency is an error.
	bad=0
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*)
			grep -qxF "$line" "$KOUT/.config" || { msg "harness: config: wanted '$line', got '$(grep "^${line%%=*}=\|# ${line%%=*} is not set" "$KOUT/.config")'"; bad=1; } ;;
		"# CONFIG_"*" is not set")
			sym=${line#\# }; sym=${sym%% *}
			grep -q "^$sym=" "$KOUT/.config" && { msg "harness: config: wanted $sym off"; bad=1; } ;;
		esac
	done <"$FRAGMENT"
	[ $bad -eq 0 ] || die "config fragment not honoured (see above)"
	echo "$want" >"$KOUT/.fragment.sha"
fi
# W=1 throughout, so our files are always compiled with the extra warnings and nothing is
# rebuilt for a change of flags between a normal and a checking build.
kmake -j"$JOBS" W=1 Image || die "kernel build failed"
msg "harness: built $(cat "$KOUT/include/config/kernel.release") -> ${KIMAGE#"$TOP"/}"
