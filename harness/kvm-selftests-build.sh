#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the base tree's aarch64 KVM selftests (every TEST_GEN_PROGS of the 6.12 Makefile),
# statically linked and stripped, into build/selftests/bin/ under their Makefile names
# (aarch64/vgic_init, demand_paging_test, ...), and check that harness/kvm-selftests.list
# names every one of them and nothing else.
# The build runs in a copy of the tree's tools/: the selftests write generated headers and
# temporary files into their source tree, and build/linux stays as kernel-src.sh left it.
. "$(dirname "$0")/lib.sh"

src=$SELFTESTS_OUT/src
obj=$SELFTESTS_OUT/obj
bin=$SELFTESTS_OUT/bin

[ -d "$KOUT/usr/include/linux" ] || die "no uapi headers in $KOUT/usr/include (make headers)"
# What the build reads outside tools/: the sysreg table and its generator, subarch.include.
# The generated sysreg header stays, or every object would be rebuilt each time.
if ! { mkdir -p "$src/scripts" "$src/arch/arm64" "$obj" &&
	rsync -a --delete --exclude=/arch/arm64/include/generated/ "$KSRC_DIR/tools/" "$src/tools/" &&
	rsync -a --delete "$KSRC_DIR/arch/arm64/tools/" "$src/arch/arm64/tools/" &&
	cp "$KSRC_DIR/scripts/subarch.include" "$src/scripts/"; }; then
	die "copying the sources failed"
fi

kvm_make() {
	# LDFLAGS in the environment: on the command line it would replace the Makefile's own.
	LDFLAGS=-static make -C "$src/tools/testing/selftests/kvm" ARCH=arm64 \
		CROSS_COMPILE=aarch64-linux-gnu- OUTPUT="$obj" \
		KHDR_INCLUDES="-isystem $KOUT/usr/include" "$@"
}
# The Makefile's own list for aarch64: TEST_GEN_PROGS, with $(OUTPUT)/ in front.
# shellcheck disable=SC2016
progs=$(kvm_make -s --no-print-directory --eval='harness-progs: ; @echo $(TEST_GEN_PROGS)' \
	harness-progs) || die "cannot list TEST_GEN_PROGS"
progs=$(echo "$progs" | tr ' ' '\n' | sed "s#^$obj/##" | grep . | sort)
[ -n "$progs" ] || die "TEST_GEN_PROGS for aarch64 is empty"

kvm_make -j"$(nproc)" || die "the selftests did not build"

rm -rf "$bin"
for p in $progs; do
	[ -x "$obj/$p" ] || die "$p was not built"
	interp=$(aarch64-linux-gnu-readelf -l "$obj/$p" | grep -c INTERP)
	[ "$interp" = 0 ] || die "$p is not statically linked"
	mkdir -p "$bin/$(dirname "$p")"
	# Stripped: they go into initramfs images; obj/ keeps the symbols.
	aarch64-linux-gnu-strip -o "$bin/$p" "$obj/$p" || die "strip $p failed"
done

listed=$(grep -v '^[[:space:]]*\(#\|$\)' "$SELFTESTS_LIST" | awk '{ print $1 }' | sort)
missing=$(comm -23 <(echo "$progs") <(echo "$listed"))
extra=$(comm -13 <(echo "$progs") <(echo "$listed"))
[ -z "$missing" ] || die "not in ${SELFTESTS_LIST#"$TOP"/}: $(echo "$missing" | tr '\n' ' ')"
[ -z "$extra" ] || die "in ${SELFTESTS_LIST#"$TOP"/}, not built for aarch64: $(echo "$extra" | tr '\n' ' ')"
msg "kvm selftests: $(echo "$progs" | wc -l) programs in ${bin#"$TOP"/}"
