# SPDX-License-Identifier: GPL-2.0
#
# Gunyah backend for KVM: build, boot and test.
#
#   make check     every test; last line "N passed, N failed, N skipped"
#   make bench     our VMM and Debian's QEMU on native KVM and on the Gunyah backend, side by side
#   make run       the demo: L1 KVM host -> Gunyah emulator -> our kernel -> QEMU -accel kvm ->
#                  a Linux guest's shell; RUN='cmd' runs cmd in the guest, make fails if cmd does.
#                  Quiet: V=1 shows every layer's console. STACK=gunyah-host stops at our kernel
#                  (its shell, RUN there), STACK=direct boots our kernel alone.
#   make kernel    build/kernel/arch/arm64/boot/Image
#   make vmm       build/vmm/gunyah-kvm-vmm, our KVM-API-only VMM (the backend's acceptance test)
#
# KSRC=/path/to/linux builds against another tree (copied into build/linux first).
# The stages themselves live in harness/; see README.md.

H := harness
export KSRC

.PHONY: all kernel initramfs emulator vmm headers check bench run l1 deps clean distclean help

all: kernel

help:
	@sed -n '3,15p' Makefile

deps:
	@$(H)/deps.sh && $(H)/fetch-debs.sh

kernel: deps
	@$(H)/kernel-src.sh && $(H)/kernel-build.sh

initramfs: kernel vmm
	@bash -c '. $(H)/lib.sh && guest_initramfs' 

headers: kernel
	@$(MAKE) --no-print-directory -C build/linux O=$(CURDIR)/build/kernel \
		ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- headers

emulator: headers
	@$(MAKE) --no-print-directory -C tools/testing/gunyah OUT=$(CURDIR)/build/emu \
		CROSS_COMPILE=aarch64-linux-gnu- KHDR=$(CURDIR)/build/kernel/usr/include \
		LIBFDT=$(CURDIR)/build/debs/libfdt-dev

vmm: headers
	@$(MAKE) --no-print-directory -C tools/testing/gunyah/vmm OUT=$(CURDIR)/build/vmm \
		CROSS_COMPILE=aarch64-linux-gnu- KHDR=$(CURDIR)/build/kernel/usr/include

check:
	@$(H)/check.sh

# Figures, not a test: our VMM and Debian's QEMU on native KVM and on the Gunyah backend
bench: initramfs
	@$(MAKE) --no-print-directory emulator >/dev/null
	@$(H)/bench.sh

# run.sh builds what the stack boots first, quietly unless V=1
run:
	@RUN='$(subst ','\'',$(value RUN))' STACK='$(STACK)' VMM='$(VMM)' V='$(V)' $(H)/run.sh

# Boot the L1 KVM host alone: make l1 RUN='cmd'
l1: deps
	@$(H)/l1-run.sh $(if $(RUN),-- '$(subst ','\'',$(value RUN))')

clean:
	rm -rf build/kernel build/initramfs build/emu build/vmm build/l1 build/logs build/results.txt

distclean:
	rm -rf build
