#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The table of malformed KVM ioctls (tools/testing/gunyah/vmm/gunyah_kvm_errno.c) on the
# Gunyah backend: each row must get native KVM's errno, or the Gunyah errno the table
# documents. harness/errno-results.sh sets it beside the same table run under native KVM.
[ -c /dev/kvm ] || { echo "kvm-errno: no /dev/kvm (no Gunyah)"; exit 77; }
/harness/gunyah-kvm-errno || { echo "kvm-errno: rows got another errno, see the table"; exit 1; }
