#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Compare, page by page, what our kernel reported leaking with what the
Gunyah emulator still held away from it at exit.

Kernel (drivers/virt/gunyah/rsc_mgr_parcel.c), per leaked lent parcel, on the
real RM's device (the KUnit fake RM's device has another driver name):
    gunyah_rsc_mgr DEV: leaked lent parcel H: N pages in M ranges (was S)
    gunyah_rsc_mgr DEV: leaked lent parcel H range 0xADDR pages P      (M lines)
Emulator (tools/testing/gunyah), per range missing from the primary's stage 2:
    gunyah-emu: unmapped ipa 0xADDR size 0xSIZE

Prints one line: "ok: ..." or "mismatch: ..."; exits 1 on a mismatch or on a
parcel whose range lines do not add up to its summary line.
"""
import re
import sys

PAGE = 4096
summary_re = re.compile(r'gunyah_rsc_mgr \S+: leaked lent parcel (\S+): (\d+) pages in (\d+) ranges')
range_re = re.compile(r'gunyah_rsc_mgr \S+: leaked lent parcel (\S+) range (0x[0-9a-f]+) pages (\d+)')
emu_re = re.compile(r'gunyah-emu: unmapped ipa (0x[0-9a-f]+) size (0x[0-9a-f]+)')


def main(log):
    text = open(log, 'rb').read().decode('utf-8', 'replace')
    want, got_ranges, kernel, emu = {}, {}, set(), set()
    parcels = 0
    # Handles repeat only as "none" (lends never found again): sum per handle
    for m in summary_re.finditer(text):
        parcels += 1
        want[m.group(1)] = want.get(m.group(1), 0) + int(m.group(2))
    for m in range_re.finditer(text):
        base, n = int(m.group(2), 16), int(m.group(3))
        got_ranges[m.group(1)] = got_ranges.get(m.group(1), 0) + n
        kernel.update(range(base // PAGE, base // PAGE + n))
    for m in emu_re.finditer(text):
        base, size = int(m.group(1), 16), int(m.group(2), 16)
        emu.update(range(base // PAGE, (base + size) // PAGE))
    bad = [h for h in want if want[h] != got_ranges.get(h, 0)]
    if bad:
        print('mismatch: parcel %s: summary says %d pages, ranges say %d'
              % (bad[0], want[bad[0]], got_ranges.get(bad[0], 0)))
        return 1
    if kernel != emu:
        only_k = sorted(kernel - emu)[:4]
        only_e = sorted(emu - kernel)[:4]
        print('mismatch: %d pages reported leaked, %d held by the emulator; '
              'only reported: %s; only held: %s'
              % (len(kernel), len(emu), [hex(p * PAGE) for p in only_k],
                 [hex(p * PAGE) for p in only_e]))
        return 1
    print('ok: %d pages in %d parcels reported leaked, the same %d pages held'
          % (len(kernel), parcels, len(emu)))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1]))
